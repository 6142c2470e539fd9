import { pgTable, integer, varchar, text, timestamp, index, primaryKey } from 'drizzle-orm/pg-core';

/**
 * Idempotency keys (`Idempotency-Key` header) of creating requests: the first successful
 * response is kept for 24 hours per (user, method, path, key), with a hash of the request, so a
 * retry gets the same answer instead of creating the thing twice. See platform/http/idempotency.ts.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: integer('user_id').notNull(),
    method: varchar('method', { length: 8 }).notNull(),
    path: varchar('path', { length: 512 }).notNull(),
    key: varchar('key', { length: 255 }).notNull(),
    /** in_flight while the first request runs; done once its response is stored. */
    state: varchar('state', { length: 12 }).notNull(),
    /** Random id of the request holding the reservation, so only it completes or releases it. */
    token: varchar('token', { length: 36 }).notNull(),
    /** SHA-256 of the query string and body (multipart boundaries removed); null = not known. */
    requestHash: varchar('request_hash', { length: 64 }),
    responseStatus: integer('response_status'),
    responseType: varchar('response_type', { length: 128 }),
    /** The response body, encrypted with the personal-information key (it may hold personal data or a secret). */
    responseBody: text('response_body'),
    /** An in-flight reservation older than this is abandoned (the process died) and may be taken over. */
    leaseUntil: timestamp('lease_until', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.method, t.path, t.key] }), index('idempotency_keys_expires_idx').on(t.expiresAt)],
);
