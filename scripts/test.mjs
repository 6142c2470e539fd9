#!/usr/bin/env node
// `npm test`: unit tests, then the integration suite on PGlite and, when TEST_DATABASE_URL or
// DATABASE_URL is set, on PostgreSQL too. Ends with one "N passed, M failed" line.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gridwork-test-')), 'report.json');
const pg = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
console.log(`databases: pglite${pg ? ' + postgres' : ' (set DATABASE_URL to also run on PostgreSQL)'}`);
const r = spawnSync(
  path.join(root, 'node_modules', '.bin', 'vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
let passed = 0;
let failed = 0;
let skipped = 0;
if (fs.existsSync(out)) {
  const report = JSON.parse(fs.readFileSync(out, 'utf8'));
  passed = report.numPassedTests ?? 0;
  // A suite that fails to load has no failed tests of its own; count it once.
  failed = report.numFailedTests || report.numFailedTestSuites || 0;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
if (r.status !== 0 && failed === 0) failed = 1; // a crash before any test result is still a failure
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(r.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
