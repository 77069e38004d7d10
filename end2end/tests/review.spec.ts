import { test, expect, Page } from '@playwright/test';
import { demo, runtimeToken, signIn } from './demo';

const auth = () => ({ Authorization: `Bearer ${runtimeToken()}` });

/** Otto (in the space the demo's runtime token is for) may post journals in the sandbox,
 *  each one approved by a person: an operator adds the grant once, through the page. */
async function grantJournalsWithApproval(page: Page, ottoId: string) {
  await signIn(page, demo().operator);
  await page.goto(`/personas/${ottoId}`);
  await expect(page.getByRole('heading', { name: /^Otto/, level: 1 })).toBeVisible();
  if (await page.getByRole('row', { name: /post_journal/ }).count() === 0) {
    const form = page.locator('form.grant-form').last();
    await form.getByLabel('Capability and action').selectOption({ label: 'post_journal (privileged)' });
    await form.getByLabel('Access').selectOption('');
    await form.getByLabel('sandbox').check();
    await form.getByRole('button', { name: 'Add grant' }).click();
    await expect(page.getByRole('row', { name: /post_journal/ })).toContainText('Needs human approval');
  }
  await page.context().clearCookies();
}

/** The same request each time: asked again while one is pending, it is the same item. */
async function askToPostJournal(request: import('@playwright/test').APIRequestContext, ottoId: string) {
  const asked = await request.post('/api/runtime/v1/decisions', {
    headers: auth(),
    data: {
      persona_id: ottoId, capability: 'netsuite', action: 'post_journal',
      access: 'write', environment: 'sandbox',
      context: { summary: 'Post the May accrual: 1,240 EUR to 6100' },
    },
  });
  expect(asked.status()).toBe(200);
  return asked.json();
}

test('a reviewer approves a runtime action and the runtime reads the decision', async ({ page, request, javaScriptEnabled }) => {
  const d = demo();
  const otto = d.personas.find((p) => p.name === 'Otto')!;
  await grantJournalsWithApproval(page, otto.id);
  // The runtime asks for something whose grant needs a person.
  const { decision, approval_id } = await askToPostJournal(request, otto.id);
  expect(decision).toBe('needs_approval');

  await signIn(page, d.reviewer);
  // The navigation counts what waits.
  const navLink = page.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: /Review queue/ });
  await expect(navLink).toContainText('waiting');
  await navLink.click();
  await expect(page.getByRole('heading', { name: 'Review queue', level: 1 })).toBeVisible();

  const item = () => page.getByRole('article').filter({ hasText: 'post_journal' }).first();
  await expect(item()).toContainText('Otto');
  await expect(item()).toContainText('Post the May accrual');
  await expect(item()).toContainText('needs human approval');
  await expect(item()).toContainText('Demo runtime');

  // Rejecting without a comment is refused beside the field, and nothing changes.
  await item().getByRole('button', { name: 'Reject' }).click();
  await expect(item().getByText('say why you reject it')).toBeVisible();
  let state = await request.get(`/api/runtime/v1/approvals/${approval_id}`, { headers: auth() });
  expect((await state.json()).state).toBe('pending');

  // Approving with a comment: the item leaves the waiting list; the runtime reads it.
  await item().getByLabel(/Comment/).fill('Matches the accrual schedule');
  await item().getByRole('button', { name: 'Approve' }).click();
  if (javaScriptEnabled) {
    await expect(page.getByRole('status').filter({ hasText: 'Approved' })).toBeVisible();
  }
  await expect(page.getByRole('article').filter({ hasText: 'post_journal' })).toHaveCount(0);
  await expect(navLink).not.toContainText('waiting');
  state = await request.get(`/api/runtime/v1/approvals/${approval_id}`, { headers: auth() });
  expect(await state.json()).toMatchObject({ state: 'approved', decided_by: 'Remy Reviewer', comment: 'Matches the accrual schedule' });

  // The decided tab keeps the record, with who decided and why.
  await page.getByRole('link', { name: 'Decided' }).click();
  const done = page.getByRole('article').filter({ hasText: 'post_journal' }).first();
  await expect(done).toContainText('Approved by Remy Reviewer');
  await expect(done).toContainText('Matches the accrual schedule');
  await expect(done.getByRole('button', { name: 'Approve' })).toHaveCount(0);
});

test('a viewer sees the queue but cannot decide', async ({ page, request }) => {
  const d = demo();
  const otto = d.personas.find((p) => p.name === 'Otto')!;
  await grantJournalsWithApproval(page, otto.id);
  expect((await askToPostJournal(request, otto.id)).decision).toBe('needs_approval');
  await signIn(page, d.viewer);
  await page.goto('/review');
  const item = page.getByRole('article').filter({ hasText: 'post_journal' }).first();
  await expect(item).toBeVisible();
  await expect(item.getByRole('button', { name: 'Approve' })).toHaveCount(0);
});
