import { sql } from 'drizzle-orm';
import { rows, type DbOrTx } from '../../platform/db/client.js';
import { chinaDate } from '../../platform/calendar/index.js';
import { STAT_COUNTERS, ticketStatDeltas, type StatCounter } from './schema.js';

/** The fields of a ticket its metric contribution depends on. */
export interface StatInput {
  status: string;
  createdAt: Date;
  regionPath: string;
  categoryCode: string;
  tier: string | null;
  assigneePath: string | null;
  assigneeDept: string | null;
  acceptedAt: Date | null;
  respondedAt: Date | null;
  respondDueAt: Date | null;
  respondOverdue: boolean;
  resolveOverdue: boolean;
  rating: string | null;
}

export interface Contribution {
  month: string;
  regionPath: string;
  categoryTop: string;
  unitKey: string;
  counts: Record<StatCounter, number>;
}

/**
 * What one ticket adds to the counters, filed under the month it was reported, its grid, its
 * top-level category and its current handling unit. A merged ticket adds nothing: its matter is
 * counted once, in the ticket it was merged into.
 */
export function contribution(t: StatInput): Contribution | null {
  if (t.status === 'merged') return null;
  const closed = t.status === 'closed';
  const c = Object.fromEntries(STAT_COUNTERS.map((k) => [k, 0])) as Record<StatCounter, number>;
  c.received = 1;
  c.accepted = t.acceptedAt && t.status !== 'refused' ? 1 : 0;
  c.responded = t.respondedAt ? 1 : 0;
  c.respondedOnTime = t.respondedAt && !t.respondOverdue && (!t.respondDueAt || t.respondedAt <= t.respondDueAt) ? 1 : 0;
  c.closed = closed ? 1 : 0;
  c.closedOnTime = closed && !t.resolveOverdue ? 1 : 0;
  c.resolved = closed && t.rating !== 'unsatisfied' ? 1 : 0;
  c.closedInGrid = closed && t.tier === 'grid' ? 1 : 0;
  c.closedInCommunity = closed && (t.tier === 'grid' || t.tier === 'community') ? 1 : 0;
  c.rated = t.rating ? 1 : 0;
  c.satisfied = t.rating === 'satisfied' ? 1 : 0;
  c.basic = t.rating === 'basic' ? 1 : 0;
  c.unsatisfied = t.rating === 'unsatisfied' ? 1 : 0;
  c.overdue = t.respondOverdue || t.resolveOverdue ? 1 : 0;
  return {
    month: `${chinaDate(t.createdAt).slice(0, 7)}-01`,
    regionPath: t.regionPath.slice(0, 15),
    categoryTop: t.categoryCode.slice(0, 2),
    unitKey: unitKeyOf(t),
    counts: c,
  };
}

export function unitKeyOf(t: Pick<StatInput, 'tier' | 'assigneePath' | 'assigneeDept'>): string {
  if (!t.tier || !t.assigneePath) return 'none';
  return t.tier === 'department' ? `dept:${t.assigneeDept}@${t.assigneePath}` : `${t.tier}:${t.assigneePath}`;
}

const sameKey = (a: Contribution, b: Contribution) => a.month === b.month && a.regionPath === b.regionPath && a.categoryTop === b.categoryTop && a.unitKey === b.unitKey;

/** The signed delta rows a change from `before` to `after` needs (none when nothing moved). */
export function deltas(before: StatInput | null, after: StatInput | null): Contribution[] {
  const a = before ? contribution(before) : null;
  const b = after ? contribution(after) : null;
  const neg = (x: Contribution): Contribution => ({ ...x, counts: Object.fromEntries(STAT_COUNTERS.map((k) => [k, -x.counts[k]])) as Record<StatCounter, number> });
  let out: Contribution[];
  if (a && b && sameKey(a, b)) out = [{ ...b, counts: Object.fromEntries(STAT_COUNTERS.map((k) => [k, b.counts[k] - a.counts[k]])) as Record<StatCounter, number> }];
  else out = [...(a ? [neg(a)] : []), ...(b ? [b] : [])];
  return out.filter((d) => STAT_COUNTERS.some((k) => d.counts[k] !== 0));
}

export type DeltaRow = typeof ticketStatDeltas.$inferInsert;

export function deltaRows(rows: Contribution[]): DeltaRow[] {
  return rows.map((r) => ({ month: r.month, regionPath: r.regionPath, categoryTop: r.categoryTop, unitKey: r.unitKey, ...r.counts }));
}

/** Append deltas (in the transition's transaction): an insert, never a hot-row update. */
export async function recordDeltas(tx: DbOrTx, rows: Contribution[]): Promise<void> {
  if (!rows.length) return;
  await tx.insert(ticketStatDeltas).values(deltaRows(rows));
}

const snake = (k: string) => k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
export const COUNTER_COLUMNS = STAT_COUNTERS.map(snake);

/** Region levels the stats are kept at, with the path length of each. */
export const STAT_LEVELS = [
  ['grid', 15],
  ['community', 12],
  ['street', 9],
  ['district', 6],
  ['city', 4],
] as const;
export const LEVELS_VALUES = sql.raw(`(VALUES ${STAT_LEVELS.map(([l, n]) => `('${l}', ${n})`).join(', ')}) AS lv(level, len)`);

/**
 * Each delta is filed twice at every level: by category (unit_key '*') and by handling unit
 * (category_top '*'). Crossing both would multiply a city's rows by every grid's unit and every
 * category; split, a city-wide reading sums hundreds of rows for totals and categories and one row
 * per unit and month for the unit ranking.
 */
export const STAT_KINDS = sql.raw(`(VALUES ('c'), ('u')) AS sk(kind)`);
export const KIND_CATEGORY = sql.raw(`CASE WHEN sk.kind = 'c' THEN d.category_top ELSE '*' END`);
export const KIND_UNIT = sql.raw(`CASE WHEN sk.kind = 'u' THEN d.unit_key ELSE '*' END`);

/**
 * Fold up to `limit` pending deltas into ticket_stats, expanded to every region level, in one
 * statement. SKIP LOCKED lets several processes fold side by side without waiting or double
 * counting: each delta row is deleted by exactly one of them, in the same statement that adds it.
 */
export async function foldDeltas(db: DbOrTx, limit = 20_000): Promise<number> {
  const cols = COUNTER_COLUMNS.map((c) => `"${c}"`).join(', ');
  const sums = COUNTER_COLUMNS.map((c) => `sum("${c}")::int`).join(', ');
  const sets = COUNTER_COLUMNS.map((c) => `"${c}" = ticket_stats."${c}" + excluded."${c}"`).join(', ');
  const r = await rows<{ n: number }>(db, sql`
    WITH d AS (
      DELETE FROM ticket_stat_deltas WHERE id IN (SELECT id FROM ticket_stat_deltas ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING month, region_path, category_top, unit_key, ${sql.raw(cols)}
    ), folded AS (
      INSERT INTO ticket_stats (month, level, region_path, category_top, unit_key, ${sql.raw(cols)})
      SELECT d.month, lv.level, left(d.region_path, lv.len), ${KIND_CATEGORY}, ${KIND_UNIT}, ${sql.raw(sums)}
      FROM d CROSS JOIN ${LEVELS_VALUES} CROSS JOIN ${STAT_KINDS}
      GROUP BY 1, 2, 3, 4, 5
      ON CONFLICT (month, level, region_path, category_top, unit_key) DO UPDATE SET ${sql.raw(sets)}
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM d)::int AS n, (SELECT count(*) FROM folded)::int AS m`);
  return Number(r[0]?.n ?? 0);
}

/** Fold until nothing is pending (tests, benchmarks, shutdown). */
export async function foldAll(db: DbOrTx): Promise<void> {
  while ((await foldDeltas(db)) > 0);
}
