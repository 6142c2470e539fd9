#!/usr/bin/env node
// Fails when the Drizzle schema has changes that no checked-in migration carries.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const server = path.join(path.dirname(path.dirname(fileURLToPath(import.meta.url))), 'server');
// drizzle-kit wants `out` relative to the config's folder.
const tmp = fs.mkdtempSync(path.join(server, '.migrations-check-'));
fs.cpSync(path.join(server, 'drizzle'), tmp, { recursive: true });
const before = fs.readdirSync(tmp).filter((f) => f.endsWith('.sql')).length;
const cfg = path.join(server, '.drizzle.check.config.ts');
fs.writeFileSync(
  cfg,
  `import base from './drizzle.config.ts';\nexport default { ...base, out: ${JSON.stringify('./' + path.basename(tmp))} };\n`,
);
let after;
try {
  execFileSync(path.join(server, '..', 'node_modules', '.bin', 'drizzle-kit'), ['generate', '--config', cfg, '--name', 'pending'], { cwd: server, stdio: 'pipe' });
  after = fs.readdirSync(tmp).filter((f) => f.endsWith('.sql'));
} finally {
  fs.rmSync(cfg, { force: true });
  fs.rmSync(tmp, { recursive: true, force: true });
}
if (after.length !== before) {
  console.error('The schema has changes without a migration. Run `npm run db:generate` and commit the result.');
  process.exit(1);
}
console.log(`migrations up to date (${before} files)`);
