// Preloaded into a server process when profiling (node --import bench/lib/serverprobe.mjs …),
// without touching server code:
// - a V8 CPU profile of exactly the measurement window (node:inspector, same sampler as
//   --cpu-prof), written to $BENCH_CPUPROF_FILE;
// - the time of every statement (node-postgres: pg.Client#query, call to result: round trip +
//   execution; PGlite: PGlite#query) and of every wait for a pooled connection (pg.Pool#connect),
//   written to $BENCH_PGTRACE_FILE as { statements: [{ sql, count, totalMs, maxMs }], poolWaits }.
// The first SIGUSR2 starts a fresh recording; the second stops it and writes the files.
import fs from 'node:fs';
import inspector from 'node:inspector';
import pg from 'pg';

const file = process.env.BENCH_PGTRACE_FILE;
const profFile = process.env.BENCH_CPUPROF_FILE;
const session = new inspector.Session();
session.connect();
const post = (method, params) => new Promise((resolve, reject) => session.post(method, params ?? {}, (err, r) => (err ? reject(err) : resolve(r))));
let recording = false;
let stats = new Map();
let waits = { count: 0, totalMs: 0, maxMs: 0 };

const norm = (text) => String(text).replace(/\s+/g, ' ').replace(/\$\d+/g, '?').trim().slice(0, 140);

function note(key, ms) {
  if (!recording) return;
  const s = stats.get(key) ?? { sql: key, count: 0, totalMs: 0, maxMs: 0 };
  s.count++;
  s.totalMs += ms;
  s.maxMs = Math.max(s.maxMs, ms);
  stats.set(key, s);
}

const origQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, values, callback) {
  const text = typeof config === 'string' ? config : config?.text;
  if (text === undefined || typeof config?.submit === 'function') return origQuery.call(this, config, values, callback);
  const t0 = performance.now();
  const key = norm(text);
  const cb = typeof values === 'function' ? values : callback;
  if (cb) {
    const wrapped = (err, res) => {
      note(key, performance.now() - t0);
      cb(err, res);
    };
    return typeof values === 'function' ? origQuery.call(this, config, wrapped) : origQuery.call(this, config, values, wrapped);
  }
  const p = origQuery.call(this, config, values);
  return p.then(
    (r) => {
      note(key, performance.now() - t0);
      return r;
    },
    (e) => {
      note(key, performance.now() - t0);
      throw e;
    },
  );
};

const origConnect = pg.Pool.prototype.connect;
pg.Pool.prototype.connect = function (cb) {
  const t0 = performance.now();
  const noteWait = () => {
    if (!recording) return;
    const ms = performance.now() - t0;
    waits.count++;
    waits.totalMs += ms;
    waits.maxMs = Math.max(waits.maxMs, ms);
  };
  if (cb) {
    return origConnect.call(this, (err, client, done) => {
      noteWait();
      cb(err, client, done);
    });
  }
  return origConnect.call(this).then((c) => {
    noteWait();
    return c;
  });
};

// PGlite (embedded): time PGlite#query the same way (call to result, so it includes waiting for
// the single embedded backend); statements inside PGlite#transaction are not seen.
try {
  const { PGlite } = await import('@electric-sql/pglite');
  const origPgliteQuery = PGlite.prototype.query;
  PGlite.prototype.query = async function (text, ...rest) {
    const t0 = performance.now();
    try {
      return await origPgliteQuery.call(this, text, ...rest);
    } finally {
      note(norm(text), performance.now() - t0);
    }
  };
} catch {
  // PGlite not installed: nothing to trace there.
}

process.on('SIGUSR2', async () => {
  if (!recording) {
    stats = new Map();
    waits = { count: 0, totalMs: 0, maxMs: 0 };
    recording = true;
    if (profFile) {
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 1000 });
      await post('Profiler.start');
    }
    return;
  }
  recording = false;
  if (file) fs.writeFileSync(file, JSON.stringify({ statements: [...stats.values()].sort((a, b) => b.totalMs - a.totalMs), poolWaits: waits }, null, 1));
  if (profFile) {
    const { profile } = await post('Profiler.stop');
    fs.writeFileSync(profFile, JSON.stringify(profile));
  }
  fs.writeFileSync(`${profFile ?? file}.done`, '');
});
