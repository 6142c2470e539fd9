import { and, desc, eq, getTableColumns, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { rows, type DbOrTx } from '../../platform/db/client.js';
import { JsonInsert, Statement } from '../../platform/db/statements.js';
import { AUDIT_JSON_INSERT, type auditRow } from '../../platform/audit/index.js';
import { STAT_COUNTERS, ticketEvents, ticketNotices, tickets, ticketStatDeltas, ticketUnits } from './schema.js';
import type { DeltaRow } from './statsLedger.js';

export type TicketRow = typeof tickets.$inferSelect;
export type TicketInsert = typeof tickets.$inferInsert;
export type EventRow = typeof ticketEvents.$inferSelect;
export type EventInsert = typeof ticketEvents.$inferInsert;
export type NoticeInsert = typeof ticketNotices.$inferInsert;
export type NoticeRow = typeof ticketNotices.$inferSelect;

export interface NearQuery {
  categoryCode: string;
  since: Date;
  box: { w: number; e: number; s: number; n: number };
}
export type NearRow = Pick<TicketRow, 'id' | 'no' | 'title' | 'status' | 'lng' | 'lat' | 'createdAt'>;
type AuditRowInput = ReturnType<typeof auditRow>;
const NEAR_LIMIT = 20;
const NEAR_CANDIDATES = 200;

const INTAKE_TICKET = new JsonInsert(tickets, Object.keys(getTableColumns(tickets)) as (keyof TicketInsert & string)[]);
const INTAKE_EVENTS = new JsonInsert(ticketEvents, ['ticketId', 'at', 'actorUserId', 'actorName', 'action', 'fromStatus', 'toStatus', 'note', 'data']);
const INTAKE_NOTICES = new JsonInsert(ticketNotices, ['ticketId', 'recipient', 'kind', 'message', 'createdAt']);
const INTAKE_DELTAS = new JsonInsert(ticketStatDeltas, ['month', 'regionPath', 'categoryTop', 'unitKey', ...STAT_COUNTERS]);
const INTAKE_UNIT = new JsonInsert(ticketUnits, ['unitKey', 'name', 'regionPath']);
type NearRaw = { i: number; id: number | string; no: string; title: string; status: string; lng: number | null; lat: number | null; created_at: string };

/**
 * Open tickets of a category reported near each point lately (the caller measures the distance),
 * for a jsonb array of look-ups [{i, category, since, s, n, w, e}]; rows carry the look-up's `i`.
 * At a busy spot (thousands of reports of one kind in the window) reading every one to pick the
 * newest cost ≈ 9 ms a ticket, growing with each report; the hints are drawn from the first
 * NEAR_CANDIDATES the index yields instead, so the cost stays flat.
 */
const nearSql = (p: number) => `SELECT q.i, c.id, c.no, c.title, c.status, c.lng, c.lat, c.created_at
FROM jsonb_to_recordset($${p}::jsonb) AS q(i int, category text, since timestamptz, s float8, n float8, w float8, e float8)
CROSS JOIN LATERAL (
  SELECT * FROM (
    SELECT id, no, title, status, lng, lat, created_at FROM tickets
    WHERE category_code = q.category AND lat BETWEEN q.s AND q.n AND lng BETWEEN q.w AND q.e
      AND created_at >= q.since AND status NOT IN ('refused', 'merged')
    LIMIT ${NEAR_CANDIDATES}) c0
  ORDER BY id DESC LIMIT ${NEAR_LIMIT}) c`;

const nearParam = (qs: (NearQuery | null)[]) =>
  JSON.stringify(qs.flatMap((q, i) => (q ? [{ i, category: q.categoryCode, since: q.since, s: q.box.s, n: q.box.n, w: q.box.w, e: q.box.e }] : [])));
const nearRow = (r: NearRaw): NearRow => ({ id: Number(r.id), no: r.no, title: r.title, status: r.status, lng: r.lng, lat: r.lat, createdAt: new Date(r.created_at) });

const NEAR = new Statement<NearRaw>('ticket_near_v4', nearSql(1));
const INTAKE = new Statement<NearRaw>(
  'ticket_intake_v4',
  `WITH t AS (${INTAKE_TICKET.sql(1)}), e AS (${INTAKE_EVENTS.sql(2)}), n AS (${INTAKE_NOTICES.sql(3)}), d AS (${INTAKE_DELTAS.sql(4)}),
  u AS (${INTAKE_UNIT.sql(5, 'ON CONFLICT DO NOTHING')}), a AS (${AUDIT_JSON_INSERT.sql(6)})
${nearSql(7)}`,
);

/** A new ticket with everything written with it. */
export interface IntakeWrite {
  ticket: TicketInsert;
  events: EventInsert[];
  notices: NoticeInsert[];
  deltas: DeltaRow[];
  unit: { unitKey: string; name: string; regionPath: string } | null;
  audit: AuditRowInput;
  /** Where to look for probable duplicates; null = nowhere (no point). */
  near: NearQuery | null;
}

/** SQL for tickets, their timelines and notices; nothing else touches these tables. */
export const ticketRepo = {
  async nextIds(db: DbOrTx, n: number): Promise<number[]> {
    const r = await rows<{ id: string }>(db, sql`SELECT nextval(pg_get_serial_sequence('tickets', 'id'))::text AS id FROM generate_series(1, ${n})`);
    return r.map((x) => Number(x.id)).sort((a, b) => a - b);
  },

  /**
   * New tickets with everything that goes with each (timeline, notices, metric deltas, the unit's
   * name, the audit entry) as one fixed statement of data-modifying CTEs, whatever their number:
   * one round trip, atomic without an explicit transaction, prepared once per connection. It also
   * answers each ticket's duplicate check: the final SELECT reads the snapshot from before the
   * insert, so none of these tickets is among the open tickets near another (the caller adds
   * earlier ones of the same batch). Returns the rows found for each ticket, in order.
   */
  async insertWithTrail(db: DbOrTx, ws: IntakeWrite[]): Promise<NearRow[][]> {
    const units = new Map(ws.flatMap((w) => (w.unit ? [[w.unit.unitKey, w.unit] as const] : [])));
    const found = await INTAKE.run(db, [
      INTAKE_TICKET.param(ws.map((w) => w.ticket)),
      INTAKE_EVENTS.param(ws.flatMap((w) => w.events)),
      INTAKE_NOTICES.param(ws.flatMap((w) => w.notices)),
      INTAKE_DELTAS.param(ws.flatMap((w) => w.deltas)),
      INTAKE_UNIT.param([...units.values()]),
      AUDIT_JSON_INSERT.param(ws.map((w) => w.audit)),
      nearParam(ws.map((w) => w.near)),
    ]);
    const out = ws.map((): NearRow[] => []);
    for (const r of found) out[r.i]!.push(nearRow(r));
    return out;
  },

  async get(db: DbOrTx, id: number): Promise<TicketRow | undefined> {
    const [row] = await db.select().from(tickets).where(eq(tickets.id, id));
    return row;
  },

  async lock(db: DbOrTx, id: number): Promise<TicketRow | undefined> {
    const [row] = await db.select().from(tickets).where(eq(tickets.id, id)).for('update');
    return row;
  },

  async byExternal(db: DbOrTx, channel: string, externalId: string): Promise<TicketRow | undefined> {
    const [row] = await db.select().from(tickets).where(and(eq(tickets.channel, channel), eq(tickets.externalId, externalId)));
    return row;
  },

  async update(db: DbOrTx, id: number, patch: Partial<TicketRow>): Promise<TicketRow> {
    const [row] = await db.update(tickets).set(patch).where(eq(tickets.id, id)).returning();
    return row!;
  },

  async list(db: DbOrTx, where: SQL, cursor: number | undefined, limit: number): Promise<TicketRow[]> {
    return db
      .select()
      .from(tickets)
      .where(cursor ? and(where, lt(tickets.id, cursor)) : where)
      .orderBy(desc(tickets.id))
      .limit(limit);
  },

  async count(db: DbOrTx, where: SQL): Promise<number> {
    const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(tickets).where(where);
    return Number(r?.n ?? 0);
  },

  /** Open tickets of a category reported near a point lately (bounding box; the caller measures). */
  async near(db: DbOrTx, q: NearQuery): Promise<NearRow[]> {
    return (await NEAR.run(db, [nearParam([q])])).map(nearRow);
  },

  async insertEvents(db: DbOrTx, evs: EventInsert[]): Promise<void> {
    if (evs.length) await db.insert(ticketEvents).values(evs);
  },

  async events(db: DbOrTx, ticketId: number): Promise<EventRow[]> {
    return db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId)).orderBy(ticketEvents.id);
  },

  async insertNotices(db: DbOrTx, ns: NoticeInsert[]): Promise<void> {
    if (ns.length) await db.insert(ticketNotices).values(ns);
  },

  async notices(db: DbOrTx, recipients: SQL, limit: number): Promise<(NoticeRow & { no: string; title: string })[]> {
    return db
      .select({
        id: ticketNotices.id,
        ticketId: ticketNotices.ticketId,
        recipient: ticketNotices.recipient,
        kind: ticketNotices.kind,
        message: ticketNotices.message,
        createdAt: ticketNotices.createdAt,
        readAt: ticketNotices.readAt,
        no: tickets.no,
        title: tickets.title,
      })
      .from(ticketNotices)
      .innerJoin(tickets, eq(tickets.id, ticketNotices.ticketId))
      .where(recipients)
      .orderBy(desc(ticketNotices.id))
      .limit(limit);
  },

  async unread(db: DbOrTx, recipients: SQL): Promise<number> {
    const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(ticketNotices).where(and(recipients, isNull(ticketNotices.readAt)));
    return Number(r?.n ?? 0);
  },

  async markRead(db: DbOrTx, recipients: SQL, ids: number[], at: Date): Promise<number> {
    const r = await db
      .update(ticketNotices)
      .set({ readAt: at })
      .where(and(recipients, inArray(ticketNotices.id, ids), isNull(ticketNotices.readAt)))
      .returning({ id: ticketNotices.id });
    return r.length;
  },

  async upsertUnit(db: DbOrTx, unitKey: string, name: string, regionPath: string): Promise<void> {
    await db.insert(ticketUnits).values({ unitKey, name, regionPath }).onConflictDoNothing();
  },

  /** Tickets whose timer is due, locked for this process only (others skip them). */
  /** Which tickets have a timer due (no lock: the sweep prepares names before locking them). */
  /** Which of these upload ids a ticket shows: as the report's photos, or in its timeline (handling photos, each time handled). */
  async photosInUse(db: DbOrTx, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const found = await rows<{ id: string }>(
      db,
      sql`SELECT p AS id FROM ${tickets}, unnest(${tickets.photos} || ${tickets.handlePhotos}) AS p
          WHERE (${tickets.photos} || ${tickets.handlePhotos}) && ${sql.param(ids)}::text[] AND p = ANY(${sql.param(ids)}::text[])
          UNION
          SELECT p FROM ${ticketEvents}, jsonb_array_elements_text(${ticketEvents.data} -> 'photos') AS p
          WHERE jsonb_typeof(${ticketEvents.data} -> 'photos') = 'array' AND ${ticketEvents.data} -> 'photos' ?| ${sql.param(ids)}::text[] AND p = ANY(${sql.param(ids)}::text[])`,
    );
    return new Set(found.map((r) => r.id));
  },

  async dueTimers(db: DbOrTx, now: Date, limit: number): Promise<Pick<TicketRow, 'id' | 'regionPath' | 'categoryCode'>[]> {
    return db
      .select({ id: tickets.id, regionPath: tickets.regionPath, categoryCode: tickets.categoryCode })
      .from(tickets)
      .where(sql`${tickets.timerAt} IS NOT NULL AND ${tickets.timerAt} <= ${now.toISOString()}`)
      .orderBy(tickets.timerAt)
      .limit(limit);
  },

  /** The inbox's counts: matters waiting in the area (`inArea`) and on the caller's desk (`mine`). */
  async inboxCounts(db: DbOrTx, w: { inArea: SQL; mine: SQL; now: string; soon: string }) {
    const { inArea, mine, now, soon } = w;
    const [r] = await db
      .select({
        toAccept: sql<number>`count(*) FILTER (WHERE ${tickets.status} = 'reported' AND ${inArea})::int`,
        toDispatch: sql<number>`count(*) FILTER (WHERE ${tickets.status} = 'accepted' AND ${inArea})::int`,
        toVerify: sql<number>`count(*) FILTER (WHERE ${tickets.status} = 'handled' AND ${inArea})::int`,
        newTasks: sql<number>`count(*) FILTER (WHERE ${tickets.status} = 'dispatched' AND ${mine})::int`,
        inProgress: sql<number>`count(*) FILTER (WHERE ${tickets.status} = 'in_progress' AND ${mine})::int`,
        overdue: sql<number>`count(*) FILTER (WHERE ${tickets.status} IN ('dispatched','in_progress') AND ${mine} AND (${tickets.resolveOverdue} OR ${tickets.respondOverdue} OR ${tickets.resolveDueAt} <= ${now}))::int`,
        dueSoon: sql<number>`count(*) FILTER (WHERE ${tickets.status} IN ('dispatched','in_progress') AND ${mine} AND ${tickets.pausedAt} IS NULL AND NOT (${tickets.resolveOverdue} OR ${tickets.respondOverdue}) AND ${tickets.resolveDueAt} > ${now} AND ${tickets.resolveDueAt} <= ${soon})::int`,
      })
      .from(tickets)
      .where(or(inArea, mine));
    return r!;
  },

  async lockDueTimers(db: DbOrTx, now: Date, limit: number): Promise<TicketRow[]> {
    return db
      .select()
      .from(tickets)
      .where(sql`${tickets.timerAt} IS NOT NULL AND ${tickets.timerAt} <= ${now.toISOString()}`)
      .orderBy(tickets.timerAt)
      .limit(limit)
      .for('update', { skipLocked: true });
  },
};
