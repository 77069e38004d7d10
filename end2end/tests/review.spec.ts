import { test, expect } from '@playwright/test';
import { demo, runtimeToken, signIn } from './demo';

const auth = () => ({ Authorization: `Bearer ${runtimeToken()}` });

test('a reviewer approves a runtime action and the runtime reads the decision', async ({ page, request, javaScriptEnabled }) => {
  const d = demo();
  const ava = d.personas.find((p) => p.name === 'Ava')!;
  // The runtime asks for something whose grant needs a person: a refund.
  const asked = await request.post('/api/runtime/v1/decisions', {
    headers: auth(),
    data: {
      persona_id: ava.id, capability: 'store-orders', action: 'issue_refund',
      access: 'write', environment: 'production',
      context: { summary: 'Refund order 1042: the parcel arrived damaged' },
    },
  });
  expect(asked.status()).toBe(200);
  const { decision, approval_id } = await asked.json();
  expect(decision).toBe('needs_approval');

  await signIn(page, d.reviewer);
  // The navigation counts what waits.
  const navLink = page.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: /Review queue/ });
  await expect(navLink).toContainText('waiting');
  await navLink.click();
  await expect(page.getByRole('heading', { name: 'Review queue', level: 1 })).toBeVisible();

  const item = page.getByRole('article').filter({ hasText: 'issue_refund' }).first();
  await expect(item).toContainText('Ava');
  await expect(item).toContainText('the parcel arrived damaged');
  await expect(item).toContainText('needs human approval');
  await expect(item).toContainText('Demo runtime');

  // Rejecting without a comment is refused beside the field, and nothing changes.
  await item.getByRole('button', { name: 'Reject' }).click();
  const again = page.getByRole('article').filter({ hasText: 'issue_refund' }).first();
  await expect(again.getByText('say why you reject it')).toBeVisible();
  let state = await request.get(`/api/runtime/v1/approvals/${approval_id}`, { headers: auth() });
  expect((await state.json()).state).toBe('pending');

  // Approving with a comment: the item leaves the waiting list; the runtime reads it.
  await again.getByLabel(/Comment/).fill('Damaged on arrival, photos attached');
  await again.getByRole('button', { name: 'Approve' }).click();
  if (javaScriptEnabled) {
    await expect(page.getByRole('status').filter({ hasText: 'Approved' })).toBeVisible();
  }
  await expect(page.getByRole('article').filter({ hasText: 'issue_refund' })).toHaveCount(0);
  await expect(navLink).not.toContainText('waiting');
  state = await request.get(`/api/runtime/v1/approvals/${approval_id}`, { headers: auth() });
  const read = await state.json();
  expect(read).toMatchObject({ state: 'approved', decided_by: 'Remy Reviewer', comment: 'Damaged on arrival, photos attached' });

  // The decided tab keeps the record, with who decided and why.
  await page.getByRole('link', { name: 'Decided' }).click();
  const done = page.getByRole('article').filter({ hasText: 'issue_refund' }).first();
  await expect(done).toContainText('Approved by Remy Reviewer');
  await expect(done).toContainText('Damaged on arrival');
  await expect(done.getByRole('button', { name: 'Approve' })).toHaveCount(0);
});

test('a viewer sees the queue but cannot decide', async ({ page, request }) => {
  const d = demo();
  const ava = d.personas.find((p) => p.name === 'Ava')!;
  const asked = await request.post('/api/runtime/v1/decisions', {
    headers: auth(),
    data: { persona_id: ava.id, capability: 'store-orders', action: 'issue_refund', access: 'write', environment: 'production' },
  });
  expect((await asked.json()).decision).toBe('needs_approval');
  await signIn(page, d.viewer);
  await page.goto('/review');
  const item = page.getByRole('article').filter({ hasText: 'issue_refund' }).first();
  await expect(item).toBeVisible();
  await expect(item.getByRole('button', { name: 'Approve' })).toHaveCount(0);
});
