import { test, expect } from '@playwright/test';
import { demo, signIn } from './demo';

test('an operator issues a runtime token, sees it once, and revokes it', async ({ page, javaScriptEnabled }, info) => {
  const d = demo();
  await signIn(page, d.operator);
  const space = d.spaces[0];
  // From the space's page, as a person finds it.
  await page.goto(`/spaces/${space.id}`);
  await page.getByRole('link', { name: 'Runtime tokens' }).click();
  await expect(page.getByRole('heading', { name: 'Runtime tokens', level: 1 })).toBeVisible();

  if (!javaScriptEnabled) {
    // The secret is shown once, in the page: without JavaScript the form says to use the
    // CLI, and its button stays disabled so no token is issued unseen.
    await expect(page.getByText('Issuing a token needs JavaScript')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Issue token' })).toBeDisabled();
    return;
  }
  await expect(page.getByText('Issuing a token needs JavaScript')).toHaveCount(0);
  const name = `Runtime ${info.project.name} ${Date.now().toString(36)}`;
  await page.getByLabel('Name').fill(name);
  // Defaults: read policy and ask for decisions; add the stream.
  await expect(page.getByLabel(/Read policy/)).toBeChecked();
  await expect(page.getByLabel(/Report events/)).not.toBeChecked();
  await page.getByLabel(/Listen to the stream/).check();
  await page.getByLabel('Expires after').selectOption('30');
  await page.getByRole('button', { name: 'Issue token' }).click();

  const secret = page.getByLabel('The new token');
  await expect(secret).toBeVisible();
  const value = await secret.inputValue();
  expect(value).toMatch(/^psn_[A-Za-z0-9]{32}_[A-Za-z0-9]{6}$/);
  await expect(page.getByRole('button', { name: 'Copy token' })).toBeVisible();
  const row = page.getByRole('row', { name: new RegExp(name) });
  await expect(row).toContainText(value.slice(0, 10));
  await expect(row).toContainText('stream:read');
  await expect(row).toContainText('Active');
  await expect(row).not.toContainText(value.slice(10));

  // A reload shows the list, never the secret again.
  await page.reload();
  await expect(page.getByLabel('The new token')).toHaveCount(0);
  await expect(page.getByText(value)).toHaveCount(0);

  await row.getByText('Revoke…').click();
  await row.getByRole('button', { name: 'Revoke now' }).click();
  await expect(page.getByRole('row', { name: new RegExp(name) })).toContainText('Revoked');

  // The audit log has both, by prefix.
  await page.goto('/audit?entity_type=runtime_token');
  await expect(page.getByText('token.issued').first()).toBeVisible();
  await expect(page.getByText('token.revoked').first()).toBeVisible();
});

test('a viewer sees the tokens but cannot issue or revoke', async ({ page }) => {
  const d = demo();
  await signIn(page, d.viewer);
  await page.goto(`/spaces/${d.spaces[0].id}/tokens`);
  await expect(page.getByRole('heading', { name: 'Runtime tokens', level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Issue token' })).toHaveCount(0);
  await expect(page.getByText('Revoke…')).toHaveCount(0);
  // The demo's own token is listed by prefix.
  await expect(page.getByText('Demo runtime (demo --json)')).toBeVisible();
});
