import { pgTable, bigint, integer, varchar, text, timestamp, index, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * What the 12345 hotline pulls back (GET /api/hotline/results): one row per hotline ticket with
 * its current handling state, rewritten inside the transaction of every change of the ticket
 * (a TicketEventSink), so `changed_at` orders exactly the changes the hotline has not seen yet.
 */
export const hotlineResults = pgTable(
  'hotline_results',
  {
    ticketId: bigint('ticket_id', { mode: 'number' }).primaryKey(),
    /** The hotline's own ticket number (工单编号). */
    hotlineNo: varchar('hotline_no', { length: 64 }).notNull(),
    /** Gridwork's ticket number (GW…). */
    ticketNo: varchar('ticket_no', { length: 32 }).notNull(),
    regionPath: varchar('region_path', { length: 18 }).notNull(),
    status: varchar('status', { length: 16 }).notNull(),
    /** The handling unit's name (承办单位). */
    unitName: varchar('unit_name', { length: 96 }),
    /** The reply (答复内容): the latest handling note, or the reason for refusing. */
    reply: text('reply'),
    rating: varchar('rating', { length: 12 }),
    ratingNote: varchar('rating_note', { length: 500 }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    resolveDueAt: timestamp('resolve_due_at', { withTimezone: true }),
    version: integer('version').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('hotline_results_no_idx').on(t.hotlineNo), index('hotline_results_changed_idx').on(t.changedAt, t.ticketId)],
);
