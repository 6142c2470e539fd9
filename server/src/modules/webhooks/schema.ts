import { sql } from 'drizzle-orm';
import { pgTable, serial, bigserial, bigint, integer, varchar, text, boolean, timestamp, index, uniqueIndex } from 'drizzle-orm/pg-core';

/** An endpoint an administrator registered to be told about ticket events in a region. */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: serial('id').primaryKey(),
    url: varchar('url', { length: 2048 }).notNull(),
    description: varchar('description', { length: 200 }),
    /** The signing secret, encrypted with the personal-information key; shown once when made. */
    secretEnc: text('secret_enc').notNull(),
    /** The secret's first characters, so a person can tell which one a receiver holds. */
    secretHint: varchar('secret_hint', { length: 16 }).notNull(),
    /** Event types sent: ticket.created, ticket.status_changed, ticket.closed, ticket.rated. */
    events: text('events').array().notNull(),
    /** Tickets in this region subtree (materialised path) are sent. */
    regionPath: varchar('region_path', { length: 18 }).notNull(),
    active: boolean('active').notNull().default(true),
    createdBy: integer('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('webhook_endpoints_region_idx').on(t.regionPath.op('text_pattern_ops'))],
);

/**
 * The outbox: one row per event and endpoint, written in the transaction of the ticket change
 * that caused it. The delivery loop claims due rows (FOR UPDATE SKIP LOCKED plus a lease), sends
 * them, and marks them delivered, due again later (exponential backoff) or failed.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    endpointId: integer('endpoint_id').notNull(),
    /** evt_… — the same for every endpoint told about one event; receivers dedupe by it. */
    eventId: varchar('event_id', { length: 40 }).notNull(),
    eventType: varchar('event_type', { length: 32 }).notNull(),
    ticketId: bigint('ticket_id', { mode: 'number' }),
    /** The exact JSON body sent (and signed) on every attempt. */
    body: text('body').notNull(),
    /** pending / delivered / failed */
    status: varchar('status', { length: 12 }).notNull().default('pending'),
    /** Attempts in the current round (a manual redelivery starts a new round). */
    attempts: integer('attempts').notNull().default(0),
    /** When the next attempt is due; while an attempt runs, the end of its lease. */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    lastStatusCode: integer('last_status_code'),
    lastError: varchar('last_error', { length: 500 }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_event_idx').on(t.endpointId, t.eventId),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.id),
  ],
);

/** Every attempt: when, the HTTP status or the error, and how long it took. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deliveryId: bigint('delivery_id', { mode: 'number' }).notNull(),
    attempt: integer('attempt').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    statusCode: integer('status_code'),
    error: varchar('error', { length: 500 }),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.id)],
);
