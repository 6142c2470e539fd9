// Shared by the intake and metrics scenarios: load the compiled server, make a fresh database
// (a new PostgreSQL database on DATABASE_URL, or a PGlite directory), seed the demo city in a
// child process, and drop it all afterwards.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const DIST = new URL('../../server/dist/', import.meta.url);
export const CLI = fileURLToPath(new URL('cli.js', DIST));
const SEED_HELPER = fileURLToPath(new URL('./seed.mjs', import.meta.url));

/** Import a module of the compiled server, with a readable message when it is not built. */
export async function load(rel) {
  try {
    return await import(new URL(rel, DIST).href);
  } catch (err) {
    throw new Error(`cannot load the compiled server at ${fileURLToPath(DIST)} (${err.message}); build it first: npx tsc -p server/tsconfig.build.json`);
  }
}

/** Run a node script in a child process; resolves with its stdout, rejects with its stderr. */
export function runNode(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${path.basename(args[0])} ${args.slice(1).join(' ')} exited ${code}: ${(err || out).trim().split('\n').slice(-8).join('\n')}`))));
  });
}

/**
 * A fresh database for one scenario run.
 * kind 'postgres': CREATE DATABASE gridwork_bench_<random> on DATABASE_URL (or TEST_DATABASE_URL).
 * kind 'pglite': a temp directory used as GRIDWORK_DATA_DIR.
 * Returns { kind, env (for server child processes), url?, dir, piiKey, drop() }.
 */
export async function freshDatabase(kind, label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gw-bench-${label}-`));
  const piiKey = randomBytes(32).toString('hex');
  if (kind === 'pglite') {
    return {
      kind,
      dir,
      piiKey,
      env: { GRIDWORK_DATA_DIR: dir, GRIDWORK_PII_KEY: piiKey, DATABASE_URL: '' },
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const admin = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (!admin) throw new Error('--db postgres needs DATABASE_URL (a user allowed to CREATE DATABASE)');
  const name = `gridwork_bench_${label}_${randomBytes(4).toString('hex')}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`).finally(() => c.end());
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const url = u.toString();
  return {
    kind,
    dir,
    piiKey,
    url,
    name,
    env: { DATABASE_URL: url, GRIDWORK_DATA_DIR: dir, GRIDWORK_PII_KEY: piiKey },
    drop: async () => {
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => d.end());
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Seed the demo city (乌海市, 1503) in a child process. scale 'default' runs the real
 * `gridwork seed demo` command (regions, ~1,100 grids, 13,000 buildings, the first street's
 * 37,000 residents, demo accounts); scale 'none' seeds the same regions, grids, buildings and
 * accounts without residents (bench/lib/seed.mjs calls the same seedDemo), for quick runs.
 */
export async function seedDemoCity(fresh, scale, log) {
  const t0 = performance.now();
  const env = { ...fresh.env, LOG_LEVEL: 'silent' };
  const out = scale === 'none' ? await runNode([SEED_HELPER, 'none'], env) : await runNode([CLI, 'seed', 'demo', '--city', '1503'], env);
  log(`seeded (${scale === 'none' ? 'no residents' : 'gridwork seed demo'}) in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${out.trim().split('\n').pop()}`);
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); null elsewhere. */
export function cpuMsOf(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** A TCP port nobody listens on right now. */
export async function freePort() {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Percentile (0–100) of a sorted numeric array, nearest rank. */
export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** "best 1,234 (spread 1,100–1,234 over 3 runs)" helpers. */
export function spread(values, digits = 0) {
  const fmt = (v) => (digits ? v.toFixed(digits) : Math.round(v).toLocaleString('en-US'));
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return `${fmt(lo)}–${fmt(hi)} over ${values.length} run${values.length === 1 ? '' : 's'} [${values.map(fmt).join(', ')}]`;
}
