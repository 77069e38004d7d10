import { test, expect, Page } from '@playwright/test';
import { demo } from './demo';

async function signIn(page: Page) {
  const { login } = demo();
  await page.goto('/');
  // Not signed in: sent to the sign-in page (the overview is where it returns by default).
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel('Email').fill(login.email);
  await page.getByLabel('Password', { exact: true }).fill(login.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
}

test('a wrong password is refused with a clear message', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Email').fill(demo().login.email);
  await page.getByLabel('Password', { exact: true }).fill('definitely-not-it');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('That email and password do not match an account.');
});

test('sign in, see the shell, sign out', async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  await expect(page.getByText('Northwind Demo').first()).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Primary' });
  for (const area of ['Overview', 'Spaces', 'Personas', 'Capabilities', 'Rollout', 'Review queue', 'Kill-switches', 'Activity', 'Audit', 'Evaluation']) {
    await expect(nav.getByRole('link', { name: area })).toBeVisible();
  }
  // The demo's spaces and personas are on the overview.
  await expect(page.getByRole('heading', { name: 'Customer Support' })).toBeVisible();
  await expect(page.getByText('Ava', { exact: true })).toBeVisible();

  // Every area is built: the last one lists the buyer's evaluations.
  await nav.getByRole('link', { name: 'Evaluation' }).click();
  await expect(page.getByRole('heading', { name: 'Evaluation', level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Start an evaluation' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login\?status=signed_out/);
  await expect(page.getByRole('status')).toHaveText('You are signed out.');
  // The old session is gone: the console sends us back to sign in.
  await page.goto('/audit');
  await expect(page).toHaveURL(/\/login\?next=\/audit/);
});

test('the page hydrates: "Show password" works only with the wasm running', async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, 'hydration needs JavaScript');
  await page.goto('/login');
  const password = page.getByLabel('Password', { exact: true });
  const toggle = page.getByRole('button', { name: 'Show password' });
  await expect(password).toHaveAttribute('type', 'password');
  // Hydration may take a moment after load; the click must eventually take effect.
  await expect(async () => {
    if ((await password.getAttribute('type')) === 'password') await toggle.click();
    await expect(password).toHaveAttribute('type', 'text', { timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByRole('button', { name: 'Hide password' })).toHaveAttribute('aria-pressed', 'true');
});

test('without JavaScript the toggle is inert but sign-in still works', async ({ page, javaScriptEnabled }) => {
  test.skip(javaScriptEnabled, 'checks the server-rendered page alone');
  await page.goto('/login');
  await page.getByRole('button', { name: 'Show password' }).click();
  await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('type', 'password');
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
});

test('sign-in returns to the page that asked for it', async ({ page }) => {
  const { login } = demo();
  await page.goto('/audit');
  await expect(page).toHaveURL(/\/login\?next=\/audit/);
  await page.getByLabel('Email').fill(login.email);
  await page.getByLabel('Password', { exact: true }).fill(login.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
});
