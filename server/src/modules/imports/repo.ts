import { and, asc, desc, eq, gt, like, lt, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { rows as rawRows } from '../../platform/db/client.js';
import { conflicts, importBatches, importErrors, importMappings } from './schema.js';

export type MappingRow = typeof importMappings.$inferSelect;
export type BatchRow = typeof importBatches.$inferSelect;
export type ErrorRow = typeof importErrors.$inferSelect;
export type ConflictRow = typeof conflicts.$inferSelect;
export type NewConflictRow = Omit<typeof conflicts.$inferInsert, 'id' | 'status' | 'createdAt'>;
export type NewErrorRow = Omit<typeof importErrors.$inferInsert, 'id' | 'batchId'>;

export interface BatchCounts {
  totalRows: number;
  okRows: number;
  errorRows: number;
  created: number;
  updated: number;
  unchanged: number;
  conflicts: number;
}

/** Advisory lock class for import merges; the second key is the natural-key partition. */
const MERGE_LOCK = 7_424_243;

export const importsRepo = {
  // ---- mappings ------------------------------------------------------------------------------

  async mappings(db: DbOrTx, f: { source?: string; kind?: string }): Promise<MappingRow[]> {
    const conds: SQL[] = [];
    if (f.source) conds.push(eq(importMappings.source, f.source));
    if (f.kind) conds.push(eq(importMappings.kind, f.kind));
    return db
      .select()
      .from(importMappings)
      .where(conds.length ? and(...conds) : undefined)
      .orderBy(desc(importMappings.updatedAt), desc(importMappings.id))
      .limit(500);
  },

  async mapping(db: DbOrTx, id: number): Promise<MappingRow | undefined> {
    return (await db.select().from(importMappings).where(eq(importMappings.id, id)).limit(1))[0];
  },

  async mappingByName(db: DbOrTx, source: string, kind: string, name: string): Promise<MappingRow | undefined> {
    return (
      await db
        .select()
        .from(importMappings)
        .where(and(eq(importMappings.source, source), eq(importMappings.kind, kind), eq(importMappings.name, name)))
        .limit(1)
    )[0];
  },

  /** Insert, or replace the columns of the template with the same source, kind and name. */
  async upsertMapping(db: DbOrTx, row: { name: string; source: string; kind: string; columns: Record<string, string>; createdBy: number | null }): Promise<MappingRow> {
    return (
      await db
        .insert(importMappings)
        .values(row)
        .onConflictDoUpdate({ target: [importMappings.source, importMappings.kind, importMappings.name], set: { columns: row.columns, updatedAt: new Date() } })
        .returning()
    )[0]!;
  },

  async insertMapping(db: DbOrTx, row: { name: string; source: string; kind: string; columns: Record<string, string>; createdBy: number | null }): Promise<MappingRow | undefined> {
    return (await db.insert(importMappings).values(row).onConflictDoNothing().returning())[0];
  },

  async updateMapping(db: DbOrTx, id: number, patch: { name?: string; columns?: Record<string, string> }): Promise<MappingRow> {
    return (
      await db
        .update(importMappings)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(importMappings.id, id))
        .returning()
    )[0]!;
  },

  // ---- batches -------------------------------------------------------------------------------

  async insertBatch(db: DbOrTx, row: typeof importBatches.$inferInsert): Promise<BatchRow> {
    return (await db.insert(importBatches).values(row).returning())[0]!;
  },

  async batch(db: DbOrTx, id: number): Promise<BatchRow | undefined> {
    return (await db.select().from(importBatches).where(eq(importBatches.id, id)).limit(1))[0];
  },

  async batches(db: DbOrTx, f: { scopePath: string; kind?: string; status?: string; beforeId?: number; limit: number }): Promise<BatchRow[]> {
    const conds: SQL[] = [like(importBatches.scopePath, `${f.scopePath}%`)];
    if (f.kind) conds.push(eq(importBatches.kind, f.kind));
    if (f.status) conds.push(eq(importBatches.status, f.status));
    if (f.beforeId) conds.push(lt(importBatches.id, f.beforeId));
    return db
      .select()
      .from(importBatches)
      .where(and(...conds))
      .orderBy(desc(importBatches.id))
      .limit(f.limit);
  },

  async markRunning(db: DbOrTx, id: number): Promise<void> {
    await db.update(importBatches).set({ status: 'running', startedAt: new Date() }).where(eq(importBatches.id, id));
  },

  /** Add a committed slice's counts: slices commit side by side, so the row is incremented, not overwritten. */
  async addProgress(db: DbOrTx, id: number, d: BatchCounts): Promise<void> {
    const b = importBatches;
    await db
      .update(b)
      .set({
        totalRows: sql`${b.totalRows} + ${d.totalRows}`,
        okRows: sql`${b.okRows} + ${d.okRows}`,
        errorRows: sql`${b.errorRows} + ${d.errorRows}`,
        created: sql`${b.created} + ${d.created}`,
        updated: sql`${b.updated} + ${d.updated}`,
        unchanged: sql`${b.unchanged} + ${d.unchanged}`,
        conflicts: sql`${b.conflicts} + ${d.conflicts}`,
      })
      .where(eq(b.id, id));
  },

  async finish(db: DbOrTx, id: number, status: 'done' | 'failed', message: string | null): Promise<BatchRow> {
    return (await db.update(importBatches).set({ status, message, finishedAt: new Date() }).where(eq(importBatches.id, id)).returning())[0]!;
  },

  /** Locks of the natural-key partitions a merge touches, in ascending order (no deadlocks), held until the transaction ends. */
  async lockPartitions(tx: DbOrTx, partitions: number[]): Promise<void> {
    for (const p of [...partitions].sort((a, b) => a - b)) await tx.execute(sql`SELECT pg_advisory_xact_lock(${MERGE_LOCK}, ${p})`);
  },

  // ---- errors --------------------------------------------------------------------------------

  /** All of a batch's bad rows in one statement (one JSON parameter). */
  async insertErrors(db: DbOrTx, batchId: number, rows: NewErrorRow[]): Promise<void> {
    if (!rows.length) return;
    await db.execute(sql`
      INSERT INTO import_errors (batch_id, row_no, field, rule, severity, message, value)
      SELECT ${batchId}, "rowNo", field, rule, severity, message, value
      FROM json_to_recordset(${JSON.stringify(rows)}::json) AS t("rowNo" int, field text, rule text, severity text, message text, value text)`);
  },

  async errors(db: DbOrTx, f: { batchId: number; afterId?: number; limit: number }): Promise<ErrorRow[]> {
    const conds: SQL[] = [eq(importErrors.batchId, f.batchId)];
    if (f.afterId) conds.push(gt(importErrors.id, f.afterId));
    return db
      .select()
      .from(importErrors)
      .where(and(...conds))
      .orderBy(asc(importErrors.id))
      .limit(f.limit);
  },

  // ---- conflicts -----------------------------------------------------------------------------

  /** Conflicts already raised for these entities that should not be raised again: open ones, and those settled by keeping the current value. */
  async standingConflicts(db: DbOrTx, entityType: string, entityIds: number[]): Promise<Pick<ConflictRow, 'entityId' | 'field' | 'incomingValue'>[]> {
    if (!entityIds.length) return [];
    return rawRows(
      db,
      sql`SELECT entity_id AS "entityId", field, incoming_value AS "incomingValue" FROM conflicts
          WHERE entity_type = ${entityType} AND entity_id = ANY(${sql.param(entityIds)}::int[])
            AND (status = 'open' OR resolution = 'keep_current')`,
    );
  },

  async insertConflicts(db: DbOrTx, rows: NewConflictRow[]): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < rows.length; i += 1000) ids.push(...(await db.insert(conflicts).values(rows.slice(i, i + 1000)).returning({ id: conflicts.id })).map((r) => r.id));
    return ids;
  },

  async conflicts(db: DbOrTx, f: { scopePath: string; status?: string; entityType?: string; entityId?: number; batchId?: number; afterId?: number; limit: number }): Promise<ConflictRow[]> {
    const conds: SQL[] = [like(conflicts.regionPath, `${f.scopePath}%`)];
    if (f.status) conds.push(eq(conflicts.status, f.status));
    if (f.entityType) conds.push(eq(conflicts.entityType, f.entityType));
    if (f.entityId) conds.push(eq(conflicts.entityId, f.entityId));
    if (f.batchId) conds.push(eq(conflicts.batchId, f.batchId));
    if (f.afterId) conds.push(gt(conflicts.id, f.afterId));
    return db
      .select()
      .from(conflicts)
      .where(and(...conds))
      .orderBy(asc(conflicts.id))
      .limit(f.limit);
  },

  async conflictForUpdate(db: DbOrTx, id: number): Promise<ConflictRow | undefined> {
    return (await db.select().from(conflicts).where(eq(conflicts.id, id)).for('update').limit(1))[0];
  },

  async conflict(db: DbOrTx, id: number): Promise<ConflictRow | undefined> {
    return (await db.select().from(conflicts).where(eq(conflicts.id, id)).limit(1))[0];
  },

  async resolveConflict(db: DbOrTx, id: number, resolution: string, by: number): Promise<ConflictRow> {
    return (
      await db
        .update(conflicts)
        .set({ status: 'resolved', resolution, resolvedBy: by, resolvedAt: new Date() })
        .where(eq(conflicts.id, id))
        .returning()
    )[0]!;
  },
};
