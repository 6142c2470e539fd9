// Ticket metrics at Wuhai scale: the demo city's regions (3 districts, 22 streets, 87 communities,
// ~1,100 grids, ~380 micro-grids) with 1,000,000 tickets over 13 months (quick: 50,000), generated
// by SQL. The counters are built the way the product builds them: delta rows with the rules of
// contribution() (statsLedger.ts; checked against the JS function on a sample of tickets), folded
// by the product's foldAll; plus a few hundred tickets created and dispatched through
// TicketService, whose deltas stay pending as between two ticks of the server's clock. Then
// TicketMetrics.report (the code behind GET /api/tickets/metrics) is timed against naiveCounts (a
// GROUP BY over the raw tickets), after checking both give identical counts for every case.
//
// Knobs (environment): BENCH_TICKETS (tickets to generate; default 1,000,000, quick 50,000),
// BENCH_KEEP=1 (keep the database afterwards and print where it is, for EXPLAIN; drop it yourself).
import { sql } from 'drizzle-orm';
import { freshDatabase, load, percentile, seedDemoCity } from '../lib/db.mjs';

const FROM = '2025-01';
const TO = '2025-12';
/** China time: 2025-01-01 to 2026-01-31, so one generated month falls outside the queried year. */
const SPAN_START = '2025-01-01 00:00:00+08';
const SPAN_DAYS = 396;
const DEPARTMENTS = ['城市管理综合执法局', '生态环境分局', '住房和城乡建设局', '市场监督管理局'];

const COUNTERS = ['received', 'accepted', 'responded', 'respondedOnTime', 'closed', 'closedOnTime', 'resolved', 'closedInGrid', 'closedInCommunity', 'rated', 'satisfied', 'basic', 'unsatisfied', 'overdue'];

/**
 * One ticket's contribution, in SQL: the rules of statsLedger.contribution() written for a row of
 * tickets (merged tickets contribute nothing and are filtered out by the caller).
 */
const CONTRIBUTION_SQL = `
  to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') || '-01' AS month,
  left(region_path, 15) AS region_path,
  left(category_code, 2) AS category_top,
  CASE WHEN tier IS NULL OR assignee_path IS NULL THEN 'none' WHEN tier = 'department' THEN 'dept:' || assignee_dept || '@' || assignee_path ELSE tier || ':' || assignee_path END AS unit_key,
  1 AS received,
  coalesce(accepted_at IS NOT NULL AND status <> 'refused', false)::int AS accepted,
  coalesce(responded_at IS NOT NULL, false)::int AS responded,
  coalesce(responded_at IS NOT NULL AND NOT respond_overdue AND (respond_due_at IS NULL OR responded_at <= respond_due_at), false)::int AS responded_on_time,
  coalesce(status = 'closed', false)::int AS closed,
  coalesce(status = 'closed' AND NOT resolve_overdue, false)::int AS closed_on_time,
  coalesce(status = 'closed' AND rating IS DISTINCT FROM 'unsatisfied', false)::int AS resolved,
  coalesce(status = 'closed' AND tier = 'grid', false)::int AS closed_in_grid,
  coalesce(status = 'closed' AND tier IN ('grid', 'community'), false)::int AS closed_in_community,
  coalesce(rating IS NOT NULL AND rating <> '', false)::int AS rated,
  coalesce(rating = 'satisfied', false)::int AS satisfied,
  coalesce(rating = 'basic', false)::int AS basic,
  coalesce(rating = 'unsatisfied', false)::int AS unsatisfied,
  coalesce(respond_overdue OR resolve_overdue, false)::int AS overdue`;
const DELTA_COLUMNS = ['received', 'accepted', 'responded', 'responded_on_time', 'closed', 'closed_on_time', 'resolved', 'closed_in_grid', 'closed_in_community', 'rated', 'satisfied', 'basic', 'unsatisfied', 'overdue'];

/**
 * Tickets g = lo … hi, deterministic per g (hash-based randomness, so PostgreSQL and PGlite make
 * the same city). Spread: cells skewed towards the urban core (低 codes), categories uniform over
 * the leaves, created uniformly over 13 months; 65% closed, the rest across the open states,
 * refused and merged; handled by grid 55%, community 20%, street 10%, district 5%, departments 10%;
 * 6% respond-overdue, 10% resolve-overdue; 60% of closed tickets rated.
 */
export function generateSql(lo, hi, cells, cats) {
  const salts = ['cell', 'cat', 'st', 'tier', 't', 'resp', 'rate', 'od1', 'od2', 'dept', 'due', 'ch'];
  const r = (salt) => `((hashint8extended(g, ${salts.indexOf(salt) + 1}) & 4294967295)::float8 / 4294967296.0)`;
  return `
  INSERT INTO tickets (no, channel, type, category_code, status, priority, title, description, region_code, region_path, tier, assignee_path, assignee_dept, assignee_name,
    respond_due_at, resolve_due_at, accepted_at, dispatched_at, responded_at, handled_at, verified_at, closed_at, rating, respond_overdue, resolve_overdue, created_at, updated_at)
  SELECT 'B' || g, ch, 'report', cat, status, 'normal', '压测工单', '生成的工单', code, path, tier,
    CASE WHEN tier IS NULL THEN NULL WHEN tier = 'grid' THEN left(path, 15) WHEN tier = 'community' THEN left(path, 12) WHEN tier = 'street' THEN left(path, 9) ELSE left(path, 6) END,
    CASE WHEN tier = 'department' THEN (ARRAY['${DEPARTMENTS.join("','")}'])[1 + floor(r_dept * ${DEPARTMENTS.length})::int] END,
    CASE WHEN tier IS NOT NULL THEN '处置单位' END,
    CASE WHEN tier IS NOT NULL AND r_due < 0.5 THEN created + interval '24 hours' END,
    CASE WHEN tier IS NOT NULL THEN created + interval '72 hours' END,
    CASE WHEN accepted THEN created + interval '20 minutes' END,
    CASE WHEN tier IS NOT NULL THEN created + interval '40 minutes' END,
    CASE WHEN status IN ('in_progress', 'handled', 'verified', 'closed') AND r_resp < 0.95 THEN created + r_resp * interval '30 hours' END,
    CASE WHEN status IN ('handled', 'verified', 'closed') THEN created + interval '40 hours' END,
    CASE WHEN status IN ('verified', 'closed') THEN created + interval '44 hours' END,
    CASE WHEN status = 'closed' THEN created + interval '48 hours' END,
    CASE WHEN status = 'closed' THEN CASE WHEN r_rate < 0.42 THEN 'satisfied' WHEN r_rate < 0.54 THEN 'basic' WHEN r_rate < 0.60 THEN 'unsatisfied' END END,
    r_od1 < 0.06, r_od2 < 0.10, created, created
  FROM (
    SELECT *, CASE WHEN status IN ('reported', 'refused', 'accepted') OR (status = 'merged' AND r_tier < 0.5) THEN NULL
                   WHEN r_tier < 0.55 THEN 'grid' WHEN r_tier < 0.75 THEN 'community' WHEN r_tier < 0.85 THEN 'street' WHEN r_tier < 0.90 THEN 'district' ELSE 'department' END AS tier,
              status NOT IN ('reported', 'refused') AND NOT (status = 'merged' AND r_tier < 0.5) AS accepted
    FROM (
      SELECT g, c.code, c.path, k.code AS cat, r_tier, r_resp, r_rate, r_od1, r_od2, r_dept, r_due,
        CASE WHEN r_ch < 0.5 THEN 'resident' WHEN r_ch < 0.8 THEN 'patrol' WHEN r_ch < 0.95 THEN 'hotline' ELSE 'visit' END AS ch,
        CASE WHEN r_st < 0.65 THEN 'closed' WHEN r_st < 0.68 THEN 'verified' WHEN r_st < 0.71 THEN 'handled' WHEN r_st < 0.77 THEN 'in_progress' WHEN r_st < 0.83 THEN 'dispatched'
             WHEN r_st < 0.86 THEN 'accepted' WHEN r_st < 0.90 THEN 'reported' WHEN r_st < 0.96 THEN 'refused' ELSE 'merged' END AS status,
        timestamptz '${SPAN_START}' + r_t * interval '${SPAN_DAYS} days' AS created
      FROM (
        SELECT g, ${r('cell')} AS r_cell, ${r('cat')} AS r_cat, ${r('st')} AS r_st, ${r('tier')} AS r_tier, ${r('t')} AS r_t, ${r('resp')} AS r_resp, ${r('rate')} AS r_rate,
          ${r('od1')} AS r_od1, ${r('od2')} AS r_od2, ${r('dept')} AS r_dept, ${r('due')} AS r_due, ${r('ch')} AS r_ch
        FROM generate_series(${lo}, ${hi}) g OFFSET 0
      ) x
      JOIN bench_cells c ON c.i = floor(power(x.r_cell, 1.6) * ${cells})::int
      JOIN bench_cats k ON k.i = floor(x.r_cat * ${cats})::int
      OFFSET 0
    ) y
  ) z`;
}

async function exec(db, text) {
  try {
    return (await db.execute(sql.raw(text))).rows;
  } catch (e) {
    throw new Error(`${e.cause?.message ?? e.message} in: ${text.replace(/\s+/g, ' ').slice(0, 160)} …`);
  }
}

/**
 * Durations (ms, sorted) of fn: one untimed warm-up, then calls until there are minIter and minMs
 * has passed, but no more than maxIter, and no longer than maxMs once 5 calls are in.
 */
async function timeIt(fn, { minIter, minMs = 0, maxIter, maxMs = Infinity }) {
  await fn();
  const out = [];
  const t0 = performance.now();
  const more = () => {
    const el = performance.now() - t0;
    if (out.length >= maxIter || (out.length >= 5 && el >= maxMs)) return false;
    return out.length < minIter || el < minMs;
  };
  while (more()) {
    const s = performance.now();
    await fn();
    out.push(performance.now() - s);
  }
  return out.sort((a, b) => a - b);
}

function diffCounts(got, want) {
  const keys = [...new Set([...Object.keys(got), ...Object.keys(want)])].sort();
  const bad = [];
  for (const k of keys) {
    const a = got[k];
    const b = want[k];
    if (!a || !b || COUNTERS.some((c) => Number(a[c]) !== Number(b[c]))) bad.push(`${k}: report ${JSON.stringify(a ?? null)} naive ${JSON.stringify(b ?? null)}`);
  }
  return bad;
}

export async function run({ db, quick, log }) {
  const N = Number(process.env.BENCH_TICKETS || (quick ? 50_000 : 1_000_000));
  const PRODUCT_TICKETS = quick ? 30 : 300;
  const { openDatabase } = await load('platform/db/client.js');
  const { createServices } = await load('app.js');
  const { loadConfig } = await load('platform/config.js');
  const { SYSTEM_CONTEXT } = await load('platform/audit/index.js');
  const { actorFromUser } = await load('platform/auth/service.js');
  const { authRepo } = await load('platform/auth/repo.js');
  const { foldAll, contribution } = await load('modules/tickets/statsLedger.js');
  const { naiveCounts } = await load('modules/tickets/metrics.js');
  const { parseRegionCode } = await load('modules/regions/codes.js');

  const fresh = await freshDatabase(db, 'metrics');
  let database = null;
  try {
    log(`seeding the demo city's regions and grids (乌海市, no residents) in a child process (${db}) …`);
    await seedDemoCity(fresh, 'none', log);
    database = await openDatabase({ databaseUrl: fresh.url, dataDir: fresh.dir });
    const d = database.db;
    let clock = new Date('2025-06-16T02:00:00Z');
    const services = createServices(database, loadConfig({ ...fresh.env, LOG_LEVEL: 'silent' }), { now: () => clock });

    // ---- tickets ------------------------------------------------------------------------------
    await exec(d, `CREATE TABLE bench_cells AS SELECT (row_number() OVER (ORDER BY code) - 1)::int AS i, code, path FROM regions WHERE level IN ('grid', 'microgrid')`);
    await exec(d, `CREATE TABLE bench_cats AS SELECT (row_number() OVER (ORDER BY code) - 1)::int AS i, code FROM ticket_categories c WHERE NOT EXISTS (SELECT 1 FROM ticket_categories k WHERE k.parent_code = c.code)`);
    const [shape] = await exec(d, `SELECT (SELECT count(*) FILTER (WHERE level = 'district') FROM regions)::int AS districts, (SELECT count(*) FILTER (WHERE level = 'street') FROM regions)::int AS streets,
      (SELECT count(*) FILTER (WHERE level = 'community') FROM regions)::int AS communities, (SELECT count(*) FILTER (WHERE level = 'grid') FROM regions)::int AS grids,
      (SELECT count(*) FILTER (WHERE level = 'microgrid') FROM regions)::int AS microgrids, (SELECT count(*) FROM bench_cats)::int AS categories, (SELECT count(*) FROM bench_cells)::int AS cells`);
    await exec(d, 'ALTER TABLE bench_cells ADD PRIMARY KEY (i)');
    await exec(d, 'ALTER TABLE bench_cats ADD PRIMARY KEY (i)');
    log(`city: ${shape.districts} districts, ${shape.streets} streets, ${shape.communities} communities, ${shape.grids} grids, ${shape.microgrids} micro-grids; ${shape.categories} leaf categories`);

    // Bulk load: the secondary indexes of tickets are dropped and rebuilt afterwards (same
    // indexes in the end; building them once is much faster than maintaining them row by row).
    const tGen = performance.now();
    const indexes = await exec(d, `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'tickets' AND indexname <> 'tickets_pkey'`);
    for (const i of indexes) await exec(d, `DROP INDEX ${i.indexname}`);
    const CHUNK = 100_000;
    for (let lo = 1; lo <= N; lo += CHUNK) {
      await exec(d, generateSql(lo, Math.min(N, lo + CHUNK - 1), shape.cells, shape.categories));
      log(`tickets: ${Math.min(N, lo + CHUNK - 1).toLocaleString('en-US')} / ${N.toLocaleString('en-US')} (${((performance.now() - tGen) / 1000).toFixed(0)} s)`);
    }
    for (const i of indexes) await exec(d, i.indexdef);
    const genMs = performance.now() - tGen;
    log(`${indexes.length} indexes of tickets rebuilt; ${(genMs / 1000).toFixed(0)} s in all`);

    // The SQL rules must be contribution()'s: compare on a sample of rows.
    const sample = await exec(d, `SELECT id, status, created_at, region_path, category_code, tier, assignee_path, assignee_dept, accepted_at, responded_at, respond_due_at, respond_overdue, resolve_overdue, rating, ${CONTRIBUTION_SQL}
      FROM tickets WHERE id % 97 = 0 LIMIT 5000`);
    const toDate = (v) => (v == null ? null : v instanceof Date ? v : new Date(v));
    let checked = 0;
    for (const row of sample) {
      const js = contribution({
        status: row.status,
        createdAt: toDate(row.created_at),
        regionPath: row.region_path,
        categoryCode: row.category_code,
        tier: row.tier,
        assigneePath: row.assignee_path,
        assigneeDept: row.assignee_dept,
        acceptedAt: toDate(row.accepted_at),
        respondedAt: toDate(row.responded_at),
        respondDueAt: toDate(row.respond_due_at),
        respondOverdue: row.respond_overdue,
        resolveOverdue: row.resolve_overdue,
        rating: row.rating,
      });
      if (!js) {
        if (row.status !== 'merged') throw new Error(`contribution() is null for ticket ${row.id} (${row.status})`);
        continue;
      }
      const sqlKey = `${row.month}|${row.region_path}|${row.category_top}|${row.unit_key}`;
      const jsKey = `${js.month}|${js.regionPath}|${js.categoryTop}|${js.unitKey}`;
      const mismatch = COUNTERS.find((c, i) => row[DELTA_COLUMNS[i]] !== js.counts[c]);
      if (sqlKey !== jsKey || mismatch) throw new Error(`SQL contribution differs from contribution() for ticket ${row.id}: ${sqlKey} vs ${jsKey}${mismatch ? `, ${mismatch}` : ''}`);
      checked++;
    }
    log(`SQL contribution rules agree with contribution() on ${checked} sampled tickets`);

    // ---- counters, the product's way: deltas (additive, so grouped), then foldAll ---------------
    const tDeltas = performance.now();
    await exec(d, `INSERT INTO ticket_stat_deltas (month, region_path, category_top, unit_key, ${DELTA_COLUMNS.join(', ')})
      SELECT month::date, region_path, category_top, unit_key, ${DELTA_COLUMNS.map((c) => `sum(${c})::int`).join(', ')}
      FROM (SELECT ${CONTRIBUTION_SQL} FROM tickets WHERE status <> 'merged') t GROUP BY 1, 2, 3, 4`);
    const [{ n: deltaRows }] = await exec(d, 'SELECT count(*)::int AS n FROM ticket_stat_deltas');
    const deltasMs = performance.now() - tDeltas;
    log(`${deltaRows.toLocaleString('en-US')} delta rows in ${(deltasMs / 1000).toFixed(1)} s; folding (foldAll) …`);
    const tFold = performance.now();
    await foldAll(d);
    const foldMs = performance.now() - tFold;
    // Handling units' display names, as dispatching records them (ticket_units).
    await exec(d, `INSERT INTO ticket_units (unit_key, name, region_path)
      SELECT DISTINCT ON (unit_key) unit_key, CASE WHEN unit_key LIKE 'dept:%' THEN split_part(substr(unit_key, 6), '@', 1) ELSE coalesce(r.name, unit_key) END, left(s.region_path, 6)
      FROM ticket_stats s LEFT JOIN regions r ON r.path = split_part(s.unit_key, ':', 2) WHERE s.level = 'grid' AND unit_key <> 'none' ON CONFLICT DO NOTHING`);
    const [{ n: statRows }] = await exec(d, 'SELECT count(*)::int AS n FROM ticket_stats');
    log(`folded into ${statRows.toLocaleString('en-US')} ticket_stats rows in ${(foldMs / 1000).toFixed(1)} s`);

    // ---- a few hundred through the product: created (and half accepted + dispatched) in 2025 ---
    const admin = actorFromUser(await authRepo.findByUsername(d, 'admin'));
    const resident = actorFromUser(await authRepo.findByUsername(d, 'resident01'));
    const grids = (await exec(d, `SELECT code FROM regions WHERE level = 'grid' ORDER BY code`)).map((r) => r.code);
    const cats = (await exec(d, 'SELECT code FROM bench_cats ORDER BY i')).map((r) => r.code);
    const tProduct = performance.now();
    for (let i = 0; i < PRODUCT_TICKETS; i++) {
      clock = new Date(Date.UTC(2025, i % 12, 10 + (i % 15), 2, i % 60));
      const t = await services.tickets.create(resident, { categoryCode: cats[(i * 7) % cats.length], description: '经产品代码上报', regionCode: grids[(i * 37) % grids.length] }, SYSTEM_CONTEXT);
      if (i % 2 === 0) await services.tickets.act(admin, t.id, 'accept', { dispatch: true }, SYSTEM_CONTEXT);
    }
    const [{ n: pending }] = await exec(d, 'SELECT count(*)::int AS n FROM ticket_stat_deltas');
    log(`${PRODUCT_TICKETS} tickets through TicketService.create (+ accept/dispatch for half) in ${((performance.now() - tProduct) / 1000).toFixed(1)} s; ${pending} deltas pending (not folded)`);
    await exec(d, 'VACUUM ANALYZE tickets');
    await exec(d, 'VACUUM ANALYZE ticket_stats');
    await exec(d, 'VACUUM ANALYZE ticket_stat_deltas');
    clock = new Date('2026-01-15T02:00:00Z');

    // ---- verify, then time ------------------------------------------------------------------------
    const city = (await exec(d, `SELECT code FROM regions WHERE level = 'city'`))[0].code;
    const district = (await exec(d, `SELECT code FROM regions WHERE level = 'district' ORDER BY code LIMIT 1`))[0].code;
    const childLenOf = { city: 6, district: 9, street: 12, community: 15, grid: null };
    const cases = [];
    for (const region of [city, district]) for (const by of ['region', 'unit', 'category']) cases.push({ region, by, name: `${parseRegionCode(region).level}.${by}` });

    const report = (c) => services.ticketMetrics.report(admin, { region: c.region, from: FROM, to: TO, by: c.by });
    const naive = (c) => {
      const p = parseRegionCode(c.region);
      return naiveCounts(d, p.path, FROM, TO, c.by, childLenOf[p.level]);
    };
    for (const c of cases) {
      const m = await report(c);
      const n = await naive(c);
      const got = Object.fromEntries(m.rows.map((r) => [r.key, r.counts]));
      const want = Object.fromEntries(n.map((r) => [r.key, r]));
      const bad = diffCounts(got, want);
      const totals = Object.fromEntries(COUNTERS.map((k) => [k, n.reduce((s, r) => s + Number(r[k]), 0)]));
      if (COUNTERS.some((k) => totals[k] !== m.totals.counts[k])) bad.push(`totals: report ${JSON.stringify(m.totals.counts)} naive ${JSON.stringify(totals)}`);
      if (bad.length) throw new Error(`metrics ${c.name}: report and naive GROUP BY disagree on ${bad.length} row(s), e.g.\n  ${bad.slice(0, 3).join('\n  ')}`);
      c.rows = m.rows.length;
      c.received = m.totals.counts.received;
    }
    log(`report == naive GROUP BY for all ${cases.length} cases (rows and totals, ${COUNTERS.length} counters each)`);

    const metrics = [];
    const notes = [];
    for (const c of cases) {
      const fast = await timeIt(() => report(c), quick ? { minIter: 15, maxIter: 15 } : { minIter: 30, minMs: 3000, maxIter: 1000, maxMs: 30_000 });
      const slow = await timeIt(() => naive(c), { minIter: quick ? 3 : 5, maxIter: quick ? 3 : 5 });
      const f50 = percentile(fast, 50);
      const f99 = percentile(fast, 99);
      const s50 = percentile(slow, 50);
      const s99 = percentile(slow, 99);
      log(`${c.name}: report p50 ${f50.toFixed(1)} p99 ${f99.toFixed(1)} ms (${fast.length}×) | naive p50 ${s50.toFixed(0)} p99 ${s99.toFixed(0)} ms (${slow.length}×) | ${(s50 / f50).toFixed(0)}×`);
      const pgT = db === 'postgres';
      metrics.push(
        { metric: `metrics.${c.name}.p50`, value: f50, unit: 'ms', baseline: s50, ...(pgT ? { target: '< 100' } : {}) },
        { metric: `metrics.${c.name}.p99`, value: f99, unit: 'ms', baseline: s99, ...(pgT ? { target: '< 100' } : {}) },
        { metric: `metrics.${c.name}.speedup`, value: s50 / f50, unit: '× naive', ...(pgT ? { target: '>= 50' } : {}) },
      );
      notes.push(`${c.name}: ${c.rows} rows, ${c.received.toLocaleString('en-US')} tickets received in ${FROM}…${TO}; report ${fast.length} calls (min ${fast[0].toFixed(1)}, max ${fast.at(-1).toFixed(1)} ms), naive ${slow.length} calls (min ${slow[0].toFixed(0)}, max ${slow.at(-1).toFixed(0)} ms)`);
    }
    const [{ n: total }] = await exec(d, 'SELECT count(*)::int AS n FROM tickets');
    metrics.push(
      { metric: 'build.tickets', value: total, unit: 'tickets' },
      { metric: 'build.generate', value: genMs / 1000, unit: 's' },
      { metric: 'build.deltas', value: deltasMs / 1000, unit: 's' },
      { metric: 'build.fold', value: foldMs / 1000, unit: 's' },
    );
    notes.unshift(
      `${total.toLocaleString('en-US')} tickets (${N.toLocaleString('en-US')} generated by SQL over ${shape.grids} grids + ${shape.microgrids} micro-grids, ${shape.categories} categories, 2025-01…2026-01; ${PRODUCT_TICKETS} through TicketService); ${deltaRows.toLocaleString('en-US')} delta rows folded by foldAll into ${statRows.toLocaleString('en-US')} ticket_stats rows, ${pending} deltas left pending; queried ${FROM}…${TO}`,
      'report = TicketMetrics.report (the GET /api/tickets/metrics handler, in-process, names included); naive = naiveCounts, GROUP BY over tickets; both checked equal before timing; p50/p99 over the calls shown (with 5 naive calls p99 is the slowest)',
    );
    if (N < 1_000_000) notes.push(`run with ${N.toLocaleString('en-US')} generated tickets${quick ? ' (--quick)' : ' (BENCH_TICKETS)'}, not the 1,000,000 of the target`);
    return { metrics, notes };
  } finally {
    if (database) await database.close();
    // BENCH_KEEP=1 leaves the database for inspection (EXPLAIN …); drop it yourself afterwards.
    if (process.env.BENCH_KEEP === '1') log(`kept the database: ${fresh.url ?? fresh.dir}`);
    else await fresh.drop();
  }
}
