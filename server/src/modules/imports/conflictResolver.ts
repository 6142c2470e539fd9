import type { Db } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors/index.js';
import { authorize, scopeOf, type Actor } from '../../platform/scope/index.js';
import { recordAudit, type AuditContext } from '../../platform/audit/index.js';
import type { ImportSource, SourceStamp } from '../../platform/provenance/index.js';
import { canonicalFromPath } from '../regions/codes.js';
import type { HousingService } from '../housing/service.js';
import type { PeopleService } from '../people/service.js';
import type { OrgService } from '../orgs/service.js';
import { CONFLICT_FIELD_LABELS } from './recordMerger.js';
import { importsRepo, type ConflictRow } from './repo.js';

export type Resolution = 'keep_current' | 'take_incoming';

export interface SourceDto {
  dept: string;
  batchId: number | null;
  at: string;
}

export interface ConflictDto {
  id: number;
  entityType: string;
  entityId: number;
  field: string;
  fieldLabel: string;
  currentShown: string | null;
  currentSource: SourceDto | null;
  incomingShown: string | null;
  incomingSource: SourceDto;
  batchId: number | null;
  regionCode: string;
  status: string;
  resolution: string | null;
  resolvedBy: number | null;
  resolvedAt: string | null;
  createdAt: string;
}

const sourceDto = (s: SourceStamp): SourceDto => ({ dept: s.s, batchId: s.b ?? null, at: s.t });

function toDto(c: ConflictRow): ConflictDto {
  return {
    id: c.id,
    entityType: c.entityType,
    entityId: c.entityId,
    field: c.field,
    fieldLabel: CONFLICT_FIELD_LABELS[c.entityType]?.[c.field] ?? c.field,
    currentShown: c.currentShown,
    currentSource: c.currentSource ? sourceDto(c.currentSource as SourceStamp) : null,
    incomingShown: c.incomingShown,
    incomingSource: sourceDto(c.incomingSource as SourceStamp),
    batchId: c.batchId,
    regionCode: canonicalFromPath(c.regionPath),
    status: c.status,
    resolution: c.resolution,
    resolvedBy: c.resolvedBy,
    resolvedAt: c.resolvedAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
  };
}


/**
 * The conflict queue: where two departments disagree, a person inside the record's region
 * keeps the current value or takes the incoming one. Both outcomes are audited; a conflict is
 * resolved once.
 */
export class ConflictResolver {
  constructor(
    private readonly db: Db,
    private readonly people: PeopleService,
    private readonly housing: HousingService,
    private readonly orgs: OrgService,
  ) {}

  async list(actor: Actor | undefined, q: { status?: string; entityType?: string; entityId?: number; batchId?: number; cursor?: string; limit: number }) {
    const scopePath = scopeOf(actor, 'person.read');
    const rows = await importsRepo.conflicts(this.db, { scopePath, ...q, afterId: q.cursor ? Number(q.cursor) : undefined, limit: q.limit + 1 });
    const more = rows.length > q.limit;
    const items = (more ? rows.slice(0, q.limit) : rows).map(toDto);
    return { items, nextCursor: more ? String(items[items.length - 1]!.id) : null };
  }

  async resolve(actor: Actor | undefined, id: number, resolution: Resolution, ctx: AuditContext): Promise<ConflictDto> {
    authorize(actor, 'conflict.resolve');
    const peek = await importsRepo.conflict(this.db, id);
    if (!peek) throw new AppError('conflict.not_found');
    authorize(actor, 'conflict.resolve', { path: peek.regionPath });
    const columns = JSON.parse(peek.incomingValue ?? '{}') as Record<string, unknown>;
    // A value that moves the record (a house elsewhere) must land inside the resolver's scope too.
    if (resolution === 'take_incoming' && typeof columns.regionPath === 'string') authorize(actor, 'conflict.resolve', { path: columns.regionPath });
    if (peek.status !== 'open') throw new AppError('conflict.already_resolved');
    const row = await this.db.transaction(async (tx) => {
      const c = await importsRepo.conflictForUpdate(tx, id);
      if (!c || c.status !== 'open') throw new AppError('conflict.already_resolved');
      if (resolution === 'take_incoming') {
        const s = c.incomingSource as SourceStamp;
        const src: ImportSource = { dept: s.s, batchId: s.b, at: new Date(s.t) };
        if (c.entityType === 'person') await this.people.applyConflictResolution(tx, c.entityId, c.field, columns, src, actor.id);
        else if (c.entityType === 'house') await this.housing.applyConflictResolution(tx, c.entityId, c.field, columns, src);
        else if (c.entityType === 'org') await this.orgs.applyConflictResolution(tx, c.entityId, c.field, columns, src);
      }
      const after = await importsRepo.resolveConflict(tx, id, resolution, actor.id);
      await recordAudit(tx, ctx, {
        action: 'conflict.resolve',
        entityType: c.entityType,
        entityId: c.entityId,
        scopePath: c.regionPath,
        before: { conflictId: c.id, field: c.field, current: c.currentShown, incoming: c.incomingShown, currentSource: c.currentSource, incomingSource: c.incomingSource },
        after: { conflictId: c.id, field: c.field, resolution, value: resolution === 'take_incoming' ? c.incomingShown : c.currentShown },
      });
      return after;
    });
    return toDto(row);
  }
}
