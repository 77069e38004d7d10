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

test('a monitoring system stops a persona through its trigger URL', async ({ page, request, javaScriptEnabled }) => {
  const d = demo();
  const otto = d.personas.find((p) => p.name === 'Otto')!;
  expect(await kvDecision(request, otto.id)).toBe('allow');
  await signIn(page, d.operator);
  await page.goto('/kill-switches');
  await page.getByLabel('What to stop').selectOption({ label: 'Persona Otto' });
  const create = page.getByRole('button', { name: 'Create a trigger URL' });
  if (!javaScriptEnabled) {
    // Shown once, in the page: without JavaScript the button stays off and says why.
    await expect(create).toBeDisabled();
    await expect(page.getByText('Creating a trigger URL needs JavaScript')).toBeVisible();
    return;
  }
  await create.click();
  const field = page.getByLabel('POST to this URL to engage the switch');
  await expect(field).toHaveValue(/\/hooks\/kill-switch\/kst_/);
  const url = await field.inputValue();

  // The alert fires: no session, no token; the runtime is denied at once.
  const fired = await request.post(url, { data: { reason: 'CPU alarm on the order desk' } });
  expect(fired.status()).toBe(200);
  expect((await fired.json()).already_engaged).toBe(false);
  expect(await kvDecision(request, otto.id)).toBe('deny');
  await page.reload();
  await expect(page.getByRole('alert').filter({ hasText: 'engaged' })).toContainText('Persona Otto');
  await expect(page.getByRole('row').filter({ hasText: 'Otto' }).first()).toContainText('CPU alarm on the order desk');

  // An owner lets it go again (break glass), so the other journeys find Otto running.
  await page.context().clearCookies();
  await signIn(page, d.login);
  await page.goto('/kill-switches');
  const row = page.getByRole('row').filter({ hasText: 'Otto' }).first();
  await expect(row).toContainText('Trigger URL kst_');
  await row.getByText('Release now (break glass)').click();
  await row.getByLabel('Why it cannot wait for a second person').fill('False alarm: the CPU graph was a test');
  await row.getByRole('button', { name: 'Release now' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Persona Otto' })).toHaveCount(0);
  expect(await kvDecision(request, otto.id)).toBe('allow');
});

test('the demo prints a trigger URL that works from outside', async ({ request }) => {
  const raw = demo() as unknown as { kill_switch_trigger_url?: string };
  expect(raw.kill_switch_trigger_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hooks\/kill-switch\/kst_/);
  // A wrong secret is simply not found.
  const wrong = await request.post(raw.kill_switch_trigger_url!.replace(/kst_.{6}/, 'kst_XXXXXX'));
  expect(wrong.status()).toBe(404);
});
