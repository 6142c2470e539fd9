#!/usr/bin/env node
// Build the server (tsc) and the web console (vite) when their sources are newer than the
// output, so `npm start` stays fast on later runs. `--force` rebuilds both.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const force = process.argv.includes('--force');

function newest(p) {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = 0;
  for (const e of fs.readdirSync(p)) {
    if (e === 'node_modules' || e === 'dist') continue;
    m = Math.max(m, newest(path.join(p, e)));
  }
  return m;
}

function mtime(p) {
  return fs.existsSync(p) ? fs.statSync(p).mtimeMs : 0;
}

function run(cmd, args, cwd) {
  const t0 = Date.now();
  execFileSync(cmd, args, { cwd, stdio: 'inherit' });
  return Date.now() - t0;
}

const bin = (ws, name) => {
  const local = path.join(root, ws, 'node_modules', '.bin', name);
  return fs.existsSync(local) ? local : path.join(root, 'node_modules', '.bin', name);
};

const serverOut = path.join(root, 'server/dist/cli.js');
const serverIn = Math.max(newest(path.join(root, 'server/src')), mtime(path.join(root, 'server/tsconfig.json')), mtime(path.join(root, 'tsconfig.base.json')));
if (force || serverIn > mtime(serverOut)) {
  const ms = run(bin('server', 'tsc'), ['-p', 'tsconfig.build.json'], path.join(root, 'server'));
  fs.chmodSync(serverOut, 0o755);
  fs.utimesSync(serverOut, new Date(), new Date());
  console.log(`server built in ${(ms / 1000).toFixed(1)} s`);
}

const webOut = path.join(root, 'web/dist/index.html');
const webIn = Math.max(newest(path.join(root, 'web/src')), newest(path.join(root, 'web/public')), mtime(path.join(root, 'web/index.html')), mtime(path.join(root, 'web/vite.config.ts')));
if (fs.existsSync(path.join(root, 'web/index.html')) && (force || webIn > mtime(webOut))) {
  const ms = run(bin('web', 'vite'), ['build', '--logLevel', 'warn'], path.join(root, 'web'));
  console.log(`web console built in ${(ms / 1000).toFixed(1)} s`);
}
