import { test, expect } from '@playwright/test';
import { demo, signIn } from './demo';

/** A name no earlier run (or the other project) has used in this database. */
function unique(prefix: string, project: string) {
  return `${prefix} ${project} ${Date.now().toString(36)}`;
}

test('an operator builds a space, an app, a persona and its grants, and sees them audited', async ({ page }, info) => {
  await signIn(page, demo().operator);
  const space = unique('Lab', info.project.name);

  await page.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: 'Spaces' }).click();
  await expect(page.getByRole('heading', { name: 'Spaces', level: 1 })).toBeVisible();
  await page.getByLabel('Name').fill(space);
  await page.getByLabel('Description').fill('Where the browser test works.');
  await page.getByRole('button', { name: 'Create space' }).click();
  await expect(page.getByRole('heading', { name: space, level: 1 })).toBeVisible();
  for (const env of ['sandbox', 'staging', 'production']) {
    await expect(page.getByRole('listitem').filter({ hasText: new RegExp(`^${env}$`) })).toBeVisible();
  }

  // An app.
  await page.getByText('Create an app').click();
  await page.locator('#app-name').fill('Help widget');
  await page.locator('#app-kind').selectOption('embedded_experience');
  await page.getByRole('button', { name: 'Create app' }).click();
  await expect(page.getByRole('row', { name: /Help widget/ })).toBeVisible();

  // A built-in surface and an external system.
  await page.getByRole('button', { name: 'Enable Chat' }).click();
  await expect(page.getByRole('row', { name: /Chat/ }).getByText('Enabled', { exact: true })).toBeVisible();
  await page.getByText('Connect an external system').click();
  await page.locator('#sys-kind').selectOption('crm');
  await page.locator('#sys-name').fill('Acme CRM');
  await page.getByLabel('Base URL or identifier').fill('https://crm.acme.example');
  await page.getByLabel('Actions it exposes').fill('lookup_customer read\nissue_credit write financial');
  await page.getByRole('button', { name: 'Connect system' }).click();
  await expect(page.getByRole('row', { name: /Acme CRM/ })).toBeVisible();

  // A persona, then its grants.
  await page.getByText('Create a persona').click();
  await page.locator('#persona-name').fill('Echo');
  await page.getByLabel('Role: what is this persona for?').fill('Answers questions about the lab.');
  await page.getByLabel('Memory across sessions').check();
  await page.getByRole('button', { name: 'Create persona' }).click();
  await expect(page.getByRole('heading', { name: /^Echo/, level: 1 })).toBeVisible();
  await expect(page.getByText('No grants: this persona may not use any capability yet.')).toBeVisible();

  const form = page.locator('form.grant-form').last();
  await form.getByLabel('Capability and action').selectOption({ label: 'Chat: every action' });
  await form.getByLabel('Access').selectOption('write');
  await form.getByRole('button', { name: 'Add grant' }).click();
  await expect(page.getByRole('row', { name: /Chat/ })).toContainText('Write');

  // A financial action defaults to needing a human's approval.
  await form.getByLabel('Capability and action').selectOption({ label: 'issue_credit (financial)' });
  await form.getByLabel('Access').selectOption('');
  await form.getByRole('button', { name: 'Add grant' }).click();
  const credit = page.getByRole('row', { name: /Acme CRM/ });
  await expect(credit).toContainText('Needs human approval');

  // Everything above is in the audit log.
  await page.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: 'Audit' }).click();
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  for (const action of ['grant.created', 'persona.created', 'capability.registered', 'capability.enabled', 'app.created', 'space.created']) {
    await expect(page.getByRole('cell', { name: action }).first()).toBeVisible();
  }
  await expect(page.getByRole('cell', { name: demo().operator.email }).first()).toBeVisible();
});

test('a viewer sees the space but no control that changes it', async ({ page }) => {
  const d = demo();
  await signIn(page, d.viewer);
  const support = d.spaces.find((s) => s.name === 'Customer Support')!;
  await page.goto(`/spaces/${support.id}`);
  await expect(page.getByRole('heading', { name: 'Customer Support', level: 1 })).toBeVisible();
  await expect(page.getByText('you can see this space but not change it')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Ava' })).toBeVisible();
  await expect(page.getByText('Create a persona')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Enable / })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Disable…' })).toHaveCount(0);

  // Going around the UI does not help: the server refuses the change itself.
  const response = await page.request.post('/api/create_app', {
    form: { space_id: support.id, name: 'Sneaky', kind: 'workflow', description: '' },
    headers: { Accept: 'application/json' },
  });
  expect(response.status()).toBe(403);
});

test('a member of another tenant cannot reach any of it by URL', async ({ page }) => {
  const d = demo();
  await signIn(page, d.other_tenant.login);
  await expect(page.getByText('Contoso Labs').first()).toBeVisible();
  const support = d.spaces.find((s) => s.name === 'Customer Support')!;
  const ava = d.personas.find((p) => p.name === 'Ava')!;
  for (const path of [`/spaces/${support.id}`, `/personas/${ava.id}`]) {
    const response = await page.goto(path);
    expect(response!.status()).toBe(404);
    await expect(page.getByRole('alert')).toContainText('Not found.');
    await expect(page.getByText('Customer Support')).toHaveCount(0);
    await expect(page.getByText('Ava', { exact: true })).toHaveCount(0);
  }
  await page.goto('/personas');
  await expect(page.getByRole('link', { name: 'Cora' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Ava' })).toHaveCount(0);
});
