import type pg from 'pg';
import type { DbOrTx } from '../../platform/db/client.js';
import { stamp, type ImportSource, type SourceStamp } from '../../platform/provenance/index.js';
import { canonicalFromPath } from '../regions/codes.js';
import type { HousingService } from '../housing/service.js';
import type { ImportedPerson, PeopleService } from '../people/service.js';
import type { ImportOrgRow, OrgService } from '../orgs/service.js';
import { INDUSTRIES } from '../orgs/industries.js';
import type { ImportKind } from './fields.js';
import { importsRepo, type NewConflictRow } from './repo.js';
import { mergePeopleByCopy } from './peopleCopy.js';
import type { HouseImportRow } from './rowValidator.js';

export interface MergeCounts {
  created: number;
  updated: number;
  unchanged: number;
  /** Conflicts newly queued (ones already standing are not raised again). */
  conflicts: number;
}

export const ENTITY_TYPE: Record<ImportKind, string> = { people: 'person', houses: 'house', orgs: 'org' };

/** Field names in the conflict queue, in Chinese. */
export const CONFLICT_FIELD_LABELS: Record<string, Record<string, string>> = {
  person: { name: '姓名', phone: '联系电话', ethnicity: '民族', registeredAddress: '户籍地址', house: '现住房屋', politicalStatus: '政治面貌' },
  house: { areaM2: '面积', use: '用途', occupancy: '居住状态', floor: '楼层', room: '房号' },
  org: {
    name: '名称',
    industry: '行业门类',
    address: '地址',
    regionPath: '所属区划',
    lng: '经度',
    lat: '纬度',
    employees: '从业人数',
    hasPremises: '有固定场所',
    hasStaff: '有从业人员',
    hasRevenue: '有营业收入',
    status: '状态',
    guidanceOfficer: '党建指导员',
    partyMembers: '党员人数',
  },
};

const VALUE_LABELS: Record<string, Record<string, string>> = {
  politicalStatus: { masses: '群众', cpc_member: '中共党员', cpc_probationary: '中共预备党员', cyl_member: '共青团员', democratic_party: '民主党派', other: '其他' },
  use: { residential: '住宅', commercial: '商业', office: '办公', mixed: '混合', other: '其他' },
  occupancy: { self_occupied: '自住', rented: '出租', vacant: '空置', unknown: '未知' },
  industry: INDUSTRIES,
  status: { operating: '存续', deregistered: '注销' },
};

/** A value as the conflict queue shows it: labels for codes, 是/否, region codes. */
export function displayValue(field: string, v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (field === 'regionPath') return canonicalFromPath(String(v));
  return VALUE_LABELS[field]?.[String(v)] ?? String(v);
}

/**
 * Identity of an incoming value for "raised already?": the columns to write, without encrypted
 * ones (fresh ciphertext every time; their blind-index column beside them carries the identity).
 */
export function incomingKey(columnsJson: string | null): string {
  if (!columnsJson) return '';
  const cols = JSON.parse(columnsJson) as Record<string, unknown>;
  return JSON.stringify(
    Object.keys(cols)
      .filter((k) => !k.endsWith('Enc'))
      .sort()
      .map((k) => [k, cols[k]]),
  );
}

type Draft = Omit<NewConflictRow, 'batchId' | 'incomingSource'>;

/**
 * Hands validated rows to the owning module's merge (natural key, per-field provenance) and
 * turns its disagreements into conflict-queue rows, skipping those already standing.
 */
export class RecordMerger {
  constructor(
    private readonly people: PeopleService,
    private readonly housing: HousingService,
    private readonly orgs: OrgService,
  ) {}

  /** `client`: the PostgreSQL connection `tx` runs on, when new people may be written with COPY. */
  async merge(tx: DbOrTx, kind: ImportKind, items: unknown[], src: ImportSource, client: pg.PoolClient | null = null): Promise<MergeCounts> {
    if (!items.length) return { created: 0, updated: 0, unchanged: 0, conflicts: 0 };
    const { counts, drafts } =
      kind === 'people'
        ? await this.mergePeople(tx, items as ImportedPerson[], src, client)
        : kind === 'houses'
          ? await this.mergeHouses(tx, items as HouseImportRow[], src)
          : await this.mergeOrgs(tx, items as ImportOrgRow[], src);
    const fresh = await this.unraised(tx, ENTITY_TYPE[kind], drafts);
    const incomingSource: SourceStamp = stamp(src);
    await importsRepo.insertConflicts(
      tx,
      fresh.map((d) => ({ ...d, batchId: src.batchId, incomingSource })),
    );
    return { ...counts, conflicts: fresh.length };
  }

  /** Drop drafts equal to a conflict already open (or settled by keeping the current value), and repeats within the batch. */
  private async unraised(tx: DbOrTx, entityType: string, drafts: Draft[]): Promise<Draft[]> {
    if (!drafts.length) return [];
    const standing = await importsRepo.standingConflicts(tx, entityType, [...new Set(drafts.map((d) => d.entityId))]);
    const seen = new Set(standing.map((s) => `${s.entityId}\u0000${s.field}\u0000${incomingKey(s.incomingValue)}`));
    return drafts.filter((d) => {
      const key = `${d.entityId}\u0000${d.field}\u0000${incomingKey(d.incomingValue ?? null)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  private async mergePeople(tx: DbOrTx, rows: ImportedPerson[], src: ImportSource, client: pg.PoolClient | null) {
    const r = client ? await mergePeopleByCopy(tx, client, this.people, rows, src) : await this.people.upsertFromImport(tx, rows, src);
    const houseIds = r.conflicts.filter((c) => c.field === 'house' && typeof c.currentCmp === 'number').map((c) => c.currentCmp as number);
    const houses = houseIds.length ? await this.housing.housesInfo(houseIds, tx) : new Map();
    const drafts: Draft[] = r.conflicts.map((c) => ({
      entityType: 'person',
      entityId: c.entityId,
      field: c.field,
      currentValue: c.currentCmp === null ? null : String(c.currentCmp),
      currentShown:
        (c as { currentShown?: string | null }).currentShown ??
        (c.field === 'house' ? (houses.get(c.currentCmp as number)?.address ?? String(c.currentCmp)) : displayValue(c.field, c.currentCmp)),
      currentSource: c.currentSource,
      incomingValue: JSON.stringify(c.incoming.set),
      incomingShown: c.incoming.shown ?? displayValue(c.field, c.incoming.cmp),
      regionPath: c.regionPath,
    }));
    return { counts: { created: r.created, updated: r.updated, unchanged: r.unchanged }, drafts };
  }

  private async mergeHouses(tx: DbOrTx, rows: HouseImportRow[], src: ImportSource) {
    const r = await this.housing.upsertFromImport(tx, rows, src);
    const drafts: Draft[] = r.conflicts.map((c) => ({
      entityType: 'house',
      entityId: c.entityId,
      field: c.field,
      currentValue: c.currentCmp === null ? null : String(c.currentCmp),
      currentShown: displayValue(c.field, c.currentCmp),
      currentSource: c.currentSource,
      incomingValue: JSON.stringify(c.incoming.set),
      incomingShown: c.incoming.shown ?? displayValue(c.field, c.incoming.cmp),
      regionPath: c.regionPath,
    }));
    return { counts: { created: r.created, updated: r.updated, unchanged: r.unchanged }, drafts };
  }

  private async mergeOrgs(tx: DbOrTx, rows: ImportOrgRow[], src: ImportSource) {
    const r = await this.orgs.upsertFromImport(tx, rows, { dept: src.dept, batchId: src.batchId ?? '', at: src.at });
    const refs = await this.orgs.refs(tx, [...new Set(r.conflicts.map((c) => c.entityId))]);
    const drafts: Draft[] = r.conflicts.map((c) => ({
      entityType: 'org',
      entityId: c.entityId,
      field: c.field,
      currentValue: c.current === null ? null : String(c.current),
      currentShown: displayValue(c.field, c.current),
      currentSource: c.currentSource,
      incomingValue: JSON.stringify({ [c.field]: c.incoming }),
      incomingShown: displayValue(c.field, c.incoming),
      regionPath: refs.get(c.entityId)!.regionPath,
    }));
    return { counts: { created: r.created, updated: r.updated, unchanged: r.unchanged }, drafts };
  }
}
