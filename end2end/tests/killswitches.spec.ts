import { test, expect, APIRequestContext } from '@playwright/test';
import { demo, runtimeToken, signIn } from './demo';

async function kvDecision(request: APIRequestContext, personaId: string) {
  const response = await request.post('/api/runtime/v1/decisions', {
    headers: { Authorization: `Bearer ${runtimeToken()}` },
    data: { persona_id: personaId, capability: 'kv_datastore', access: 'write', environment: 'sandbox' },
  });
  expect(response.status()).toBe(200);
  return (await response.json()).decision;
}

test('an operator stops a persona, a second person releases it, and a drill is measured', async ({ page, browser, request, javaScriptEnabled, baseURL }) => {
  const d = demo();
  // Otto lives in the demo's first space, the one `demo --json`'s runtime token is for.
  const otto = d.personas.find((p) => p.name === 'Otto')!;
  expect(await kvDecision(request, otto.id)).toBe('allow');

  await signIn(page, d.operator);
  await page.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: 'Kill-switches' }).click();
  await expect(page.getByRole('heading', { name: 'Kill-switches', level: 1 })).toBeVisible();

  // Engaging needs a reason; the refusal says so and stops nothing.
  await page.getByLabel('What to stop').selectOption({ label: 'Persona Otto' });
  await page.getByRole('button', { name: 'Engage now' }).click();
  await expect(page.getByText('say why you are stopping it')).toBeVisible();
  expect(await kvDecision(request, otto.id)).toBe('allow');

  await page.getByLabel('What to stop').selectOption({ label: 'Persona Otto' });
  await page.getByLabel(/^Why/).fill('Answered customers in the wrong language');
  await page.getByRole('button', { name: 'Engage now' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'engaged' })).toContainText('Persona Otto');
  expect(await kvDecision(request, otto.id)).toBe('deny');

  // The operator asks for a release; a reviewer, in another browser, approves it.
  const row = () => page.getByRole('row').filter({ hasText: 'Otto' }).first();
  await row().getByText('Ask for release').click();
  await row().getByLabel('Why it is safe to let runtimes go again').fill('Language pinned in the prompt');
  await row().getByRole('button', { name: 'Send to the review queue' }).click();
  await expect(row()).toContainText('waiting in the review queue');
  expect(await kvDecision(request, otto.id)).toBe('deny');

  const reviewerContext = await browser.newContext({ baseURL, javaScriptEnabled });
  const reviewer = await reviewerContext.newPage();
  await signIn(reviewer, d.reviewer);
  await reviewer.goto('/review?kind=release');
  const item = reviewer.getByRole('article').filter({ hasText: 'Otto' }).first();
  await expect(item).toContainText('Release the persona switch on');
  await expect(item).toContainText('Language pinned in the prompt');
  await expect(item).toContainText('Answered customers in the wrong language');
  await item.getByRole('button', { name: 'Approve' }).click();
  await expect(reviewer.getByRole('article').filter({ hasText: 'Otto' })).toHaveCount(0);
  await reviewerContext.close();
  expect(await kvDecision(request, otto.id)).toBe('allow');

  // A drill engages and releases at once, and the page shows how fast streams heard it.
  await page.reload();
  await expect(page.getByRole('alert').filter({ hasText: 'Persona Otto' })).toHaveCount(0);
  await row().getByRole('button', { name: 'Drill' }).click();
  await expect(row()).toContainText('streams had it in');
  expect(await kvDecision(request, otto.id)).toBe('allow');
});
