import type { Db } from '../../platform/db/client.js';
import type { Actor } from '../../platform/scope/index.js';
import { normaliseAddress } from '../../platform/text/address.js';
import { parseRegionCode } from '../regions/codes.js';
import type { RegionService } from '../regions/service.js';
import type { HousingService } from '../housing/service.js';

/** Where a hotline ticket goes: a grid point, a building, or a grid (a house without a building). */
export type Place =
  | { kind: 'point'; lng: number; lat: number; regionPath: string }
  | { kind: 'building'; buildingId: number; regionPath: string }
  | { kind: 'grid'; regionCode: string; regionPath: string };

export type PlaceMiss = { miss: 'outside' | 'unmatched' | 'ambiguous' };

interface BuildingIndex {
  builtAt: number;
  /** Normalised building address → buildings with it. */
  byKey: Map<string, { id: number; regionPath: string }[]>;
  maxLen: number;
}

/** Shorter keys ("1号楼") match too much of a caller's address to mean one building. */
const MIN_KEY = 5;
const PAGE = 5000;

/**
 * Places hotline tickets. A point goes to the grid that contains it. An address is matched
 * against the house registry (exact normalised address) and then against building addresses:
 * the longest building address contained in the caller's address wins; two buildings in
 * different grids with that address is ambiguous. There is no default grid: an address that
 * matches nothing is an error row.
 *
 * Building addresses are indexed in memory per scope (from RegionService, so the regions module
 * keeps its tables), rebuilt when older than a minute.
 */
export class PlaceFinder {
  private readonly indexes = new Map<string, Promise<BuildingIndex>>();

  constructor(
    private readonly db: Db,
    private readonly regions: RegionService,
    private readonly housing: HousingService,
    private readonly ttlMs = 60_000,
  ) {}

  async byPoint(lng: number, lat: number): Promise<Place | PlaceMiss> {
    const hit = await this.regions.locatePoint(lng, lat);
    if (!hit) return { miss: 'outside' };
    const code = hit.microgrid?.code ?? hit.grid.code;
    return { kind: 'point', lng, lat, regionPath: parseRegionCode(code)!.path };
  }

  async byAddress(actor: Actor, address: string): Promise<Place | PlaceMiss> {
    const key = normaliseAddress(address);
    if (!key) return { miss: 'unmatched' };
    const scope = actor.scopePath ?? '';
    const [house] = (await this.housing.byAddressKeys(this.db, [key])).filter((h) => h.regionPath.startsWith(scope));
    if (house) {
      const info = (await this.housing.housesInfo([house.id])).get(house.id);
      if (info?.buildingId) {
        const b = await this.regions.buildingInfo(info.buildingId);
        if (b) return { kind: 'building', buildingId: b.id, regionPath: b.regionPath };
      }
      if (house.regionPath.length >= 15) return { kind: 'grid', regionCode: house.regionPath, regionPath: house.regionPath };
    }
    const idx = await this.index(actor);
    // Longest building address found anywhere in the caller's address.
    for (let len = Math.min(idx.maxLen, key.length); len >= MIN_KEY; len--) {
      const found = new Map<number, { id: number; regionPath: string }>();
      for (let i = 0; i + len <= key.length; i++) for (const b of idx.byKey.get(key.slice(i, i + len)) ?? []) found.set(b.id, b);
      if (!found.size) continue;
      const hits = [...found.values()];
      if (new Set(hits.map((h) => h.regionPath)).size > 1) return { miss: 'ambiguous' };
      return { kind: 'building', buildingId: hits[0]!.id, regionPath: hits[0]!.regionPath };
    }
    return { miss: 'unmatched' };
  }

  private async index(actor: Actor): Promise<BuildingIndex> {
    const scope = actor.scopeCode ?? '';
    const cached = this.indexes.get(scope);
    if (cached) {
      const idx = await cached.catch(() => null);
      if (idx && Date.now() - idx.builtAt < this.ttlMs) return idx;
    }
    const building = this.build(actor);
    this.indexes.set(scope, building);
    building.catch(() => this.indexes.delete(scope));
    return building;
  }

  private async build(actor: Actor): Promise<BuildingIndex> {
    const byKey = new Map<string, { id: number; regionPath: string }[]>();
    let maxLen = 0;
    let after = 0;
    for (;;) {
      const page = await this.regions.buildings(actor, actor.scopeCode!, after, PAGE);
      for (const b of page.items) {
        if (!b.address) continue;
        const k = normaliseAddress(b.address);
        if (k.length < MIN_KEY) continue;
        const list = byKey.get(k) ?? [];
        list.push({ id: b.id, regionPath: parseRegionCode(b.regionCode)!.path });
        byKey.set(k, list);
        maxLen = Math.max(maxLen, k.length);
      }
      if (!page.nextCursor) break;
      after = Number(page.nextCursor);
    }
    return { builtAt: Date.now(), byKey, maxLen };
  }
}
