import { and, desc, eq, getTableColumns, gte, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
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

const INTAKE_TICKET = new JsonInsert(tickets, Object.keys(getTableColumns(tickets)) as (keyof TicketInsert & string)[]);
const INTAKE_EVENTS = new JsonInsert(ticketEvents, ['ticketId', 'at', 'actorUserId', 'actorName', 'action', 'fromStatus', 'toStatus', 'note', 'data']);
const INTAKE_NOTICES = new JsonInsert(ticketNotices, ['ticketId', 'recipient', 'kind', 'message', 'createdAt']);
const INTAKE_DELTAS = new JsonInsert(ticketStatDeltas, ['month', 'regionPath', 'categoryTop', 'unitKey', ...STAT_COUNTERS]);
const INTAKE_UNIT = new JsonInsert(ticketUnits, ['unitKey', 'name', 'regionPath']);
const INTAKE = new Statement<{ id: number | string; no: string; title: string; status: string; lng: number | null; lat: number | null; created_at: string }>(
  'ticket_intake_v1',
  `WITH t AS (${INTAKE_TICKET.sql(1)}), e AS (${INTAKE_EVENTS.sql(2)}), n AS (${INTAKE_NOTICES.sql(3)}), d AS (${INTAKE_DELTAS.sql(4)}),
  u AS (${INTAKE_UNIT.sql(5, 'ON CONFLICT DO NOTHING')}), a AS (${AUDIT_JSON_INSERT.sql(6)})
SELECT id, no, title, status, lng, lat, created_at FROM tickets
WHERE category_code = $7 AND created_at >= $8::timestamptz AND status NOT IN ('refused', 'merged')
  AND lat BETWEEN $9::float8 AND $10::float8 AND lng BETWEEN $11::float8 AND $12::float8
ORDER BY id DESC LIMIT ${NEAR_LIMIT}`,
);

/** SQL for tickets, their timelines and notices; nothing else touches these tables. */
export const ticketRepo = {
  async nextIds(db: DbOrTx, n: number): Promise<number[]> {
    const r = await rows<{ id: string }>(db, sql`SELECT nextval(pg_get_serial_sequence('tickets', 'id'))::text AS id FROM generate_series(1, ${n})`);
    return r.map((x) => Number(x.id)).sort((a, b) => a - b);
  },

  /**
   * A new ticket with everything that goes with it (timeline, notices, metric deltas, the unit's
   * name, the audit entry) as one fixed statement of data-modifying CTEs: one round trip, atomic
   * without an explicit transaction, prepared once per connection. It also answers the duplicate
   * check: the final SELECT reads the snapshot from before the insert, so the new ticket is not
   * among the open tickets of its category near the point (none when `near` is null).
   */
  async insertWithTrail(
    db: DbOrTx,
    w: { ticket: TicketInsert; events: EventInsert[]; notices: NoticeInsert[]; deltas: DeltaRow[]; unit: { unitKey: string; name: string; regionPath: string } | null; audit: AuditRowInput },
    near: NearQuery | null,
  ): Promise<NearRow[]> {
    const found = await INTAKE.run(db, [
      INTAKE_TICKET.param([w.ticket]),
      INTAKE_EVENTS.param(w.events),
      INTAKE_NOTICES.param(w.notices),
      INTAKE_DELTAS.param(w.deltas),
      INTAKE_UNIT.param(w.unit ? [w.unit] : []),
      AUDIT_JSON_INSERT.param([w.audit]),
      near?.categoryCode ?? null,
      near?.since.toISOString() ?? null,
      near?.box.s ?? null,
      near?.box.n ?? null,
      near?.box.w ?? null,
      near?.box.e ?? null,
    ]);
    return found.map((r) => ({ id: Number(r.id), no: r.no, title: r.title, status: r.status, lng: r.lng, lat: r.lat, createdAt: new Date(r.created_at) }));
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
  async near(db: DbOrTx, { categoryCode, since, box }: NearQuery): Promise<NearRow[]> {
    return db
      .select({ id: tickets.id, no: tickets.no, title: tickets.title, status: tickets.status, lng: tickets.lng, lat: tickets.lat, createdAt: tickets.createdAt })
      .from(tickets)
      .where(
        and(
          eq(tickets.categoryCode, categoryCode),
          gte(tickets.createdAt, since),
          sql`${tickets.status} NOT IN ('refused', 'merged')`,
          sql`${tickets.lat} BETWEEN ${box.s} AND ${box.n}`,
          sql`${tickets.lng} BETWEEN ${box.w} AND ${box.e}`,
        ),
      )
      .orderBy(desc(tickets.id))
      .limit(NEAR_LIMIT);
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
