import type { Db, DbOrTx } from '../../platform/db/client.js';
import { AppError, invalidField } from '../../platform/errors/index.js';
import { authorize, scopeOf, type Actor } from '../../platform/scope/index.js';
import { recordAudit, type AuditContext } from '../../platform/audit/index.js';
import { queryGrams, textGrams, likeEscape } from '../../platform/text/grams.js';
import { normaliseAddress } from '../../platform/text/address.js';
import { parsePlaceCursor, placeCursorOf } from '../../platform/http/placeCursor.js';
import { cursorPages, streamTable, type Column, type TabularFormat } from '../../platform/export/tabular.js';
import { initialProvenance, mergeFields, stamp, type FieldConflict, type ImportSource, type IncomingField, type Provenance } from '../../platform/provenance/index.js';
import type { RegionService } from '../regions/service.js';
import { requireCode } from '../regions/service.js';
import { housingRepo, type HouseImportRow, type HouseRow } from './repo.js';

export const HOUSE_USES = ['residential', 'commercial', 'office', 'mixed', 'other'] as const;
export const OCCUPANCIES = ['self_occupied', 'rented', 'vacant', 'unknown'] as const;

export interface HouseDto {
  id: number;
  buildingId: number | null;
  entranceId: number | null;
  floor: number | null;
  room: string | null;
  address: string;
  areaM2: number | null;
  use: string;
  occupancy: string;
  regionCode: string;
}

/** Households on a house, for the building view; supplied by the people module. */
export interface HouseholdDirectory {
  byHouses(houseIds: number[]): Promise<Map<number, { id: number; colour: string | null; headName: string | null; members: number }[]>>;
}

export function toHouseDto(h: HouseRow): HouseDto {
  return {
    id: h.id,
    buildingId: h.buildingId,
    entranceId: h.entranceId,
    floor: h.floor,
    room: h.room,
    address: h.address,
    areaM2: h.areaM2,
    use: h.use,
    occupancy: h.occupancy,
    regionCode: h.regionPath.length <= 12 ? h.regionPath.padEnd(12, '0') : h.regionPath,
  };
}

export interface CreateHouseInput {
  buildingId: number;
  entranceNo?: number;
  floor: number;
  room: string;
  areaM2?: number;
  use?: string;
  occupancy?: string;
}

export class HousingService {
  private households: HouseholdDirectory | null = null;

  constructor(
    private readonly db: Db,
    private readonly regions: RegionService,
  ) {}

  /** The people module registers itself here (it depends on housing, not the other way round). */
  setHouseholdDirectory(d: HouseholdDirectory): void {
    this.households = d;
  }

  async list(actor: Actor | undefined, q: { q?: string; region?: string; buildingId?: number; occupancy?: string; use?: string; cursor?: string; limit: number }) {
    const scope = scopeOf(actor, 'house.read');
    let regionPath: string | undefined;
    if (q.region) {
      regionPath = requireCode(q.region, 'region').path;
      authorize(actor, 'house.read', { path: regionPath });
    }
    const term = q.q?.trim();
    const rows = await housingRepo.list(this.db, {
      scopePath: scope,
      regionPath,
      buildingId: q.buildingId,
      grams: term ? queryGrams(term) : undefined,
      like: term ? `%${likeEscape(term)}%` : undefined,
      occupancy: q.occupancy,
      use: q.use,
      after: parsePlaceCursor(q.cursor),
      limit: q.limit + 1,
    });
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    return { items: page.map(toHouseDto), nextCursor: more ? placeCursorOf(page[page.length - 1]!) : null };
  }

  /** Export the filtered house list (CSV or XLSX), audited. */
  exportList(actor: Actor | undefined, q: { q?: string; region?: string; buildingId?: number; occupancy?: string; use?: string; format: TabularFormat }, ctx: AuditContext) {
    authorize(actor, 'person.export');
    const pages = cursorPages((cursor) => this.list(actor, { ...q, cursor, limit: 1000 }));
    const label = (m: Record<string, string>, v: string) => m[v] ?? v;
    const USE: Record<string, string> = { residential: '住宅', commercial: '商业', office: '办公', mixed: '混合', other: '其他' };
    const OCC: Record<string, string> = { self_occupied: '自住', rented: '出租', vacant: '空置', unknown: '未知' };
    const columns: Column<HouseDto>[] = [
      { title: '地址', value: (h) => h.address },
      { title: '楼层', value: (h) => h.floor },
      { title: '房号', value: (h) => h.room },
      { title: '面积（平方米）', value: (h) => h.areaM2 },
      { title: '用途', value: (h) => label(USE, h.use) },
      { title: '居住状态', value: (h) => label(OCC, h.occupancy) },
      { title: '所属区划代码', value: (h) => h.regionCode },
    ];
    const out = streamTable(q.format, columns, pages, '房屋');
    out.done
      .then((rows) => recordAudit(this.db, ctx, { action: 'house.export', entityType: 'house', scopePath: actor!.scopePath, after: { rows, filters: { ...q } } }))
      .catch(() => undefined);
    return out.stream;
  }

  async get(actor: Actor | undefined, id: number): Promise<HouseDto & { building: { id: number; name: string; address: string | null } | null }> {
    authorize(actor, 'house.read');
    const h = await housingRepo.get(this.db, id);
    if (!h) throw new AppError('house.not_found');
    authorize(actor, 'house.read', { path: h.regionPath });
    const b = h.buildingId ? await this.regions.buildingInfo(h.buildingId) : null;
    return { ...toHouseDto(h), building: b ? { id: b.id, name: b.name, address: b.address } : null };
  }

  async create(actor: Actor | undefined, input: CreateHouseInput, ctx: AuditContext): Promise<HouseDto> {
    authorize(actor, 'house.write');
    const b = await this.regions.buildingInfo(input.buildingId);
    if (!b) throw invalidField('buildingId', 'exists', { zh: '楼栋不存在', en: 'no such building' });
    authorize(actor, 'house.write', { path: b.regionPath });
    if (b.floors && input.floor > b.floors) throw invalidField('floor', 'maximum', { zh: `该楼共 ${b.floors} 层`, en: `the building has ${b.floors} floors` });
    if (input.entranceNo && b.entrances && input.entranceNo > b.entrances) {
      throw invalidField('entranceNo', 'maximum', { zh: `该楼共 ${b.entrances} 个单元`, en: `the building has ${b.entrances} entrances` });
    }
    const address = `${b.address ?? b.name}${input.entranceNo ? `${input.entranceNo}单元` : ''}${input.room}室`;
    const addressKey = normaliseAddress(address);
    return this.db.transaction(async (tx) => {
      if ((await housingRepo.byAddressKeys(tx, [addressKey])).length) {
        throw new AppError('house.duplicate', { fields: [{ field: 'room', rule: 'unique', message: { zh: '该房屋已登记', en: 'this house is already registered' } }] });
      }
      const entrance = input.entranceNo ? await housingRepo.ensureEntrance(tx, b.id, input.entranceNo, b.regionPath) : null;
      const h = await housingRepo.insert(tx, {
        buildingId: b.id,
        entranceId: entrance?.id ?? null,
        regionPath: b.regionPath,
        floor: input.floor,
        room: input.room,
        address,
        addressKey,
        addressGrams: textGrams(address),
        areaM2: input.areaM2 ?? null,
        use: input.use ?? 'residential',
        occupancy: input.occupancy ?? 'unknown',
      });
      const dto = toHouseDto(h);
      await recordAudit(tx, ctx, { action: 'house.create', entityType: 'house', entityId: h.id, scopePath: h.regionPath, after: dto });
      return dto;
    });
  }

  async update(actor: Actor | undefined, id: number, patch: { areaM2?: number | null; use?: string; occupancy?: string }, ctx: AuditContext): Promise<HouseDto> {
    authorize(actor, 'house.write');
    return this.db.transaction(async (tx) => {
      const before = await housingRepo.get(tx, id);
      if (!before) throw new AppError('house.not_found');
      authorize(actor, 'house.write', { path: before.regionPath });
      const after = await housingRepo.update(tx, id, patch);
      await recordAudit(tx, ctx, { action: 'house.update', entityType: 'house', entityId: id, scopePath: after.regionPath, before: toHouseDto(before), after: toHouseDto(after) });
      return toHouseDto(after);
    });
  }

  /** 楼栋视图: floors × entrances × houses, each house with its households' card colours. */
  async buildingLayout(actor: Actor | undefined, buildingId: number) {
    authorize(actor, 'house.read');
    const b = await this.regions.buildingInfo(buildingId);
    if (!b) throw new AppError('house.building_not_found');
    authorize(actor, 'house.read', { path: b.regionPath });
    const [entrances, houses] = await Promise.all([housingRepo.entrancesOf(this.db, buildingId), housingRepo.byBuilding(this.db, buildingId)]);
    const hh = this.households ? await this.households.byHouses(houses.map((h) => h.id)) : new Map();
    const maxFloor = Math.max(b.floors ?? 0, ...houses.map((h) => h.floor ?? 0));
    // Entrances without a registered house yet still belong in the drawing.
    const known = new Set(entrances.map((e) => e.no));
    const all = [...entrances.map((e) => ({ id: e.id as number | null, no: e.no, name: e.name }))];
    for (let no = 1; no <= (b.entrances ?? 0); no++) if (!known.has(no)) all.push({ id: null, no, name: `${no}单元` });
    all.sort((x, y) => x.no - y.no);
    return {
      building: { id: b.id, name: b.name, address: b.address, floors: maxFloor, entrances: b.entrances, regionCode: b.regionCode },
      entrances: all,
      houses: houses.map((h) => ({ ...toHouseDto(h), households: hh.get(h.id) ?? [] })),
    };
  }

  // ---- for other modules -------------------------------------------------------------------

  /** A resident moved in: vacant or unknown becomes self-occupied (rented stays rented). */
  async markOccupied(tx: DbOrTx, houseId: number): Promise<void> {
    await housingRepo.markOccupied(tx, houseId);
  }

  /** `db` is the caller's transaction when called inside one (on PGlite a second connection would wait for it forever). */
  async housesInfo(ids: number[], db: DbOrTx = this.db): Promise<Map<number, HouseDto & { regionPath: string }>> {
    const rows = await housingRepo.getMany(db, ids);
    return new Map(rows.map((h) => [h.id, { ...toHouseDto(h), regionPath: h.regionPath }]));
  }

  /** Houses whose address contains `q`, inside a scope; for people search by address. */
  async idsByAddress(scopePath: string, q: string, limit = 5000): Promise<number[]> {
    const rows = await housingRepo.list(this.db, { scopePath, grams: queryGrams(q), like: `%${likeEscape(q)}%`, limit });
    return rows.map((r) => r.id);
  }

  async byAddressKeys(db: DbOrTx, keys: string[]) {
    return housingRepo.byAddressKeys(db, keys);
  }

  /**
   * Merge imported houses by normalised address (natural key). New ones are inserted in bulk;
   * existing ones merge field by field with provenance; disagreements come back as conflicts.
   */
  async upsertFromImport(tx: DbOrTx, rows: HouseImportRow[], src: ImportSource) {
    const incomingOf = (r: HouseImportRow): Record<string, IncomingField> => ({
      areaM2: { cmp: r.areaM2, set: { areaM2: r.areaM2 } },
      use: { cmp: r.use, set: { use: r.use } },
      occupancy: { cmp: r.occupancy, set: { occupancy: r.occupancy } },
      floor: { cmp: r.floor, set: { floor: r.floor } },
      room: { cmp: r.room, set: { room: r.room } },
    });
    // Last row wins within one file for the same address.
    const byKey = new Map(rows.map((r) => [r.addressKey, r]));
    const existing = new Map((await housingRepo.byAddressKeys(tx, [...byKey.keys()])).map((e) => [e.addressKey, e.id]));
    const fresh = [...byKey.values()].filter((r) => !existing.has(r.addressKey));
    const created = await housingRepo.insertMany(tx, fresh, fresh.map((r) => initialProvenance(incomingOf(r), src)));
    const current = await housingRepo.getMany(tx, [...existing.values()]);
    const conflicts: (FieldConflict & { entityId: number; regionPath: string })[] = [];
    const updates: { id: number; set: Record<string, unknown>; provenance: Record<string, unknown> }[] = [];
    let unchanged = 0;
    for (const h of current) {
      const r = byKey.get(h.addressKey)!;
      const m = mergeFields({ areaM2: h.areaM2, use: h.use, occupancy: h.occupancy === 'unknown' ? null : h.occupancy, floor: h.floor, room: h.room }, h.provenance as Provenance, incomingOf(r), src);
      conflicts.push(...m.conflicts.map((c) => ({ ...c, entityId: h.id, regionPath: h.regionPath })));
      if (m.changed) updates.push({ id: h.id, set: m.set, provenance: m.provenance });
      else unchanged++;
    }
    await housingRepo.updateImported(tx, updates);
    return { created, updated: updates.length, unchanged, conflicts };
  }

  /** Apply a resolved import conflict: write the incoming columns and take over the field's provenance. */
  async applyConflictResolution(tx: DbOrTx, houseId: number, field: string, columns: Record<string, unknown>, src: ImportSource): Promise<void> {
    const before = await housingRepo.get(tx, houseId);
    if (!before) throw new AppError('house.not_found');
    await housingRepo.updateImported(tx, [{ id: houseId, set: columns, provenance: { ...(before.provenance as Provenance), [field]: stamp(src) } }]);
  }
}
