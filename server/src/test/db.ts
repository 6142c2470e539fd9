import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../platform/db/client.js';
import { pgliteTemplatePath, pgTemplateName, testDatabaseUrl, withDatabaseName, type TemplateName } from './templates.js';

const urls = new WeakMap<Database, string>();

/**
 * A second, independent connection pool to the same PostgreSQL test database: what another
 * server process would have. Null on PGlite (one process owns its data directory).
 */
export async function openSecondConnection(database: Database): Promise<Database | null> {
  const url = urls.get(database);
  return url ? openDatabase({ databaseUrl: url, poolSize: 5 }) : null;
}

export const TEST_DB_KIND = (process.env.GW_TEST_DB ?? 'pglite') as 'pglite' | 'postgres';

/**
 * A private database for one test file, cloned from a template: a PGlite data-dir dump, or a
 * PostgreSQL `CREATE DATABASE … TEMPLATE`. Closing it drops the PostgreSQL copy.
 */
export async function openTestDatabase(template: TemplateName = 'empty'): Promise<Database> {
  if (TEST_DB_KIND === 'pglite') {
    const blob = new Blob([fs.readFileSync(pgliteTemplatePath(template, inject('templateFingerprint')))]);
    return openDatabase({ loadDataDir: blob });
  }
  const url = testDatabaseUrl()!;
  const name = `gridwork_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    // Parallel clones of one template can collide on its lock; retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${pgTemplateName(template)}`);
        break;
      } catch (e) {
        if (attempt >= 20 || !/being accessed by other users/.test(String(e))) throw e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const database = await openDatabase({ databaseUrl: withDatabaseName(url, name), poolSize: 5 });
  urls.set(database, withDatabaseName(url, name));
  const close = database.close;
  database.close = async () => {
    await close();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => c.end());
  };
  return database;
}
