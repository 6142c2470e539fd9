// Child processes for the HTTP benchmarks: the real server (`gridwork serve`), the floor server
// (bench/lib/floor-server.mjs) and the load generator (bench/lib/loadgen.mjs). Every process
// started here is stopped here, by its own pid.
import fs from 'node:fs';
import path from 'node:path';
import { fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CLI } from './db.mjs';

const LOADGEN = fileURLToPath(new URL('./loadgen.mjs', import.meta.url));
export const FLOOR_SERVER = fileURLToPath(new URL('./floor-server.mjs', import.meta.url));
export const SERVER_PROBE = fileURLToPath(new URL('./serverprobe.mjs', import.meta.url));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Start a Node server script in a child process and wait until GET <readyPath> answers 200.
 * Output goes to logFile (like a production log), not to a pipe this process must drain.
 */
export async function startProcess({ script, args = [], nodeArgs = [], env, port, logFile, readyPath = '/readyz', timeoutMs = 180_000 }) {
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], { env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  let exited = null;
  const exitedP = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exited = { code, signal }))));
  const t0 = performance.now();
  for (;;) {
    if (exited) throw new Error(`${path.basename(script)} exited (${exited.code ?? exited.signal}) before it was ready; log ${logFile}:\n${tail(logFile)}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}${readyPath}`);
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`${path.basename(script)} not ready after ${timeoutMs / 1000} s; log ${logFile}:\n${tail(logFile)}`);
    }
    await sleep(200);
  }
  return {
    pid: child.pid,
    port,
    startMs: performance.now() - t0,
    /** SIGTERM (the server closes its database and exits), SIGKILL after 20 s. */
    async stop() {
      if (exited) return exited;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const r = await exitedP;
      clearTimeout(t);
      return r;
    },
  };
}

export function tail(file, lines = 15) {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** The real server: node server/dist/cli.js serve. */
export function startGridwork({ env, port, logFile, nodeArgs = [] }) {
  return startProcess({ script: CLI, args: ['serve'], nodeArgs, env: { GRIDWORK_DEMO: 'false', ...env }, port, logFile });
}

/** The floor: a bare Fastify app whose one route inserts one row (bench/lib/floor-server.mjs). */
export function startFloor({ env, port, logFile, nodeArgs = [] }) {
  return startProcess({ script: FLOOR_SERVER, nodeArgs, env, port, logFile });
}

/**
 * Run the load generator in its own process. `onWindow(startOrEnd)` is called when the parent
 * believes the measurement window starts and ends (for CPU sampling of other processes).
 */
export function runLoad(cfg, onWindow = () => {}) {
  return new Promise((resolve, reject) => {
    const child = fork(LOADGEN, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let done = false;
    const timers = [];
    child.once('spawn', () => {
      child.send(cfg);
      const t0 = performance.now();
      timers.push(setTimeout(() => onWindow('start', performance.now() - t0), cfg.warmupMs));
      timers.push(setTimeout(() => onWindow('end', performance.now() - t0), cfg.warmupMs + cfg.durationMs));
    });
    child.once('message', (m) => {
      done = true;
      if (m.error) reject(new Error(`load generator failed: ${m.error}`));
      else resolve(m.result);
    });
    child.once('exit', (code) => {
      timers.forEach(clearTimeout);
      if (!done) reject(new Error(`load generator exited ${code} without a result`));
    });
  });
}
