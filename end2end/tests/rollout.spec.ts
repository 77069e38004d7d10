import { test, expect, APIRequestContext } from '@playwright/test';
import { demo, runtimeToken, signIn } from './demo';

/** The stage the runtime is told, read from the runtime API's policy. */
async function runtimeStage(request: APIRequestContext, personaId: string) {
  const response = await request.get(`/api/runtime/v1/personas/${personaId}/policy`, {
    headers: { Authorization: `Bearer ${runtimeToken()}` },
  });
  expect(response.status()).toBe(200);
  return (await response.json()).stage;
}

test('a promotion waits on its gates, an owner breaks glass, and an operator demotes at once', async ({ page, browser, request, javaScriptEnabled, baseURL }) => {
  const d = demo();
  // Otto starts (and, after this journey, ends) at stage 1, in the runtime token's space.
  const otto = d.personas.find((p) => p.name === 'Otto')!;
  expect(await runtimeStage(request, otto.id)).toBe(1);

  // The operator reads what each stage would expose and asks for the next one.
  await signIn(page, d.operator);
  await page.goto(`/personas/${otto.id}`);
  const rollout = page.getByRole('region', { name: 'Rollout' });
  await expect(rollout.getByRole('list', { name: 'What each stage exposes' })).toBeVisible();
  await expect(rollout.getByRole('heading', { name: /Gates to stage 2/ })).toBeVisible();
  // Nobody is on call for Otto: that gate fails, and says what to do.
  await expect(rollout.getByRole('list', { name: 'Gates' })).toContainText('Nobody is on call for this persona');
  await rollout.getByText('Ask for promotion to the next stage').click();
  await rollout.getByRole('button', { name: 'Ask for promotion' }).click();
  await expect(rollout.getByText('say why this persona is ready')).toBeVisible();
  await rollout.getByLabel('Why is it ready?').fill('Two calm weeks reconciling orders in the sandbox');
  await rollout.getByRole('button', { name: 'Ask for promotion' }).click();
  await expect(rollout.getByRole('heading', { name: /Waiting: promotion to stage 2/ })).toBeVisible();

  // A reviewer sees the request with its gates; a failing gate blocks approval.
  const reviewerContext = await browser.newContext({ baseURL, javaScriptEnabled });
  const reviewer = await reviewerContext.newPage();
  await signIn(reviewer, d.reviewer);
  await reviewer.goto('/review?kind=promotion');
  const item = reviewer.getByRole('article').filter({ hasText: 'Two calm weeks' });
  await expect(item).toContainText('Promote Otto to stage 2');
  await expect(item.getByRole('list', { name: 'Gates' })).toContainText('An on-call operator is assigned');
  await expect(item).toContainText('0 of 1 approval given');
  await item.getByRole('button', { name: 'Approve' }).click();
  await expect(reviewer.getByText(/a gate fails, so this cannot be approved yet/)).toBeVisible();
  await reviewerContext.close();
  expect(await runtimeStage(request, otto.id)).toBe(1);

  // The owner promotes at once with a written reason: flagged, and the runtime has it.
  await page.context().clearCookies();
  await signIn(page, d.login);
  await page.goto(`/personas/${otto.id}`);
  await rollout.getByText('Promote now without approvals (break glass)').click();
  await rollout.getByLabel('Why can this not wait for reviewers?').fill('Quarter close starts tonight');
  await rollout.getByRole('button', { name: 'Promote now' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Stage 2');
  await expect(rollout.getByRole('note')).toContainText('by break glass');
  await expect(rollout).toContainText('Request for stage 2 closed');
  expect(await runtimeStage(request, otto.id)).toBe(2);

  // Demotion is immediate and needs a reason.
  await rollout.getByText('Demote', { exact: true }).click();
  await rollout.getByRole('button', { name: 'Demote now' }).click();
  await expect(rollout.getByText('say why: the persona')).toBeVisible();
  expect(await runtimeStage(request, otto.id)).toBe(2);
  await rollout.getByLabel('Why?').fill('Quarter closed; back to the pilot');
  await rollout.getByRole('button', { name: 'Demote now' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Stage 1');
  expect(await runtimeStage(request, otto.id)).toBe(1);
  await expect(rollout).toContainText('Demoted from stage 2 to 1');
});

test('an owner sets a stage limit and a bad number is refused with nothing changed', async ({ page }) => {
  const d = demo();
  const backOffice = d.spaces.find((s) => s.name === 'Back Office')!;
  await signIn(page, d.login);
  await page.goto(`/spaces/${backOffice.id}`);
  const stages = page.getByRole('region', { name: 'Rollout stages' });
  await expect(stages.getByRole('row', { name: /2 · Bounded production/ })).toBeVisible();
  const stage3 = stages.locator('details').filter({ hasText: 'Change stage 3' });
  await stage3.getByText('Change stage 3').click();
  await stage3.getByLabel('Approvals a promotion to this stage needs (1–5)').fill('0');
  await stage3.getByRole('button', { name: 'Save stage 3' }).click();
  await expect(stage3.getByText(/a promotion always needs a second person/)).toBeVisible();
  await expect(stages.getByRole('row', { name: /3 · Broader/ }).getByRole('cell').nth(3)).toHaveText('2');

  // A good value is saved and shown.
  const stage2 = stages.locator('details').filter({ hasText: 'Change stage 2' });
  await stage2.getByText('Change stage 2').click();
  await stage2.getByLabel(/^Audience cap/).fill('800');
  await stage2.getByRole('button', { name: 'Save stage 2' }).click();
  await expect(stages.getByRole('row', { name: /2 · Bounded production/ }).getByRole('cell').nth(2)).toHaveText('800');
});
