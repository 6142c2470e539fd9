import fs from 'node:fs';
import pg from 'pg';
import { openDatabase, runMigrations, type Database } from '../platform/db/client.js';
import { SYSTEM_CONTEXT } from '../platform/audit/index.js';
import { createServices } from '../app.js';
import { seedDemo } from '../modules/demo/seeder.js';
import { TEST_PII_KEY, templateFingerprint, pgliteTemplatePath, pgTemplateName, testDatabaseUrl, withDatabaseName, type TemplateName } from './templates.js';

async function fill(database: Database, name: TemplateName) {
  await runMigrations(database);
  if (name === 'demo') await seedDemo(database.db, createServices(database, { sessionTtlHours: 12, piiKey: TEST_PII_KEY, dataDir: '/nonexistent' }), '1503', SYSTEM_CONTEXT, { scale: 'none' });
}

/** Build the migrated (and demo-seeded) templates once; each test file then clones one. */
export async function setupTemplates(kind: 'pglite' | 'postgres'): Promise<string> {
  // Computed once here and handed to the workers: sources may change while tests run.
  const fingerprint = templateFingerprint();
  if (kind === 'pglite') {
    for (const name of ['empty', 'demo'] as const) {
      const file = pgliteTemplatePath(name, fingerprint);
      if (fs.existsSync(file)) continue;
      const database = await openDatabase({});
      await fill(database, name);
      const dump = await database.pglite!.dumpDataDir('none');
      const tmp = `${file}.${process.pid}`;
      fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
      fs.renameSync(tmp, file);
      await database.close();
    }
    return fingerprint;
  }
  const url = testDatabaseUrl();
  if (!url) throw new Error('GW_TEST_DB=postgres needs TEST_DATABASE_URL or DATABASE_URL');
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    for (const name of ['empty', 'demo'] as const) {
      const tpl = pgTemplateName(name);
      await admin.query(`DROP DATABASE IF EXISTS ${tpl} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${tpl}`);
      const database = await openDatabase({ databaseUrl: withDatabaseName(url, tpl), poolSize: 2 });
      await fill(database, name);
      await database.close();
    }
  } finally {
    await admin.end();
  }
  return fingerprint;
}
