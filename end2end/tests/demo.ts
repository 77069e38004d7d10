import { expect, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Login = { email: string; password: string };
export type Tenant = {
  tenant_id: string;
  spaces: { id: string; name: string }[];
  personas: { id: string; name: string; space_id: string }[];
};

export type Demo = Tenant & {
  /** The demo tenant's owner. */
  login: Login;
  operator: Login;
  viewer: Login;
  /** Decides review-queue items. */
  reviewer: Login;
  /** A buyer: changes evaluations and nothing else. */
  evaluator: Login;
  /** A second tenant: nothing of the demo tenant may be reachable from it. */
  other_tenant: Tenant & { login: Login };
};

/** The demo tenant that start-server.sh seeded for this run. */
export function demo(): Demo {
  return JSON.parse(readFileSync(join(__dirname, '..', '.e2e', 'demo.json'), 'utf8'));
}

/** Signs in through the sign-in form, as a person does, and lands on the overview. */
export async function signIn(page: Page, login: Login) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(login.email);
  await page.getByLabel('Password', { exact: true }).fill(login.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
}

/** The runtime token `demo --json` issued for the demo's first space. */
export function runtimeToken(): string {
  const raw = JSON.parse(readFileSync(join(__dirname, '..', '.e2e', 'demo.json'), 'utf8'));
  return raw.runtime_token;
}
