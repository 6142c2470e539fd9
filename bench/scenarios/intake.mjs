// Ticket intake under load: the real server (`gridwork serve`, a child process) on a fresh,
// demo-seeded database; a separate load process keeps N keep-alive connections busy with
// POST /api/tickets (category 0301 暴露垃圾, a point inside a demo grid) for a fixed time. The
// floor is a bare Fastify app in its own process whose one route inserts one row into a scratch
// table of the same database (bench/lib/floor-server.mjs); ratio = intake ÷ floor throughput.
//
// Knobs (environment): BENCH_CONNECTIONS (32), BENCH_DURATION_S (20; quick 4), BENCH_RUNS (3;
// quick 1), BENCH_LOG_LEVEL (the server's LOG_LEVEL, default info as shipped), BENCH_PROFILE=1
// (one more resident run with a CPU profile and per-statement timings of the server, reported in
// the notes; the profile is kept in bench/results/).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { cpuMsOf, freePort, freshDatabase, percentile, runNode, seedDemoCity, spread } from '../lib/db.mjs';
import { SERVER_PROBE, runLoad, startFloor, startGridwork } from '../lib/procs.mjs';
import { summarise } from '../lib/cpuprofile.mjs';

const EXEC_SQL = fileURLToPath(new URL('../lib/exec-sql.mjs', import.meta.url));
const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));
const CITY = '150300000000';
const PASSWORD = 'gridwork-demo';
const CATEGORY = '0301';
const TICKET_TABLES = 'tickets, ticket_events, ticket_notices, ticket_stat_deltas, ticket_stats, ticket_units';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const envInt = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);

async function login(port, username) {
  const r = await fetch(`http://127.0.0.1:${port}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  if (r.status !== 200) throw new Error(`login ${username}: HTTP ${r.status} ${await r.text()}`);
  const cookie = (r.headers.getSetCookie?.() ?? [r.headers.get('set-cookie')]).map((c) => c.split(';')[0]).join('; ');
  return { cookie, user: (await r.json()).user };
}

async function getJson(port, url, cookie) {
  const r = await fetch(`http://127.0.0.1:${port}${url}`, { headers: { cookie } });
  if (r.status !== 200) throw new Error(`GET ${url}: HTTP ${r.status} ${(await r.text()).slice(0, 300)}`);
  return r.json();
}

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Report points: building positions of the demo city (they lie inside grids by construction),
 * each checked with GET /api/geo/locate; `own` = those in grid01's grid (its 网格发现 path).
 */
async function pickPoints(port, quick, log) {
  const admin = await login(port, 'admin');
  const resident = await login(port, 'resident01');
  const grid = await login(port, 'grid01');
  const fc = await getJson(port, `/api/regions/${CITY}/buildings.geojson`, admin.cookie);
  const gridCode = grid.user.scope.code;
  const random = rng(1503);
  const all = fc.features.map((f) => ({ lng: f.geometry.coordinates[0], lat: f.geometry.coordinates[1], code: f.properties.regionCode }));
  const sample = [];
  const want = quick ? 100 : 1000;
  const pool = [...all];
  while (sample.length < Math.min(want, pool.length)) sample.push(pool.splice(Math.floor(random() * pool.length), 1)[0]);
  const own = all.filter((b) => b.code.startsWith(gridCode)).slice(0, 50);
  const check = async (list) => {
    const out = [];
    for (const p of list) {
      const r = await fetch(`http://127.0.0.1:${port}/api/geo/locate?lng=${p.lng}&lat=${p.lat}`, { headers: { cookie: resident.cookie } });
      if (r.status === 200) out.push({ ...p, grid: (await r.json()).grid.code });
    }
    return out;
  };
  const points = await check(sample);
  const ownPoints = (await check(own)).filter((p) => p.grid === gridCode);
  log(`${fc.features.length} buildings; ${points.length}/${sample.length} sampled points located in ${new Set(points.map((p) => p.grid)).size} grids; ${ownPoints.length} points in grid01's grid ${gridCode}`);
  if (points.length < sample.length * 0.9) throw new Error('too many building points outside every grid');
  return { points, ownPoints, gridCode };
}

function bodiesFor(points, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const p = points[i % points.length];
    out.push(JSON.stringify({ categoryCode: CATEGORY, description: `楼下垃圾堆放多日无人清理（压测 #${i}）`, lng: p.lng, lat: p.lat }));
  }
  return out;
}

/** PostgreSQL backends serving this database, and their CPU so far (ms). */
async function pgBackends(fresh) {
  if (fresh.kind !== 'postgres') return null;
  const c = new pg.Client({ connectionString: fresh.url });
  await c.connect();
  try {
    const r = await c.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    return r.rows.map((x) => x.pid);
  } finally {
    await c.end();
  }
}
const cpuOfAll = (pids) => (pids ? pids.reduce((s, p) => s + (cpuMsOf(p) ?? 0), 0) : null);

/**
 * One measured run against a server process: load for warm-up + duration, with the CPU of the
 * server process and of its PostgreSQL backends sampled at the window's edges.
 */
async function measure({ server, fresh, port, path: urlPath, cookie, bodies, connections, warmupMs, durationMs, probe }) {
  let pids = null;
  const cpu = {};
  const load = runLoad(
    { host: '127.0.0.1', port, method: 'POST', path: urlPath, headers: cookie ? { cookie } : {}, bodies, connections, warmupMs, durationMs },
    async (edge) => {
      try {
        if (probe) process.kill(server.pid, 'SIGUSR2');
        if (edge === 'start') pids = await pgBackends(fresh);
        cpu[edge] = { server: cpuMsOf(server.pid), pg: cpuOfAll(pids), at: performance.now() };
      } catch (err) {
        console.error(`[intake] CPU sampling failed at the window's ${edge}: ${err.message}`);
      }
    },
  );
  const r = await load;
  await sleep(50);
  const windowMs = cpu.end && cpu.start ? cpu.end.at - cpu.start.at : durationMs;
  const count = Math.max(1, r.ok);
  return {
    rate: (r.ok / r.windowMs) * 1000,
    ok: r.ok,
    // Every failure counts, warm-up included (the rate counts only the measured window).
    errors: r.allErrors ?? r.errors + r.sockErrors,
    statuses: r.statuses,
    firstErrors: r.firstErrors,
    p50: percentile(r.samples, 50),
    p90: percentile(r.samples, 90),
    p99: percentile(r.samples, 99),
    max: r.samples.at(-1) ?? NaN,
    // CPU per request in each process (ms); a share of the window's wall time gives cores used.
    serverCpuPerReq: cpu.end?.server != null ? (cpu.end.server - cpu.start.server) / count : null,
    pgCpuPerReq: cpu.end?.pg != null && cpu.start?.pg != null ? (cpu.end.pg - cpu.start.pg) / count : null,
    loadCpuPerReq: r.cpuMs / count,
    serverCores: cpu.end?.server != null ? (cpu.end.server - cpu.start.server) / windowMs : null,
    pgCores: cpu.end?.pg != null && cpu.start?.pg != null ? (cpu.end.pg - cpu.start.pg) / windowMs : null,
    loadCores: r.cpuMs / r.windowMs,
    loadavg: os.loadavg()[0],
  };
}

const fmtRun = (r) =>
  `${Math.round(r.rate)}/s p50 ${r.p50.toFixed(1)} p99 ${r.p99.toFixed(1)} ms` +
  (r.serverCpuPerReq != null ? `; CPU/req server ${r.serverCpuPerReq.toFixed(2)} ms` : '') +
  (r.pgCpuPerReq != null ? `, postgres ${r.pgCpuPerReq.toFixed(2)} ms` : '') +
  `, load gen ${r.loadCpuPerReq.toFixed(2)} ms; load avg ${r.loadavg.toFixed(1)}`;

export async function run({ db, quick, log }) {
  const connections = envInt('BENCH_CONNECTIONS', 32);
  const durationMs = envInt('BENCH_DURATION_S', quick ? 3 : 20) * 1000;
  const warmupMs = quick ? 1000 : 3000;
  const runs = envInt('BENCH_RUNS', quick ? 1 : 3);
  const logLevel = process.env.BENCH_LOG_LEVEL || 'info';
  const profiling = process.env.BENCH_PROFILE === '1';

  const fresh = await freshDatabase(db, 'intake');
  const logFile = path.join(fresh.dir, 'server.log');
  const env = { ...fresh.env, LOG_LEVEL: logLevel };
  let server = null;
  const stamp = new Date().toISOString().replaceAll(':', '-');
  try {
    // Full runs seed with the real CLI command (first street's residents too); --quick seeds the
    // same regions, grids, buildings and accounts without residents, which intake never reads.
    log(`seeding the demo city 乌海市 in a child process (${db}) …`);
    await seedDemoCity(fresh, quick ? 'none' : 'default', log);

    const port = await freePort();
    const reset = async () => {
      await runNode([EXEC_SQL, `TRUNCATE ${TICKET_TABLES}`], { ...env, LOG_LEVEL: 'silent' });
    };
    const startServer = async (nodeArgs = [], extraEnv = {}) => {
      const s = await startGridwork({ env: { ...env, ...extraEnv }, port, logFile, nodeArgs });
      return s;
    };

    server = await startServer();
    log(`server up on :${port} in ${(server.startMs / 1000).toFixed(1)} s (LOG_LEVEL=${logLevel})`);
    const { points, ownPoints, gridCode } = await pickPoints(port, quick, log);
    if (!quick) {
      await server.stop();
      server = null;
    }

    const cases = [
      { name: 'resident', user: 'resident01', bodies: bodiesFor(points, 5000), what: `resident01, points spread over ${new Set(points.map((p) => p.grid)).size} grids` },
      { name: 'grid_worker', user: 'grid01', bodies: bodiesFor(ownPoints, 5000), what: `grid01 in its own grid ${gridCode} (网格发现: accepted and dispatched in the same request)` },
    ];
    // Each run starts from the same state: no tickets, a freshly started server. (--quick keeps
    // one server for both cases and does not reset, to stay within a minute.)
    const results = {};
    for (const c of cases) {
      results[c.name] = [];
      for (let i = 0; i < runs; i++) {
        if (!quick) await reset();
        server ??= await startServer();
        const { cookie } = await login(port, c.user);
        const r = await measure({ server, fresh, port, path: '/api/tickets', cookie, bodies: c.bodies, connections, warmupMs, durationMs });
        if (!quick) {
          await server.stop();
          server = null;
        }
        results[c.name].push(r);
        log(`${c.name} run ${i + 1}/${runs}: ${fmtRun(r)}${r.errors ? `; ${r.errors} ERRORS ${JSON.stringify(r.statuses)} ${r.firstErrors[0] ?? ''}` : ''}`);
      }
    }

    if (server) {
      await server.stop();
      server = null;
    }
    // The floor: same database, same driver and pool, same bodies, one INSERT per request.
    results.floor = [];
    for (let i = 0; i < runs; i++) {
      server = await startFloor({ env, port, logFile });
      const r = await measure({ server, fresh, port, path: '/floor', cookie: null, bodies: cases[0].bodies, connections, warmupMs, durationMs });
      await server.stop();
      server = null;
      results.floor.push(r);
      log(`floor run ${i + 1}/${runs}: ${fmtRun(r)}${r.errors ? `; ${r.errors} ERRORS ${r.firstErrors[0] ?? ''}` : ''}`);
    }

    let profileNotes = [];
    if (profiling) profileNotes = await profileRun({ db, fresh, env, port, reset, startServer, bodies: cases[0].bodies, connections, warmupMs, durationMs, stamp, log });

    const best = (list) => list.reduce((a, b) => (b.rate > a.rate ? b : a));
    const floor = best(results.floor);
    const pgTargets = db === 'postgres';
    const metrics = [];
    for (const c of cases) {
      const list = results[c.name];
      const b = best(list);
      const errors = list.reduce((s, r) => s + r.errors, 0);
      const main = c.name === 'resident';
      metrics.push(
        { metric: `intake.${c.name}.rate`, value: b.rate, unit: 'tickets/s', baseline: floor.rate, ...(main && pgTargets ? { target: '>= 1000' } : {}) },
        { metric: `intake.${c.name}.p50`, value: b.p50, unit: 'ms', baseline: floor.p50 },
        { metric: `intake.${c.name}.p99`, value: b.p99, unit: 'ms', baseline: floor.p99, ...(main && pgTargets ? { target: '< 100' } : {}) },
        { metric: `intake.${c.name}.errors`, value: errors, unit: 'non-2xx', target: '<= 0' },
        { metric: `intake.${c.name}.server_cpu`, value: b.serverCpuPerReq, unit: 'ms/req', baseline: floor.serverCpuPerReq },
      );
      if (b.pgCpuPerReq != null) metrics.push({ metric: `intake.${c.name}.pg_cpu`, value: b.pgCpuPerReq, unit: 'ms/req', baseline: floor.pgCpuPerReq });
    }
    metrics.push({ metric: 'floor.rate', value: floor.rate, unit: 'req/s' }, { metric: 'floor.p99', value: floor.p99, unit: 'ms' });

    const notes = [
      `${connections} keep-alive connections from a separate load process, ${warmupMs / 1000} s warm-up + ${durationMs / 1000} s measured, ${runs} run(s) per case, best run by throughput shown (p50/p99/CPU of that run); server LOG_LEVEL=${logLevel}; ${quick ? 'one server for all runs, tickets not reset (--quick)' : 'ticket tables truncated and the server restarted before each run'}`,
      ...cases.map((c) => `${c.name}: ${c.what}; throughput ${spread(results[c.name].map((r) => r.rate))}/s; p99 ${spread(results[c.name].map((r) => r.p99), 1)} ms`),
      `floor (bare Fastify route, one INSERT into bench_floor, same database and pool size): ${spread(results.floor.map((r) => r.rate))}/s; p99 ${spread(results.floor.map((r) => r.p99), 1)} ms`,
      ...['resident', 'grid_worker', 'floor'].map((k) => {
        const b = best(results[k]);
        return `${k} best run cores used: server ${b.serverCores?.toFixed(2) ?? '?'}${b.pgCores != null ? `, postgres backends ${b.pgCores.toFixed(2)}` : ''}, load generator ${b.loadCores.toFixed(2)} (of ${os.cpus().length}); load average at the end ${b.loadavg.toFixed(1)}`;
      }),
      ...profileNotes,
    ];
    return { metrics, notes };
  } finally {
    if (server) await server.stop().catch(() => {});
    await fresh.drop();
  }
}

/**
 * One more resident run with the probe preloaded into the server: a CPU profile of the window and
 * the time of every SQL statement. Returns note lines; keeps the raw files in bench/results/.
 */
async function profileRun({ db, fresh, env, port, reset, startServer, bodies, connections, warmupMs, durationMs, stamp, log }) {
  fs.mkdirSync(RESULTS, { recursive: true });
  const profFile = path.join(RESULTS, `intake-${db}-${stamp}.cpuprofile`);
  const traceFile = path.join(RESULTS, `intake-${db}-${stamp}.sql.json`);
  await reset();
  const server = await startServer(['--import', SERVER_PROBE], { BENCH_CPUPROF_FILE: profFile, BENCH_PGTRACE_FILE: traceFile });
  let r;
  try {
    const { cookie } = await login(port, 'resident01');
    r = await measure({ server, fresh, port, path: '/api/tickets', cookie, bodies, connections, warmupMs, durationMs, probe: true });
    for (let i = 0; i < 100 && !fs.existsSync(`${profFile}.done`); i++) await sleep(100);
  } finally {
    await server.stop();
  }
  fs.rmSync(`${profFile}.done`, { force: true });
  log(`profiled run: ${fmtRun(r)}`);
  const notes = [`PROFILE (resident, one extra run with the probe, not counted above): ${fmtRun(r)}; files ${path.relative(process.cwd(), profFile)}, ${path.relative(process.cwd(), traceFile)}`];
  const fns = ['resolveSession', 'create', 'placeOf', 'locatePoint', 'duplicatesAt', 'near', 'requireCategory', 'resolveTarget', 'ensureNames', 'nextId', 'insert', 'insertEvents', 'insertNotices', 'recordDeltas', 'deltas', 'recordAudit', 'dto', 'transaction', 'execute', 'serialize', 'preHandler', 'handleRequest', 'hookRunnerApplication'];
  const s = summarise(JSON.parse(fs.readFileSync(profFile, 'utf8')), fns);
  const per = (ms) => (ms / r.ok).toFixed(3);
  notes.push(
    `PROFILE server CPU: busy ${s.busyMs.toFixed(0)} ms of ${s.totalMs.toFixed(0)} ms sampled = ${per(s.busyMs)} ms per ticket; by area (self time, ms per ticket): ` +
      s.areas
        .slice(0, 14)
        .map((a) => `${a.area} ${per(a.ms)} (${(a.share * 100).toFixed(0)}%)`)
        .join(', '),
  );
  notes.push(
    `PROFILE server CPU inclusive of named functions (synchronous parts, ms per ticket): ` +
      Object.entries(s.inclusive)
        .filter(([, ms]) => ms > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([f, ms]) => `${f} ${per(ms)}`)
        .join(', '),
  );
  notes.push(`PROFILE hottest functions (self, ms per ticket): ${s.functions.slice(0, 12).map((f) => `${f.name} ${per(f.ms)}`).join('; ')}`);
  const trace = fs.existsSync(traceFile) ? JSON.parse(fs.readFileSync(traceFile, 'utf8')) : null;
  if (trace?.statements.length) {
    const t = trace;
    const n = r.ok;
    notes.push(
      `PROFILE SQL per ticket (count × mean ms, call to result): ` +
        t.statements
          .slice(0, 16)
          .map((q) => `[${(q.count / n).toFixed(2)}× ${(q.totalMs / q.count).toFixed(2)} ms] ${q.sql.slice(0, 90)}`)
          .join(' | ') +
        (t.poolWaits.count ? `; pool waits ${(t.poolWaits.count / n).toFixed(2)}× mean ${(t.poolWaits.totalMs / t.poolWaits.count).toFixed(2)} ms (max ${t.poolWaits.maxMs.toFixed(0)} ms)` : ''),
    );
  }
  return notes;
}
