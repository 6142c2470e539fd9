import { sql } from 'drizzle-orm';
import { pgTable, bigserial, bigint, integer, varchar, text, boolean, doublePrecision, jsonb, timestamp, date, index, uniqueIndex, primaryKey } from 'drizzle-orm/pg-core';

/**
 * The category catalogue (问题分类): digital city management classes (GB/T 30428) and social
 * governance classes, as a code tree ("01" → "0101" → "010101"). Time limits live here: a
 * simple matter is resolved within 24 clock hours, a complex one answered within 3 working days.
 */
export const ticketCategories = pgTable(
  'ticket_categories',
  {
    code: varchar('code', { length: 12 }).primaryKey(),
    parentCode: varchar('parent_code', { length: 12 }),
    name: varchar('name', { length: 64 }).notNull(),
    nameEn: varchar('name_en', { length: 96 }),
    /** simple 简易 / complex 复杂 */
    complexity: varchar('complexity', { length: 8 }).notNull().default('simple'),
    /** Tier that handles it by default: grid / community / street / district. */
    defaultTier: varchar('default_tier', { length: 12 }).notNull().default('grid'),
    /** Department name when the default tier is department (e.g. 城市管理综合执法局). */
    defaultUnit: varchar('default_unit', { length: 64 }),
    /** Response limit (first action by the handling unit); null = none beyond the resolve limit. */
    respondValue: integer('respond_value'),
    /** hour (clock hours) / workday (ends 24:00 China time of the n-th working day) */
    respondUnit: varchar('respond_unit', { length: 8 }),
    resolveValue: integer('resolve_value').notNull(),
    resolveUnit: varchar('resolve_unit', { length: 8 }).notNull(),
    /** Extra questions for Open311 `metadata=true`: [{code, datatype, required, order, description, values}] */
    attributes: jsonb('attributes').notNull().default([]),
    sort: integer('sort').notNull().default(0),
    active: boolean('active').notNull().default(true),
  },
  (t) => [index('ticket_categories_parent_idx').on(t.parentCode)],
);

/**
 * The dispatch catalogue (派单目录): category (and its sub-categories) × region subtree → the
 * handling unit and tier. The most specific rule wins (longest category code, then longest
 * region path). With no rule, a category goes to its default tier in the ticket's own region.
 */
export const dispatchRules = pgTable(
  'dispatch_rules',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    categoryCode: varchar('category_code', { length: 12 }).notNull(),
    /** Region subtree the rule applies to (materialised path; the city's path for city-wide). */
    regionPath: varchar('region_path', { length: 18 }).notNull(),
    /** grid / community / street / district / department */
    tier: varchar('tier', { length: 12 }).notNull(),
    /** Department name when tier = department, e.g. 区城市管理综合执法局. */
    unitName: varchar('unit_name', { length: 64 }),
    /** Region the department answers for (its path); null = the ticket's district. */
    unitRegionPath: varchar('unit_region_path', { length: 18 }),
    /** Overrides of the category's resolve limit for this unit. */
    resolveValue: integer('resolve_value'),
    resolveUnit: varchar('resolve_unit', { length: 8 }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('dispatch_rules_key_idx').on(t.categoryCode, t.regionPath)],
);

/** A resident's problem and its whole life in the closed loop (工单). */
export const tickets = pgTable(
  'tickets',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Human-readable number: GW + China date + id, e.g. GW20261122-000123. */
    no: varchar('no', { length: 32 }).notNull(),
    channel: varchar('channel', { length: 16 }).notNull(),
    type: varchar('type', { length: 16 }).notNull(),
    categoryCode: varchar('category_code', { length: 12 }).notNull(),
    status: varchar('status', { length: 16 }).notNull(),
    priority: varchar('priority', { length: 8 }).notNull().default('normal'),
    title: varchar('title', { length: 128 }).notNull(),
    description: text('description').notNull(),
    lng: doublePrecision('lng'),
    lat: doublePrecision('lat'),
    address: varchar('address', { length: 256 }),
    buildingId: integer('building_id'),
    /** Grid (or finer) code the location falls in, and its path: the ticket's place for scope. */
    regionCode: varchar('region_code', { length: 18 }).notNull(),
    regionPath: varchar('region_path', { length: 18 }).notNull(),
    reporterUserId: integer('reporter_user_id'),
    reporterName: varchar('reporter_name', { length: 64 }),
    /** Encrypted phone (platform/pii) and its masked form. */
    reporterPhoneEnc: text('reporter_phone_enc'),
    reporterPhoneMasked: varchar('reporter_phone_masked', { length: 32 }),
    /** The reporter's identity is hidden from handlers. */
    anonymous: boolean('anonymous').notNull().default(false),
    personId: integer('person_id'),
    householdId: integer('household_id'),
    /** Where the ticket came from outside: 12345 ticket number, Open311 token, … (unique per channel). */
    externalId: varchar('external_id', { length: 64 }),
    /** Current handling tier and unit: grid / community / street / district / department. */
    tier: varchar('tier', { length: 12 }),
    assigneePath: varchar('assignee_path', { length: 18 }),
    assigneeDept: varchar('assignee_dept', { length: 64 }),
    assigneeName: varchar('assignee_name', { length: 96 }),
    /** Leader assigned to a hard case (提级包案). */
    leaderName: varchar('leader_name', { length: 64 }),
    respondDueAt: timestamp('respond_due_at', { withTimezone: true }),
    resolveDueAt: timestamp('resolve_due_at', { withTimezone: true }),
    /** The clock is paused while an extension request waits (延期). */
    pausedAt: timestamp('paused_at', { withTimezone: true }),
    extensionDays: integer('extension_days'),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
    respondedAt: timestamp('responded_at', { withTimezone: true }),
    handledAt: timestamp('handled_at', { withTimezone: true }),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** satisfied / basic / unsatisfied */
    rating: varchar('rating', { length: 12 }),
    ratingNote: varchar('rating_note', { length: 500 }),
    reopenCount: integer('reopen_count').notNull().default(0),
    supervisedCount: integer('supervised_count').notNull().default(0),
    escalations: integer('escalations').notNull().default(0),
    respondOverdue: boolean('respond_overdue').notNull().default(false),
    resolveOverdue: boolean('resolve_overdue').notNull().default(false),
    /** Warnings already sent, so each is sent once: respond_warn, resolve_warn. */
    warned: text('warned').array().notNull().default([]),
    /** The next moment a durable timer must act, and what it does then. */
    timerAt: timestamp('timer_at', { withTimezone: true }),
    timerKind: varchar('timer_kind', { length: 16 }),
    mergedIntoId: bigint('merged_into_id', { mode: 'number' }),
    photos: text('photos').array().notNull().default([]),
    handlePhotos: text('handle_photos').array().notNull().default([]),
    handleNote: text('handle_note'),
    refuseReason: varchar('refuse_reason', { length: 500 }),
    /** Optimistic concurrency: every transition bumps it. */
    version: integer('version').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('tickets_no_idx').on(t.no),
    uniqueIndex('tickets_external_idx').on(t.channel, t.externalId),
    index('tickets_region_idx').on(t.regionPath.op('text_pattern_ops'), t.id),
    index('tickets_assignee_idx').on(t.assigneePath, t.status),
    index('tickets_reporter_idx').on(t.reporterUserId, t.id),
    // "Probably the same matter", read at every intake: same category inside a small box and a
    // recent window. The time is in the key so a busy spot's history is skipped inside the index.
    index('tickets_near_time_idx').on(t.categoryCode, t.lat, t.lng, t.createdAt),
    index('tickets_timer_idx').on(t.timerAt).where(sql`timer_at IS NOT NULL`),
    index('tickets_status_idx').on(t.status, t.id),
  ],
);

/** Every transition, in order: the ticket's timeline (流转记录). */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: bigint('ticket_id', { mode: 'number' }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actorUserId: integer('actor_user_id'),
    actorName: varchar('actor_name', { length: 64 }),
    action: varchar('action', { length: 24 }).notNull(),
    fromStatus: varchar('from_status', { length: 16 }),
    toStatus: varchar('to_status', { length: 16 }),
    note: text('note'),
    data: jsonb('data'),
  },
  (t) => [index('ticket_events_ticket_idx').on(t.ticketId, t.id)],
);

/**
 * Notices for the inbox: a new dispatch, due soon, overdue, supervision, a return. Addressed to
 * a handling unit key ("grid:<path>", "dept:<name>@<path>", "user:<id>") so whoever staffs the
 * unit sees it.
 */
export const ticketNotices = pgTable(
  'ticket_notices',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: bigint('ticket_id', { mode: 'number' }).notNull(),
    recipient: varchar('recipient', { length: 96 }).notNull(),
    kind: varchar('kind', { length: 24 }).notNull(),
    message: varchar('message', { length: 500 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [index('ticket_notices_recipient_idx').on(t.recipient, t.id)],
);

/**
 * Metric counters per month, region node (every level from grid up to city), top-level category
 * and handling unit: a metrics request sums a few hundred rows instead of scanning tickets.
 * Transitions append signed deltas to ticket_stat_deltas (no hot-row locks at intake); a folder
 * moves them here in batches, and readers add the few deltas not folded yet, so numbers are exact.
 */
export const STAT_COUNTERS = [
  'received',
  'accepted',
  'responded',
  'respondedOnTime',
  'closed',
  'closedOnTime',
  'resolved',
  'closedInGrid',
  'closedInCommunity',
  'rated',
  'satisfied',
  'basic',
  'unsatisfied',
  'overdue',
] as const;
export type StatCounter = (typeof STAT_COUNTERS)[number];

const counterColumns = {
  received: integer('received').notNull().default(0),
  accepted: integer('accepted').notNull().default(0),
  responded: integer('responded').notNull().default(0),
  respondedOnTime: integer('responded_on_time').notNull().default(0),
  closed: integer('closed').notNull().default(0),
  closedOnTime: integer('closed_on_time').notNull().default(0),
  resolved: integer('resolved').notNull().default(0),
  closedInGrid: integer('closed_in_grid').notNull().default(0),
  closedInCommunity: integer('closed_in_community').notNull().default(0),
  rated: integer('rated').notNull().default(0),
  satisfied: integer('satisfied').notNull().default(0),
  basic: integer('basic').notNull().default(0),
  unsatisfied: integer('unsatisfied').notNull().default(0),
  overdue: integer('overdue').notNull().default(0),
};

export const ticketStats = pgTable(
  'ticket_stats',
  {
    month: date('month', { mode: 'string' }).notNull(),
    /** Region path of the node at this level (grid → city); level is its length class. */
    regionPath: varchar('region_path', { length: 18 }).notNull(),
    level: varchar('level', { length: 10 }).notNull(),
    categoryTop: varchar('category_top', { length: 12 }).notNull(),
    unitKey: varchar('unit_key', { length: 96 }).notNull(),
    ...counterColumns,
  },
  (t) => [primaryKey({ columns: [t.month, t.level, t.regionPath, t.categoryTop, t.unitKey] }), index('ticket_stats_path_idx').on(t.level, t.regionPath.op('text_pattern_ops'), t.month)],
);

export const ticketStatDeltas = pgTable(
  'ticket_stat_deltas',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    month: date('month', { mode: 'string' }).notNull(),
    /** The ticket's grid path; folding expands it to every ancestor level. */
    regionPath: varchar('region_path', { length: 18 }).notNull(),
    categoryTop: varchar('category_top', { length: 12 }).notNull(),
    unitKey: varchar('unit_key', { length: 96 }).notNull(),
    ...counterColumns,
  },
  (t) => [index('ticket_stat_deltas_path_idx').on(t.regionPath.op('text_pattern_ops'))],
);

/** Display names of handling units seen in the stats (unit key → name), for ranking tables. */
export const ticketUnits = pgTable('ticket_units', {
  unitKey: varchar('unit_key', { length: 96 }).primaryKey(),
  name: varchar('name', { length: 96 }).notNull(),
  regionPath: varchar('region_path', { length: 18 }).notNull(),
});
