import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { migrationsFolder } from '../platform/db/client.js';

/** Test databases start from one of these, built once per run by the global setup. */
export type TemplateName = 'empty' | 'demo';

/** Changes when migrations or seeding code change, so stale templates are never reused. */
export function templateFingerprint(): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.name.endsWith('.test.ts')) h.update(e.name).update(fs.readFileSync(p));
    }
  };
  walk(migrationsFolder);
  // Any server source may shape what the templates contain (seeding, accounts, schema).
  walk(path.resolve(migrationsFolder, '../src'));
  return h.digest('hex').slice(0, 12);
}

export function pgliteTemplatePath(name: TemplateName, fingerprint = templateFingerprint()): string {
  return path.join(os.tmpdir(), `gridwork-test-${name}-${fingerprint}.tar`);
}

export function pgTemplateName(name: TemplateName): string {
  return `gridwork_test_tpl_${name}`;
}

export function testDatabaseUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

/** Replace the database name in a connection URL. */
export function withDatabaseName(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/** A fixed key so templates and test apps agree on encrypted values. */
export const TEST_PII_KEY = 'ab'.repeat(32);
