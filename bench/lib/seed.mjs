#!/usr/bin/env node
// Child process: seed the demo city (乌海市) through the product's own seedDemo, like
// `gridwork seed demo`, but with a registry scale the CLI does not offer (none: regions, grids,
// micro-grids, buildings and the demo accounts, no residents). Configuration from the
// environment, as for the server (DATABASE_URL or GRIDWORK_DATA_DIR, GRIDWORK_PII_KEY).
// Usage: node bench/lib/seed.mjs [none|default|city]
import { load } from './db.mjs';

const scale = process.argv[2] ?? 'none';
const { loadConfig } = await load('platform/config.js');
const { openDatabase, runMigrations } = await load('platform/db/client.js');
const { createServices } = await load('app.js');
const { seedDemo } = await load('modules/demo/seeder.js');
const { SYSTEM_CONTEXT } = await load('platform/audit/index.js');

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  await runMigrations(database);
  const r = await seedDemo(database.db, createServices(database, config), '1503', SYSTEM_CONTEXT, { scale });
  console.log(`${r.divisions.city.name}: ${r.divisions.counts.community} communities, ${r.geometry.grids} grids, ${r.geometry.microgrids} micro-grids, ${r.geometry.buildings} buildings, ${r.registry.residents} residents; accounts ${r.accounts.join(', ')} (${r.ms} ms)`);
} finally {
  await database.close();
}
