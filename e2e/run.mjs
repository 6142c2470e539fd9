#!/usr/bin/env node
/**
 * End-to-end runner: starts the real server on a free port with a fresh data directory (so the demo
 * city is seeded), waits for /readyz, then runs every e2e/tests/*.mjs in headless Chromium.
 *
 *   node e2e/run.mjs [filter]      (filter: substring of a test file name)
 *
 * Needs server/dist/cli.js and web/dist (build first: `npm run build`), and Chromium at
 * $CHROMIUM_PATH or /usr/bin/chromium. Prints `N passed, M failed` last; exits 1 on any failure.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, createWriteStream } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const artifacts = path.join(here, 'artifacts');
const testsDir = path.join(here, 'tests');
const cli = path.join(root, 'server', 'dist', 'cli.js');
const webDist = path.join(root, 'web', 'dist');
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const READY_TIMEOUT_MS = 120_000;
const TEST_TIMEOUT_MS = Number(process.env.E2E_TEST_TIMEOUT_MS || 180_000);

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function fail(msg) {
  console.log(`e2e: ${msg}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

if (!existsSync(cli)) fail(`${path.relative(root, cli)} not found — build the server first (npm run build)`);
if (!existsSync(path.join(webDist, 'index.html'))) fail(`${path.relative(root, webDist)}/index.html not found — build the web app first (npm run build)`);
if (!existsSync(chromiumPath)) fail(`Chromium not found at ${chromiumPath} — install it (apt-get install -y chromium) or set CHROMIUM_PATH`);

mkdirSync(artifacts, { recursive: true });

const filter = process.argv[2];
const testFiles = readdirSync(testsDir)
  .filter((f) => f.endsWith('.mjs'))
  .filter((f) => !filter || f.includes(filter))
  .sort();
if (testFiles.length === 0) fail(`no tests in ${path.relative(root, testsDir)}${filter ? ` matching "${filter}"` : ''}`);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- server ------------------------------------------------------------------------------------
const port = await freePort();
const baseURL = `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gridwork-e2e-data-'));
const serverLogPath = path.join(artifacts, 'server.log');
const serverLog = createWriteStream(serverLogPath);
let serverTail = '';

// The embedded database only: a DATABASE_URL would switch the demo seeding off.
const { DATABASE_URL: _ignored, ...inheritedEnv } = process.env;
const server = spawn(process.execPath, [cli, 'serve'], {
  cwd: root,
  env: {
    ...inheritedEnv,
    PORT: String(port),
    HOST: '127.0.0.1',
    GRIDWORK_DATA_DIR: dataDir,
    GRIDWORK_WEB_DIST: webDist,
    GRIDWORK_DEMO: 'true',
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let serverExited = null;
server.on('exit', (code, signal) => {
  serverExited = { code, signal };
});
for (const stream of [server.stdout, server.stderr]) {
  stream.on('data', (chunk) => {
    serverLog.write(chunk);
    serverTail = (serverTail + chunk.toString()).slice(-4000);
  });
}

let cleanedUp = false;
async function cleanup() {
  if (cleanedUp) return;
  cleanedUp = true;
  if (!serverExited) {
    server.kill('SIGTERM');
    for (let i = 0; i < 50 && !serverExited; i++) await sleep(100);
    if (!serverExited) server.kill('SIGKILL');
  }
  serverLog.end();
  try {
    rmSync(dataDir, { recursive: true, force: true });
  } catch {
    /* ignore */
  }
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    void cleanup().then(() => process.exit(130));
  });
}
process.on('exit', () => {
  if (!serverExited) server.kill('SIGKILL');
});

async function waitReady() {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    if (serverExited) throw new Error(`server exited early (${JSON.stringify(serverExited)})\n${serverTail}`);
    try {
      const res = await fetch(`${baseURL}/readyz`, { signal: AbortSignal.timeout(5000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(500);
  }
  throw new Error(`server not ready after ${READY_TIMEOUT_MS / 1000}s (last: ${last})\n${serverTail}`);
}

// ---- tests -------------------------------------------------------------------------------------
let passed = 0;
let failed = 0;
let browser;
try {
  const t0 = Date.now();
  console.log(`e2e: starting server on ${baseURL} (data dir ${dataDir})`);
  await waitReady();
  console.log(`e2e: server ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);

  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });

  for (const file of testFiles) {
    const name = file.replace(/\.mjs$/, '');
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', baseURL });
    const page = await context.newPage();
    const consoleErrors = [];
    page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(`console: ${msg.text()}`);
    });
    const started = Date.now();
    try {
      const mod = await import(pathToFileURL(path.join(testsDir, file)).href);
      if (typeof mod.run !== 'function') throw new Error(`${file} does not export async function run()`);
      let timer;
      await Promise.race([
        mod.run({ page, baseURL, browser, context, artifacts }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${TEST_TIMEOUT_MS / 1000}s`)), TEST_TIMEOUT_MS);
        }),
      ]).finally(() => clearTimeout(timer));
      passed++;
      console.log(`✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    } catch (err) {
      failed++;
      const shot = path.join(artifacts, `${name}-failure.png`);
      try {
        await page.screenshot({ path: shot, fullPage: true });
      } catch {
        /* page may be gone */
      }
      console.log(`✗ ${name} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
      console.log(`  ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`.replace(/\n/g, '\n  '));
      console.log(`  url: ${page.url()}`);
      console.log(`  screenshot: ${path.relative(root, shot)}`);
      if (consoleErrors.length) console.log(`  browser errors:\n    ${consoleErrors.slice(-10).join('\n    ')}`);
    } finally {
      await context.close().catch(() => undefined);
    }
  }
} catch (err) {
  failed++;
  console.log(`✗ setup: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  await browser?.close().catch(() => undefined);
  await cleanup();
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
