import { test, expect, APIRequestContext } from '@playwright/test';
import { demo, runtimeToken, signIn } from './demo';

/** Asks the runtime API for a decision, as a persona runtime does. */
async function decide(request: APIRequestContext, body: object) {
  const response = await request.post('/api/runtime/v1/decisions', {
    headers: { Authorization: `Bearer ${runtimeToken()}` },
    data: body,
  });
  expect(response.status()).toBe(200);
  return response.json();
}

test('runtime decisions appear on the Activity page, each deny explained', async ({ page, request, javaScriptEnabled }) => {
  const d = demo();
  const space = d.spaces[0];
  const otto = d.personas.find((p) => p.name === 'Otto')!;
  await signIn(page, d.operator);
  await page.goto(`/activity?space=${space.id}&persona=${otto.id}&capability=netsuite`);
  await expect(page.getByRole('heading', { name: 'Activity', level: 1 })).toBeVisible();
  await expect(page.getByLabel('Space')).toHaveValue(space.id);
  // Let the page's live connection open before the runtime asks.
  await page.waitForTimeout(500);

  const denied = await decide(request, {
    persona_id: otto.id, capability: 'netsuite', action: 'read_invoice',
    access: 'read', environment: 'production',
  });
  expect(denied).toMatchObject({ decision: 'deny', reason: 'environment' });
  const allowed = await decide(request, {
    persona_id: otto.id, capability: 'netsuite', action: 'read_invoice',
    access: 'read', environment: 'sandbox',
  });
  expect(allowed).toMatchObject({ decision: 'allow', reason: 'granted' });

  if (!javaScriptEnabled) {
    // Without JavaScript the page does not update itself: a reload shows what is new.
    await page.waitForTimeout(1500);
    await page.reload();
  }
  // With JavaScript the rows arrive without a reload (decisions are written once a second).
  const deny = page.getByRole('row').filter({ hasText: 'Denied' }).filter({ hasText: 'read_invoice' }).first();
  await expect(deny).toBeVisible({ timeout: 5000 });
  await expect(deny).toContainText('Otto');
  await expect(deny).toContainText('does not include production');
  await expect(deny).toContainText('via Demo runtime');
  await expect(page.getByRole('row').filter({ hasText: 'Allowed' }).filter({ hasText: 'read_invoice' }).first()).toBeVisible();

  // The outcome filter narrows to denies.
  await page.getByLabel('Outcome').selectOption('deny');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/decision=deny/);
  await expect(page.getByRole('row').filter({ hasText: 'Allowed' })).toHaveCount(0);
  await expect(page.getByRole('row').filter({ hasText: 'Denied' }).first()).toBeVisible();
});
