#!/usr/bin/env node
// Child process: run SQL statements (argv) on the configured database (DATABASE_URL, or the
// PGlite directory GRIDWORK_DATA_DIR — only while no server holds it) and print the last result
// as JSON. Usage: node bench/lib/exec-sql.mjs "<statement>" ["<statement>" …]
import { load } from './db.mjs';

const { loadConfig } = await load('platform/config.js');
const { openDatabase } = await load('platform/db/client.js');
const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  let last = null;
  for (const stmt of process.argv.slice(2)) last = database.kind === 'postgres' ? await database.pool.query(stmt) : await database.pglite.query(stmt);
  console.log(JSON.stringify(last?.rows ?? []));
} finally {
  await database.close();
}
