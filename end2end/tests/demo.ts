import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Demo = {
  login: { email: string; password: string };
  tenant_id: string;
  spaces: { id: string; name: string }[];
  personas: { id: string; name: string; space_id: string }[];
};

/** The demo tenant that start-server.sh seeded for this run. */
export function demo(): Demo {
  return JSON.parse(readFileSync(join(__dirname, '..', '.e2e', 'demo.json'), 'utf8'));
}
