import { and, desc, eq, gte, isNull, lt, lte, like, or, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { auditLog } from './schema.js';
import { JsonInsert } from '../db/statements.js';
import type { Actor } from '../scope/index.js';

/** Who is acting and from where; built once per request and passed to every write. */
export interface AuditContext {
  actor: Actor | null;
  ip: string | null;
  requestId: string | null;
}

export const SYSTEM_CONTEXT: AuditContext = { actor: null, ip: null, requestId: null };

export interface AuditEntryInput {
  action: string;
  entityType: string;
  entityId?: string | number | null;
  scopePath?: string | null;
  before?: unknown;
  after?: unknown;
  note?: string;
}

/** Record a change. Call inside the same transaction as the change so both land or neither. */
export async function recordAudit(db: DbOrTx, ctx: AuditContext, e: AuditEntryInput): Promise<void> {
  await auditInsert(db, ctx, e);
}

/** Record several changes in one statement (a background round that removes many things at once). */
export async function recordAudits(db: DbOrTx, ctx: AuditContext, es: AuditEntryInput[]): Promise<void> {
  if (es.length) await db.insert(auditLog).values(es.map((e) => auditRow(ctx, e)));
}

/** The audit row for an entry (every way of writing one goes through here). */
export function auditRow(ctx: AuditContext, e: AuditEntryInput): typeof auditLog.$inferInsert {
  return {
    actorId: ctx.actor?.id ?? null,
    actorUsername: ctx.actor?.username ?? null,
    actorRole: ctx.actor?.role ?? null,
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId == null ? null : String(e.entityId),
    scopePath: e.scopePath ?? null,
    before: (e.before ?? null) as never,
    after: (e.after ?? null) as never,
    ip: ctx.ip,
    requestId: ctx.requestId,
    note: e.note ?? null,
  };
}

export function auditInsert(db: DbOrTx, ctx: AuditContext, e: AuditEntryInput) {
  return db.insert(auditLog).values(auditRow(ctx, e));
}

/**
 * The audit insert for a fixed statement (platform/db/statements): a hot path (ticket intake)
 * writes its audit entry in the same statement as the change it records. `at` takes its default.
 */
export const AUDIT_JSON_INSERT = new JsonInsert(auditLog, ['actorId', 'actorUsername', 'actorRole', 'action', 'entityType', 'entityId', 'scopePath', 'before', 'after', 'ip', 'requestId', 'note']);

export interface AuditQuery {
  /** Subtree the caller may see. */
  scopePath: string;
  /** Also show entries with no region (e.g. failed sign-ins of unknown names): city administrators only. */
  cityWide: boolean;
  actor?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  from?: Date;
  to?: Date;
  /** Keyset cursor: the last id seen. */
  beforeId?: number;
  limit: number;
}

export async function queryAudit(db: DbOrTx, q: AuditQuery) {
  const conds: SQL[] = [];
  conds.push(
    q.cityWide
      ? or(like(auditLog.scopePath, `${q.scopePath}%`), isNull(auditLog.scopePath))!
      : like(auditLog.scopePath, `${q.scopePath}%`),
  );
  if (q.actor) conds.push(eq(auditLog.actorUsername, q.actor));
  if (q.action) conds.push(q.action.endsWith('*') ? like(auditLog.action, `${q.action.slice(0, -1)}%`) : eq(auditLog.action, q.action));
  if (q.entityType) conds.push(eq(auditLog.entityType, q.entityType));
  if (q.entityId) conds.push(eq(auditLog.entityId, q.entityId));
  if (q.from) conds.push(gte(auditLog.at, q.from));
  if (q.to) conds.push(lte(auditLog.at, q.to));
  if (q.beforeId) conds.push(lt(auditLog.id, q.beforeId));
  const rows = await db
    .select()
    .from(auditLog)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const items = more ? rows.slice(0, q.limit) : rows;
  return { items, nextId: more ? items[items.length - 1]!.id : null };
}
