import { pgTable, serial, bigserial, integer, varchar, text, boolean, jsonb, timestamp, index, uniqueIndex } from 'drizzle-orm/pg-core';

/** Saved column mappings per source department: fill once, reuse every month. */
export const importMappings = pgTable(
  'import_mappings',
  {
    id: serial('id').primaryKey(),
    name: varchar('name', { length: 64 }).notNull(),
    source: varchar('source', { length: 64 }).notNull(),
    /** people / houses / orgs */
    kind: varchar('kind', { length: 16 }).notNull(),
    /** Target field → source column header. */
    columns: jsonb('columns').notNull(),
    createdBy: integer('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('import_mappings_uq').on(t.source, t.kind, t.name)],
);

/** One run of one file from one department. */
export const importBatches = pgTable(
  'import_batches',
  {
    id: serial('id').primaryKey(),
    source: varchar('source', { length: 64 }).notNull(),
    kind: varchar('kind', { length: 16 }).notNull(),
    fileName: varchar('file_name', { length: 256 }).notNull(),
    fileSha256: varchar('file_sha256', { length: 64 }).notNull(),
    mappingId: integer('mapping_id'),
    columns: jsonb('columns').notNull(),
    dryRun: boolean('dry_run').notNull().default(false),
    /** queued / running / done / failed */
    status: varchar('status', { length: 16 }).notNull().default('queued'),
    totalRows: integer('total_rows').notNull().default(0),
    okRows: integer('ok_rows').notNull().default(0),
    errorRows: integer('error_rows').notNull().default(0),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    conflicts: integer('conflicts').notNull().default(0),
    message: text('message'),
    scopePath: varchar('scope_path', { length: 18 }).notNull(),
    createdBy: integer('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('import_batches_scope_idx').on(t.scopePath.op('text_pattern_ops'), t.id)],
);

/** Rows that failed validation: row number, field, rule and message, for the error report. */
export const importErrors = pgTable(
  'import_errors',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    batchId: integer('batch_id').notNull(),
    rowNo: integer('row_no').notNull(),
    field: varchar('field', { length: 64 }).notNull(),
    rule: varchar('rule', { length: 48 }).notNull(),
    severity: varchar('severity', { length: 8 }).notNull().default('error'),
    message: text('message').notNull(),
    /** The offending value, masked when it is personal information. */
    value: text('value'),
  },
  (t) => [index('import_errors_batch_idx').on(t.batchId, t.rowNo)],
);

/** When two departments disagree on a value, a person decides. */
export const conflicts = pgTable(
  'conflicts',
  {
    id: serial('id').primaryKey(),
    entityType: varchar('entity_type', { length: 16 }).notNull(),
    entityId: integer('entity_id').notNull(),
    field: varchar('field', { length: 64 }).notNull(),
    /** Values as stored (encrypted for personal information) and as shown (masked). */
    currentValue: text('current_value'),
    currentShown: text('current_shown'),
    currentSource: jsonb('current_source'),
    incomingValue: text('incoming_value'),
    incomingShown: text('incoming_shown'),
    incomingSource: jsonb('incoming_source').notNull(),
    batchId: integer('batch_id'),
    regionPath: varchar('region_path', { length: 18 }).notNull(),
    /** open / resolved */
    status: varchar('status', { length: 16 }).notNull().default('open'),
    /** keep_current / take_incoming */
    resolution: varchar('resolution', { length: 16 }),
    resolvedBy: integer('resolved_by'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('conflicts_open_idx').on(t.status, t.regionPath.op('text_pattern_ops')),
    index('conflicts_entity_idx').on(t.entityType, t.entityId, t.field),
  ],
);
