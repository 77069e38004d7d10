import { test, expect } from '@playwright/test';
import { demo, signIn } from './demo';

test('an evaluator walks the five questions, attests, completes, prints and shares the report', async ({ page, browser, javaScriptEnabled, baseURL }, info) => {
  const d = demo();
  await signIn(page, d.evaluator);
  const nav = page.getByRole('navigation', { name: 'Primary' });
  await nav.getByRole('link', { name: 'Evaluation' }).click();
  await expect(page.getByRole('heading', { name: 'Evaluation', level: 1 })).toBeVisible();
  // The demo's two evaluations are listed with their levels.
  await expect(page.getByRole('row', { name: /Ava: support concierge readiness/ })).toContainText('Level 1');
  await expect(page.getByRole('row', { name: /Back Office: first look/ })).toContainText('In progress');

  // Start one for Milo.
  const title = `Milo returns pilot (${info.project.name} ${Date.now().toString(36)})`;
  await page.getByLabel('What to evaluate').selectOption({ label: 'Customer Support › Milo' });
  await page.getByLabel(/^Title/).fill(title);
  await page.getByRole('button', { name: 'Start evaluation' }).click();
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Evaluation steps' })).toBeVisible();
  await expect(page.getByText('Statements: 0 of 6 written')).toBeVisible();

  // Question 1: an automatic item shows its finding and evidence; an attested one takes a
  // statement — too short first, then a real one.
  await expect(page.getByRole('heading', { name: /Question 1 of 5: Does the persona have the right built-in surfaces\?/ })).toBeVisible();
  const enabled = page.getByRole('article', { name: 'Built-in surfaces are switched on' });
  await expect(enabled).toContainText('Pass');
  await expect(enabled.getByRole('link', { name: /Evidence/ })).toBeVisible();
  await expect(enabled.getByRole('textbox')).toHaveCount(0);
  const fit = page.getByRole('article', { name: 'These surfaces are where our users will meet the persona' });
  await fit.getByLabel(/Your statement/).fill('chat');
  await fit.getByRole('button', { name: 'Attest' }).click();
  await expect(fit.getByText(/at least 10 characters/)).toBeVisible();
  await fit.getByLabel(/Your statement/).fill('Returns start in the help center chat; Milo lives there.');
  await fit.getByRole('button', { name: 'Attest' }).click();
  await expect(fit.locator('blockquote')).toContainText('Eve Evaluator');
  await expect(fit).toContainText('Pass');

  // Walk on with the keyboard: each step is a link.
  const next = page.getByRole('link', { name: /^Next:/ });
  await next.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: /Question 2 of 5/ })).toBeVisible();
  await next.click();
  await expect(page.getByRole('heading', { name: /Question 3 of 5: Can we keep the rollout bounded\?/ })).toBeVisible();
  await next.click();
  await expect(page.getByRole('heading', { name: /Question 4 of 5: Can operators stay in control\?/ })).toBeVisible();
  // Nobody is on call for Milo: the check fails and says so.
  await expect(page.getByRole('article', { name: 'An operator is on call for the persona' })).toContainText('Nobody is on call for: Milo');
  await next.click();
  await expect(page.getByRole('heading', { name: /Question 5 of 5/ })).toBeVisible();
  const meaning = page.getByRole('article', { name: 'We decided what continuity means for our use case' });
  await meaning.getByLabel(/Your statement/).fill('Milo remembers an open return until the parcel is back.');
  await meaning.getByRole('button', { name: 'Attest' }).click();
  await expect(meaning.locator('blockquote')).toContainText('Eve Evaluator');
  await next.click();
  await expect(page.getByRole('heading', { name: /Launch steps/ })).toBeVisible();
  await next.click();

  // The summary: the level, what blocks the next one, what is still open.
  await expect(page.getByRole('heading', { name: 'Summary', level: 2 })).toBeVisible();
  await expect(page.getByText('Level 0 · Not ready for a pilot').first()).toBeVisible();
  await expect(page.getByRole('heading', { name: 'What blocks level 1' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Not answered yet' })).toBeVisible();
  await page.getByRole('button', { name: 'Complete this run' }).click();
  await expect(page.getByText('In progress')).toHaveCount(0);

  // Resumable: leaving and coming back opens where the evaluator stood.
  await page.goto('/evaluations');
  await page.getByRole('link', { name: title }).click();
  await expect(page.getByRole('heading', { name: 'Summary', level: 2 })).toBeVisible();

  // The report, and how it prints: no navigation, no buttons, every question.
  await page.getByRole('link', { name: 'Open the report' }).first().click();
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Download Markdown' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '4. Operator control' })).toBeVisible();
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('navigation', { name: 'Primary' })).toBeHidden();
  await expect(page.getByRole('group', { name: 'Report actions' })).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Share' })).toBeHidden();
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: '5. Continuity' })).toBeVisible();
  await page.emulateMedia({ media: 'screen' });

  if (!javaScriptEnabled) {
    // The link is shown once, on the page: without JavaScript the form says so and waits.
    await expect(page.getByText('Making a share link needs JavaScript')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Make a share link' })).toBeDisabled();
    return;
  }
  await page.getByLabel('Expires after (days, 1–30)').fill('1');
  await page.getByRole('button', { name: 'Make a share link' }).click();
  const link = await page.getByLabel('The share link').inputValue();
  expect(link).toMatch(/\/shared\/evaluations\/evs_[A-Za-z0-9]{32}_[A-Za-z0-9]{6}$/);

  // A second browser, with no account, reads it.
  const stranger = await browser.newContext({ baseURL, javaScriptEnabled });
  const reader = await stranger.newPage();
  await reader.goto(link);
  await expect(reader.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await expect(reader.getByText('A read-only report shared with you')).toBeVisible();
  await expect(reader.getByRole('navigation', { name: 'Primary' })).toHaveCount(0);
  // Tampered with, it is refused with no hint why.
  await reader.goto(link.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')));
  await expect(reader.getByRole('heading', { name: 'This link is not valid' })).toBeVisible();

  // Revoked, it stops at once.
  await page.getByRole('button', { name: /^Revoke evs_/ }).first().click();
  await expect(page.getByRole('row', { name: /evs_/ }).first()).toContainText('revoked');
  await reader.goto(link);
  await expect(reader.getByRole('heading', { name: 'This link is not valid' })).toBeVisible();
  await stranger.close();
});
