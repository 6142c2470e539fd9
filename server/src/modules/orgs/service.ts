import type { Db, DbOrTx } from '../../platform/db/client.js';
import { AppError, invalidField, type ErrorCode } from '../../platform/errors/index.js';
import { authorize, type Actor } from '../../platform/scope/index.js';
import { recordAudit, type AuditContext } from '../../platform/audit/index.js';
import { CREDIT_KINDS, parseCreditCode, type CreditCodeInfo } from '../../platform/identity/creditCode.js';
import { textGrams } from '../../platform/text/grams.js';
import { canonicalFromPath, parseRegionCode, type Level } from '../regions/codes.js';
import type { RegionService } from '../regions/service.js';
import { industryName, INDUSTRIES } from './industries.js';
import { blankToNull, listScope, regionFromCode, regionRefs, resolveLocation, type RegionRefOf } from './location.js';
import { mergeFields, type IncomingField, type Provenance, type SourceStamp } from '../../platform/provenance/index.js';
import { isUniqueViolation, orgRepo, type ImportRecord, type NewOrgRow, type OrgFilter, type OrgRow, type OrgView, type SiteWithCounts } from './repo.js';
import {
  ORG_STATUSES,
  type CreateOrgBody,
  type CreateSiteBody,
  type OrgDetailDto,
  type OrgDto,
  type OrgListQuery,
  type SiteDto,
  type SiteListQuery,
  type UpdateOrgBody,
  type UpdateSiteBody,
} from './contracts.js';

/** Party organisations as the organisation registry needs them; the party module provides it. */
export interface PartyOrgLookup {
  /** By id, without a scope check: callers authorise. */
  refs(db: DbOrTx, ids: number[]): Promise<Map<number, { id: number; name: string; regionPath: string }>>;
}

export interface ImportOrgRow {
  creditCode: string;
  name: string;
  /** Materialised path of the grid (or community) the import placed the organisation in. */
  regionPath: string;
  industry?: string | null;
  address?: string | null;
  lng?: number | null;
  lat?: number | null;
  employees?: number | null;
  hasPremises?: boolean | null;
  hasStaff?: boolean | null;
  hasRevenue?: boolean | null;
  status?: string | null;
  guidanceOfficer?: string | null;
  partyMembers?: number | null;
}
/** The department, batch and time an import's values come from (batchId '' or null: none). */
export interface ImportSource {
  dept: string;
  batchId: number | string | null;
  at: Date | string;
}
export type FieldValue = string | number | boolean | null;
export interface ImportConflict {
  entityId: number;
  field: MergeField;
  current: FieldValue;
  incoming: FieldValue;
  currentSource: SourceStamp | null;
}
export interface ImportOutcome {
  created: number;
  updated: number;
  unchanged: number;
  conflicts: ImportConflict[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Organisations sit in a community, grid or micro-grid; parks and buildings may span a street or district. */
const ORG_LEVELS: readonly Level[] = ['community', 'grid', 'microgrid'];
const SITE_LEVELS: readonly Level[] = ['district', 'street', 'community', 'grid', 'microgrid'];
/** Rows per set-based statement: one JSON parameter each, well inside any statement limit. */
export const IMPORT_CHUNK = 5000;

/** Fields a department may supply, by their API names; provenance is keyed by these too. */
const MERGE_FIELDS = [
  'name',
  'industry',
  'address',
  'regionPath',
  'lng',
  'lat',
  'employees',
  'hasPremises',
  'hasStaff',
  'hasRevenue',
  'status',
  'guidanceOfficer',
  'partyMembers',
] as const;
type MergeField = (typeof MERGE_FIELDS)[number];
type MergeValues = Record<MergeField, FieldValue>;

/** Trimmed; blank is null, and a null incoming value never clears what is recorded. */
function normaliseValue(v: unknown): FieldValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v.trim() || null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  return typeof v === 'boolean' ? v : String(v);
}

/** Hand edits are stamped `manual` (with the user), so a later import reports a conflict instead of overwriting them. */
function stampFields(provenance: Provenance, fields: readonly string[], actor: Actor): Provenance {
  const stamp = { s: 'manual', b: null, t: new Date().toISOString(), u: actor.username };
  return { ...provenance, ...Object.fromEntries(fields.map((f) => [f, stamp])) };
}

function creditInfo(raw: string, field = 'creditCode'): CreditCodeInfo {
  const r = parseCreditCode(raw);
  if (r.ok) return r.info;
  const issue = r.issues[0]!;
  throw new AppError('org.credit_code_invalid', { fields: [{ field, rule: issue.rule, message: { zh: issue.zh, en: issue.en } }] });
}

const creditTaken = () =>
  new AppError('org.credit_code_taken', { fields: [{ field: 'creditCode', rule: 'unique', message: { zh: '该代码已登记', en: 'is already registered' } }] });

/** 404 for a referenced record, naming the field that referenced it. */
export function missingRef(code: ErrorCode, field: string): AppError {
  return new AppError(code, { fields: [{ field, rule: 'exists', message: { zh: '不存在', en: 'does not exist' } }] });
}

/** Cut a keyset page fetched with limit + 1 rows; the cursor is the last row's id. */
export function pageOf<T>(rows: T[], limit: number, idOf: (r: T) => number): { items: T[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items, nextCursor: more ? String(idOf(items[items.length - 1]!)) : null };
}
export const byId = (r: { id: number }) => r.id;

export const cursorId = (cursor: string | undefined) => (cursor ? Number(cursor) : 0);

/** What the audit trail keeps of an organisation: the registry fields, not the search grams. */
function auditView(r: OrgRow) {
  const { nameGrams: _g, provenance: _p, createdAt: _c, updatedAt: _u, ...rest } = r;
  return rest;
}

function mergeValuesOf(r: OrgRow | undefined): MergeValues {
  return Object.fromEntries(MERGE_FIELDS.map((f) => [f, r?.[f] ?? null])) as MergeValues;
}

export class OrgService {
  constructor(
    private readonly db: Db,
    private readonly regions: RegionService,
    private readonly partyOrgs: PartyOrgLookup,
  ) {}

  // ---- organisations ------------------------------------------------------------------------

  private partyNames(db: DbOrTx, ids: (number | null)[]) {
    return this.partyOrgs.refs(db, [...new Set(ids.filter((x): x is number => x != null))]);
  }

  private async toDtos(db: DbOrTx, rows: OrgView[]): Promise<OrgDto[]> {
    const regionOf = await regionRefs(this.regions, rows.map((r) => r.regionPath));
    const party = await this.partyNames(db, rows.map((r) => r.partyOrgId));
    return rows.map((r) => toOrgDto(r, regionOf, party));
  }

  private async toDetail(db: DbOrTx, row: OrgView): Promise<OrgDetailDto> {
    const [dto] = await this.toDtos(db, [row]);
    return { ...dto!, provenance: row.provenance as Provenance };
  }

  /** One page of organisations under `f.path`. Callers authorise the path (list scope or an authorised node). */
  async page(f: OrgFilter, cursor: string | undefined, limit: number): Promise<Page<OrgDto>> {
    const { items, nextCursor } = pageOf(await orgRepo.list(this.db, f, cursorId(cursor), limit + 1), limit, byId);
    return { items: await this.toDtos(this.db, items), nextCursor };
  }

  async list(actor: Actor | undefined, q: OrgListQuery): Promise<Page<OrgDto>> {
    const path = await listScope(this.regions, actor, 'org.read', q.region);
    const { region: _r, cursor, limit, ...filters } = q;
    return this.page({ path, ...filters }, cursor, limit ?? 50);
  }

  async get(actor: Actor | undefined, id: number): Promise<OrgDetailDto> {
    authorize(actor, 'org.read');
    const row = await orgRepo.get(this.db, id);
    if (!row) throw new AppError('org.not_found');
    authorize(actor, 'org.read', { path: row.regionPath });
    return this.toDetail(this.db, row);
  }

  /** A party organisation or site named in a request must exist and be visible to the actor. */
  private async checkRefs(actor: Actor, input: { partyOrgId?: number | null | undefined; siteId?: number | null | undefined }) {
    if (input.partyOrgId != null) {
      const p = (await this.partyOrgs.refs(this.db, [input.partyOrgId])).get(input.partyOrgId);
      if (!p) throw missingRef('party.org_not_found', 'partyOrgId');
      authorize(actor, 'party.read', { path: p.regionPath });
    }
    if (input.siteId != null) {
      const s = await orgRepo.siteRef(this.db, input.siteId);
      if (!s) throw missingRef('site.not_found', 'siteId');
      authorize(actor, 'org.read', { path: s.regionPath });
    }
  }

  async create(actor: Actor | undefined, input: CreateOrgBody, ctx: AuditContext): Promise<OrgDetailDto> {
    authorize(actor, 'org.write');
    const info = creditInfo(input.creditCode);
    const node = await resolveLocation(this.regions, actor, 'org.write', input, ORG_LEVELS);
    await this.checkRefs(actor, input);
    const name = input.name.trim();
    const values = {
      name,
      industry: input.industry ?? null,
      address: blankToNull(input.address),
      regionPath: node.path,
      lng: input.lng ?? null,
      lat: input.lat ?? null,
      employees: input.employees ?? null,
      hasPremises: input.hasPremises ?? false,
      hasStaff: input.hasStaff ?? false,
      hasRevenue: input.hasRevenue ?? false,
      status: input.status ?? 'operating',
      guidanceOfficer: blankToNull(input.guidanceOfficer),
      partyMembers: input.partyMembers ?? 0,
    } satisfies Record<MergeField, unknown>;
    const given = MERGE_FIELDS.filter((f) => f === 'regionPath' || (input as Record<string, unknown>)[f] !== undefined);
    const row = await this.writeUnique(() =>
      this.db.transaction(async (tx) => {
        if (await orgRepo.idByCreditCode(tx, info.code)) throw creditTaken();
        const r = await orgRepo.insert(tx, {
          ...values,
          creditCode: info.code,
          kind: info.kind,
          grp: info.group,
          nameGrams: textGrams(name),
          partyOrgId: input.partyOrgId ?? null,
          siteId: input.siteId ?? null,
          provenance: stampFields({}, given, actor),
        });
        await recordAudit(tx, ctx, { action: 'org.create', entityType: 'organisation', entityId: r.id, scopePath: r.regionPath, after: auditView(r) });
        return r;
      }),
    );
    return this.toDetail(this.db, row);
  }

  /** A concurrent insert of the same credit code surfaces as the index violation: answer 409 like the pre-check. */
  private async writeUnique<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (isUniqueViolation(e, 'organisations_credit_code_uq')) throw creditTaken();
      throw e;
    }
  }

  async update(actor: Actor | undefined, id: number, patch: UpdateOrgBody, ctx: AuditContext): Promise<OrgDetailDto> {
    authorize(actor, 'org.write');
    const current = await orgRepo.get(this.db, id);
    if (!current) throw new AppError('org.not_found');
    authorize(actor, 'org.write', { path: current.regionPath });
    const changes: Partial<NewOrgRow> = {};
    if (patch.creditCode !== undefined) {
      const info = creditInfo(patch.creditCode);
      Object.assign(changes, { creditCode: info.code, kind: info.kind, grp: info.group });
    }
    if (patch.regionCode || patch.lng != null || patch.lat != null) {
      changes.regionPath = (await resolveLocation(this.regions, actor, 'org.write', patch, ORG_LEVELS)).path;
    }
    await this.checkRefs(actor, patch);
    if (patch.name !== undefined) Object.assign(changes, { name: patch.name.trim(), nameGrams: textGrams(patch.name) });
    for (const k of ['industry', 'lng', 'lat', 'employees', 'hasPremises', 'hasStaff', 'hasRevenue', 'status', 'partyOrgId', 'partyMembers', 'siteId'] as const) {
      if (patch[k] !== undefined) Object.assign(changes, { [k]: patch[k] });
    }
    if (patch.address !== undefined) changes.address = blankToNull(patch.address);
    if (patch.guidanceOfficer !== undefined) changes.guidanceOfficer = blankToNull(patch.guidanceOfficer);
    const row = await this.writeUnique(() =>
      this.db.transaction(async (tx) => {
        const before = await orgRepo.getForUpdate(tx, id);
        if (!before) throw new AppError('org.not_found');
        authorize(actor, 'org.write', { path: before.regionPath });
        if (patch.version !== undefined && patch.version !== before.version) {
          throw new AppError('org.version_conflict', { extra: { version: before.version } });
        }
        if (changes.creditCode && changes.creditCode !== before.creditCode && (await orgRepo.idByCreditCode(tx, changes.creditCode))) throw creditTaken();
        const touched = MERGE_FIELDS.filter((f) => f in changes && changes[f] !== before[f]);
        const after = await orgRepo.update(tx, id, { ...changes, provenance: stampFields(before.provenance as Provenance, touched, actor) });
        await recordAudit(tx, ctx, {
          action: 'org.update',
          entityType: 'organisation',
          entityId: id,
          scopePath: after.regionPath,
          before: auditView(before),
          after: auditView(after),
        });
        return after;
      }),
    );
    return this.toDetail(this.db, row);
  }

  // ---- for the party module -------------------------------------------------------------------

  /** Organisations by id, without a scope check: callers authorise. */
  async refs(db: DbOrTx, ids: number[]): Promise<Map<number, { id: number; name: string; regionPath: string; partyOrgId: number | null }>> {
    return new Map((await orgRepo.refs(db, ids)).map((r) => [r.id, r]));
  }

  /**
   * Record that a party organisation covers an organisation (组织覆盖), inside the caller's
   * transaction so the party organisation and the coverage land together; audited.
   */
  async linkPartyOrg(tx: DbOrTx, actor: Actor, orgId: number, partyOrgId: number, ctx: AuditContext): Promise<void> {
    const before = await orgRepo.getForUpdate(tx, orgId);
    if (!before) throw missingRef('org.not_found', 'organisationId');
    authorize(actor, 'org.write', { path: before.regionPath });
    if (before.partyOrgId === partyOrgId) return;
    await orgRepo.update(tx, orgId, { partyOrgId });
    await recordAudit(tx, ctx, {
      action: 'org.update',
      entityType: 'organisation',
      entityId: orgId,
      scopePath: before.regionPath,
      before: { partyOrgId: before.partyOrgId },
      after: { partyOrgId },
      note: 'party_org.attach',
    });
  }

  // ---- imports --------------------------------------------------------------------------------

  /**
   * Merge department rows into the registry (natural key: credit code). The import pipeline
   * authorises (`import.run`) and checks every row's region is inside its scope; this validates
   * the values, derives kind and group from the code, keeps per-field provenance, and reports a
   * conflict where another department (or a hand edit) set a different value. Set-based: one
   * locking read, one INSERT … ON CONFLICT and one UPDATE … FROM per 5,000 rows. Runs in the
   * caller's transaction; with `audit` it also records one summary entry.
   */
  /**
   * Take a department's value from the conflict queue inside the caller's transaction: write
   * the incoming columns and stamp the field with that department, as people and houses do.
   */
  async applyConflictResolution(tx: DbOrTx, orgId: number, field: string, columns: Record<string, unknown>, src: { dept: string; batchId: number | null; at: Date }): Promise<void> {
    const before = await orgRepo.getForUpdate(tx, orgId);
    if (!before) throw new AppError('org.not_found');
    const set: Partial<NewOrgRow> = { ...(columns as Partial<NewOrgRow>) };
    if (typeof columns.name === 'string') set.nameGrams = textGrams(columns.name);
    const stampOf: SourceStamp = { s: src.dept, b: src.batchId, t: src.at.toISOString() };
    await orgRepo.update(tx, orgId, { ...set, provenance: { ...(before.provenance as Provenance), [field]: stampOf } });
  }

  /** Ids by credit code, for other modules (seeding, imports). No scope check: callers authorise. */
  async idsByCreditCodes(codes: string[]): Promise<Map<string, number>> {
    return orgRepo.idsByCreditCodes(this.db, codes);
  }

  async upsertFromImport(
    tx: DbOrTx,
    rows: ImportOrgRow[],
    source: ImportSource,
    audit?: { ctx: AuditContext; scopePath: string },
  ): Promise<ImportOutcome> {
    const batchId = source.batchId === '' || source.batchId === null ? null : Number(source.batchId);
    const src = { dept: source.dept, batchId: Number.isFinite(batchId) ? batchId : null, at: new Date(source.at) };
    const out: ImportOutcome = { created: 0, updated: 0, unchanged: 0, conflicts: [] };
    rows.forEach(validateImportRow);
    for (let i = 0; i < rows.length; i += IMPORT_CHUNK) await this.importChunk(tx, rows.slice(i, i + IMPORT_CHUNK), src, out, true);
    if (audit) {
      await recordAudit(tx, audit.ctx, {
        action: 'org.import',
        entityType: 'import_batch',
        entityId: source.batchId,
        scopePath: audit.scopePath,
        after: { dept: source.dept, rows: rows.length, created: out.created, updated: out.updated, unchanged: out.unchanged, conflicts: out.conflicts.length },
      });
    }
    return out;
  }

  private async importChunk(
    tx: DbOrTx,
    rows: ImportOrgRow[],
    src: Parameters<typeof mergeFields>[3],
    out: ImportOutcome,
    retry: boolean,
  ): Promise<void> {
    const infos = rows.map((r) => creditInfo(r.creditCode));
    const existing = new Map((await orgRepo.lockByCreditCodes(tx, [...new Set(infos.map((i) => i.code))])).map((r) => [r.creditCode, r]));
    interface State {
      id: number | null;
      info: CreditCodeInfo;
      values: MergeValues;
      provenance: Provenance;
      dirty: boolean;
      outcomes: ('created' | 'updated' | 'unchanged')[];
      conflicts: ImportConflict[];
    }
    // Rows repeating a code within the batch fold onto each other in order.
    const states = new Map<string, State>();
    rows.forEach((row, i) => {
      const info = infos[i]!;
      let st = states.get(info.code);
      if (!st) {
        const cur = existing.get(info.code);
        st = {
          id: cur?.id ?? null,
          info,
          values: mergeValuesOf(cur),
          provenance: (cur?.provenance as Provenance | undefined) ?? {},
          dirty: false,
          outcomes: [],
          conflicts: [],
        };
        states.set(info.code, st);
      }
      const incoming: Record<string, IncomingField | undefined> = {};
      for (const f of MERGE_FIELDS) {
        const v = normaliseValue((row as unknown as Record<string, unknown>)[f]);
        if (v !== null) incoming[f] = { cmp: v, set: { [f]: v } };
      }
      const m = mergeFields(st.values, st.provenance, incoming, src);
      Object.assign(st.values, m.set);
      st.provenance = m.provenance;
      st.dirty ||= m.changed;
      st.outcomes.push(st.id === null && !st.outcomes.length ? 'created' : m.changed ? 'updated' : 'unchanged');
      // New organisations cannot conflict: every value in them comes from this batch.
      for (const c of m.conflicts) {
        st.conflicts.push({ entityId: st.id!, field: c.field as MergeField, current: c.currentCmp, incoming: c.incoming.cmp, currentSource: c.currentSource });
      }
    });
    const record = (st: State): ImportRecord => ({
      ...st.values,
      id: st.id,
      creditCode: st.info.code,
      kind: st.info.kind,
      grp: st.info.group,
      nameGrams: textGrams(st.values.name as string),
      provenance: st.provenance,
    });
    const all = [...states.values()];
    const fresh = all.filter((s) => s.id === null);
    const inserted = new Set((await orgRepo.insertMany(tx, fresh.map(record))).map((r) => r.credit_code));
    await orgRepo.updateMany(tx, all.filter((s) => s.id !== null && s.dirty).map(record));
    // A code another transaction inserted meanwhile was skipped: merge those rows again as updates.
    const raced = new Set(fresh.filter((s) => !inserted.has(s.info.code)).map((s) => s.info.code));
    for (const st of all) {
      if (raced.has(st.info.code)) continue;
      for (const o of st.outcomes) out[o]++;
      out.conflicts.push(...st.conflicts);
    }
    if (raced.size) {
      if (!retry) throw new Error(`import: credit codes ${[...raced].join(', ')} keep colliding`);
      await this.importChunk(tx, rows.filter((_, i) => raced.has(infos[i]!.code)), src, out, false);
    }
  }

  // ---- sites (parks, commercial buildings) ------------------------------------------------------

  private async toSiteDtos(rows: SiteWithCounts[]): Promise<SiteDto[]> {
    const regionOf = await regionRefs(this.regions, rows.map((r) => r.site.regionPath));
    const party = await this.partyNames(this.db, rows.map((r) => r.site.partyOrgId));
    return rows.map((r) => toSiteDto(r, regionOf, party));
  }

  /** One page of sites under `path`. Callers authorise the path. */
  async sitePage(f: Parameters<typeof orgRepo.listSites>[1], cursor: string | undefined, limit: number): Promise<Page<SiteDto>> {
    const { items, nextCursor } = pageOf(await orgRepo.listSites(this.db, f, cursorId(cursor), limit + 1), limit, (r) => r.site.id);
    return { items: await this.toSiteDtos(items), nextCursor };
  }

  async listSites(actor: Actor | undefined, q: SiteListQuery): Promise<Page<SiteDto>> {
    const path = await listScope(this.regions, actor, 'org.read', q.region);
    const { region: _r, cursor, limit, ...filters } = q;
    return this.sitePage({ path, ...filters }, cursor, limit ?? 50);
  }

  private async loadSite(actor: Actor | undefined, action: 'org.read' | 'org.write', id: number): Promise<SiteWithCounts> {
    authorize(actor, action);
    const row = await orgRepo.getSite(this.db, id);
    if (!row) throw new AppError('site.not_found');
    authorize(actor, action, { path: row.site.regionPath });
    return row;
  }

  async getSite(actor: Actor | undefined, id: number): Promise<SiteDto> {
    return (await this.toSiteDtos([await this.loadSite(actor, 'org.read', id)]))[0]!;
  }

  async createSite(actor: Actor | undefined, input: CreateSiteBody, ctx: AuditContext): Promise<SiteDto> {
    authorize(actor, 'org.write');
    const node = await regionFromCode(this.regions, actor, 'org.write', input.regionCode, 'regionCode', SITE_LEVELS);
    await this.checkRefs(actor, input);
    const id = await this.db.transaction(async (tx) => {
      const s = await orgRepo.insertSite(tx, {
        kind: input.kind,
        name: input.name.trim(),
        address: blankToNull(input.address),
        regionPath: node.path,
        partyOrgId: input.partyOrgId ?? null,
        guidanceOfficer: blankToNull(input.guidanceOfficer),
      });
      await recordAudit(tx, ctx, { action: 'site.create', entityType: 'site', entityId: s.id, scopePath: s.regionPath, after: s });
      return s.id;
    });
    return this.getSite(actor, id);
  }

  async updateSite(actor: Actor | undefined, id: number, patch: UpdateSiteBody, ctx: AuditContext): Promise<SiteDto> {
    authorize(actor, 'org.write');
    const { site: before } = await this.loadSite(actor, 'org.write', id);
    const changes: Partial<typeof before> = {};
    if (patch.regionCode) changes.regionPath = (await regionFromCode(this.regions, actor, 'org.write', patch.regionCode, 'regionCode', SITE_LEVELS)).path;
    await this.checkRefs(actor, patch);
    if (patch.name !== undefined) changes.name = patch.name.trim();
    if (patch.address !== undefined) changes.address = blankToNull(patch.address);
    if (patch.partyOrgId !== undefined) changes.partyOrgId = patch.partyOrgId;
    if (patch.guidanceOfficer !== undefined) changes.guidanceOfficer = blankToNull(patch.guidanceOfficer);
    await this.db.transaction(async (tx) => {
      await orgRepo.updateSite(tx, id, changes);
      await recordAudit(tx, ctx, {
        action: 'site.update',
        entityType: 'site',
        entityId: id,
        scopePath: changes.regionPath ?? before.regionPath,
        before: Object.fromEntries(Object.keys(changes).map((k) => [k, before[k as keyof typeof before]])),
        after: changes,
      });
    });
    return this.getSite(actor, id);
  }
}

type PartyRefs = Map<number, { id: number; name: string }>;
const partyRef = (id: number | null, party: PartyRefs) => (id == null ? null : { id, name: party.get(id)?.name ?? '' });

export function toOrgDto(r: OrgView, regionOf: RegionRefOf, party: PartyRefs): OrgDto {
  return {
    id: r.id,
    creditCode: r.creditCode,
    name: r.name,
    kind: r.kind,
    kindName: CREDIT_KINDS[r.kind]?.zh ?? '其他',
    grp: r.grp,
    industry: r.industry,
    industryName: industryName(r.industry),
    address: r.address,
    region: regionOf(r.regionPath),
    lng: r.lng,
    lat: r.lat,
    employees: r.employees,
    hasPremises: r.hasPremises,
    hasStaff: r.hasStaff,
    hasRevenue: r.hasRevenue,
    threeHave: r.threeHave,
    status: r.status,
    partyOrg: partyRef(r.partyOrgId, party),
    guidanceOfficer: r.guidanceOfficer,
    partyMembers: r.partyMembers,
    siteId: r.siteId,
    orgCovered: r.orgCovered,
    workCovered: r.workCovered,
    version: r.version,
    updatedAt: r.updatedAt.toISOString(),
  };
}

function toSiteDto(r: SiteWithCounts, regionOf: RegionRefOf, party: PartyRefs): SiteDto {
  const s = r.site;
  return {
    id: s.id,
    kind: s.kind,
    name: s.name,
    address: s.address,
    region: regionOf(s.regionPath),
    partyOrg: partyRef(s.partyOrgId, party),
    guidanceOfficer: s.guidanceOfficer,
    orgCovered: r.orgCovered,
    workCovered: r.workCovered,
    orgs: { total: r.orgsTotal, orgCovered: r.orgsOrgCovered, workCovered: r.orgsWorkCovered },
    updatedAt: s.updatedAt.toISOString(),
  };
}

/** Imports bypass the HTTP schema, so their values are checked here, naming the row. */
function validateImportRow(r: ImportOrgRow, i: number): void {
  const field = (f: string) => `rows[${i}].${f}`;
  creditInfo(r.creditCode, field('creditCode'));
  if (!r.name?.trim()) throw invalidField(field('name'), 'required', { zh: '名称必填', en: 'is required' });
  const parsed = /^\d+$/.test(r.regionPath ?? '') ? parseRegionCode(canonicalFromPath(r.regionPath)) : null;
  if (!parsed || parsed.path !== r.regionPath) throw invalidField(field('regionPath'), 'region_code', { zh: '区划路径不正确', en: 'is not a region path' });
  if (r.industry && !(r.industry in INDUSTRIES)) throw invalidField(field('industry'), 'enum', { zh: '行业应为 GB/T 4754 门类 A-T', en: 'must be a GB/T 4754 section A-T' });
  if (r.status && !(ORG_STATUSES as readonly string[]).includes(r.status)) throw invalidField(field('status'), 'enum', { zh: '状态应为 operating 或 deregistered', en: 'must be operating or deregistered' });
}
