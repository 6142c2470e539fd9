import { bigint, boolean, doublePrecision, index, integer, pgTable, serial, text, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core';

/**
 * Keys issued by administrators to external systems (a district's app, a partner's Open311
 * client). Only the SHA-256 of a key is kept; the key itself is shown once, when it is created.
 * A key may file requests only for places inside its region.
 */
export const open311ApiKeys = pgTable(
  'open311_api_keys',
  {
    id: serial('id').primaryKey(),
    /** The external system the key was issued to, e.g. 海勃湾区便民服务 App. */
    name: varchar('name', { length: 64 }).notNull(),
    /** Hex SHA-256 of the key. */
    keyHash: varchar('key_hash', { length: 64 }).notNull(),
    /** The key's first characters, so an administrator can tell keys apart (not a secret). */
    keyPrefix: varchar('key_prefix', { length: 16 }).notNull(),
    /** Region the key may report in (materialised path). */
    regionPath: varchar('region_path', { length: 18 }).notNull(),
    active: boolean('active').notNull().default(true),
    createdBy: integer('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('open311_api_keys_hash_idx').on(t.keyHash), index('open311_api_keys_region_idx').on(t.regionPath.op('text_pattern_ops'))],
);

/**
 * One row per ticket that came in through Open311: what the GeoReport API answers about it.
 * Written in the ticket's own transactions (the open311 module listens to ticket changes), so
 * the public view never lags the ticket. No personal data: the reporter's name and phone stay
 * on the ticket, encrypted or masked.
 */
export const open311Requests = pgTable(
  'open311_requests',
  {
    ticketId: bigint('ticket_id', { mode: 'number' }).primaryKey(),
    /** The ticket number (GW20261122-000123): the Open311 service_request_id. */
    serviceRequestId: varchar('service_request_id', { length: 32 }).notNull(),
    /** Random token handed out on submission (GET tokens/{token}); also the ticket's external id. */
    token: varchar('token', { length: 64 }).notNull(),
    apiKeyId: integer('api_key_id').notNull(),
    serviceCode: varchar('service_code', { length: 12 }).notNull(),
    description: text('description').notNull(),
    /** The ticket's own status (reported … closed); mapped to open/closed when answered. */
    status: varchar('status', { length: 16 }).notNull(),
    /** The note of the last public step (refusal reason, what was done); null: the status label is shown. */
    statusNotes: text('status_notes'),
    /** The handling unit's name (the ticket's assignee). */
    agencyResponsible: varchar('agency_responsible', { length: 96 }),
    address: varchar('address', { length: 256 }),
    /** Building id (the GeoReport address_id). */
    addressId: integer('address_id'),
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    regionPath: varchar('region_path', { length: 18 }).notNull(),
    mediaUrl: varchar('media_url', { length: 2048 }),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    expectedAt: timestamp('expected_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('open311_requests_sr_idx').on(t.serviceRequestId),
    uniqueIndex('open311_requests_token_idx').on(t.token),
    index('open311_requests_time_idx').on(t.requestedAt),
    index('open311_requests_region_idx').on(t.regionPath.op('text_pattern_ops'), t.requestedAt),
  ],
);
