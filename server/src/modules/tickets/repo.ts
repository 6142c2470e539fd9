import { and, desc, eq, gte, inArray, isNull, lt, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { rows, type DbOrTx } from '../../platform/db/client.js';
import { ticketEvents, ticketNotices, tickets, ticketStatDeltas, ticketUnits } from './schema.js';
import type { DeltaRow } from './statsLedger.js';

export type TicketRow = typeof tickets.$inferSelect;
export type TicketInsert = typeof tickets.$inferInsert;
export type EventRow = typeof ticketEvents.$inferSelect;
export type EventInsert = typeof ticketEvents.$inferInsert;
export type NoticeInsert = typeof ticketNotices.$inferInsert;
export type NoticeRow = typeof ticketNotices.$inferSelect;

/** SQL for tickets, their timelines and notices; nothing else touches these tables. */
export const ticketRepo = {
  async nextIds(db: DbOrTx, n: number): Promise<number[]> {
    const r = await rows<{ id: string }>(db, sql`SELECT nextval(pg_get_serial_sequence('tickets', 'id'))::text AS id FROM generate_series(1, ${n})`);
    return r.map((x) => Number(x.id)).sort((a, b) => a - b);
  },

  /**
   * A new ticket with everything that goes with it, as one statement of data-modifying CTEs:
   * one round trip, and atomic without an explicit transaction.
   */
  async insertWithTrail(
    db: DbOrTx,
    w: { ticket: TicketInsert; events: EventInsert[]; notices: NoticeInsert[]; deltas: DeltaRow[]; unit: { unitKey: string; name: string; regionPath: string } | null; audit: SQLWrapper },
  ): Promise<void> {
    const parts: SQL[] = [sql`t AS (${db.insert(tickets).values(w.ticket).getSQL()})`];
    if (w.events.length) parts.push(sql`e AS (${db.insert(ticketEvents).values(w.events).getSQL()})`);
    if (w.notices.length) parts.push(sql`n AS (${db.insert(ticketNotices).values(w.notices).getSQL()})`);
    if (w.deltas.length) parts.push(sql`d AS (${db.insert(ticketStatDeltas).values(w.deltas).getSQL()})`);
    if (w.unit) parts.push(sql`u AS (${db.insert(ticketUnits).values(w.unit).onConflictDoNothing().getSQL()})`);
    parts.push(sql`a AS (${w.audit.getSQL()})`);
    await db.execute(sql`WITH ${sql.join(parts, sql`, `)} SELECT 1`);
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
  async near(db: DbOrTx, categoryCode: string, since: Date, box: { w: number; e: number; s: number; n: number }, limit = 20) {
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
      .limit(limit);
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
