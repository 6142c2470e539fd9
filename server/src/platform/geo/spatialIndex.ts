import Flatbush from 'flatbush';
import { pointInGeometry, pointInPolygonRings, polygonsOf, ringBBox } from './polygon.js';
import type { PolygonalGeometry, Ring } from './types.js';

export interface IndexedItem<T> {
  id: T;
  geometry: PolygonalGeometry;
}

/**
 * Static point → polygon index: a Flatbush R-tree over the bounding box of every polygon
 * part (so a MultiPolygon's far-apart parts do not share one huge box), then the exact
 * half-open point-in-polygon test on the few candidates. When several items contain a
 * point, the one given first wins, exactly as in bruteForceLocate.
 */
export class SpatialIndex<T> {
  readonly #ids: T[];
  /** Per Flatbush entry: which item it belongs to and that part's rings. */
  readonly #parts: { item: number; rings: Ring[] }[] = [];
  readonly #tree: Flatbush | null;

  constructor(items: readonly IndexedItem<T>[]) {
    this.#ids = items.map((it) => it.id);
    items.forEach((it, item) => {
      for (const rings of polygonsOf(it.geometry)) if (rings[0]?.length) this.#parts.push({ item, rings });
    });
    // Flatbush rejects zero items; an empty index simply answers nothing.
    this.#tree = this.#parts.length ? new Flatbush(this.#parts.length) : null;
    if (!this.#tree) return;
    for (const part of this.#parts) this.#tree.add(...ringBBox(part.rings[0]!));
    this.#tree.finish();
  }

  /** Number of items (not polygon parts) indexed. */
  get size(): number {
    return this.#ids.length;
  }

  /** The containing item's id, or null when the point is in none. */
  locate(lng: number, lat: number): T | null {
    let best = -1;
    for (const c of this.#candidates(lng, lat)) {
      const { item, rings } = this.#parts[c]!;
      // Candidates come in tree order; skip the exact test once an earlier item has matched.
      if ((best === -1 || item < best) && pointInPolygonRings(lng, lat, rings)) best = item;
    }
    return best === -1 ? null : this.#ids[best]!;
  }

  /** Every containing item's id, in input order. */
  locateAll(lng: number, lat: number): T[] {
    const hits = new Set<number>();
    for (const c of this.#candidates(lng, lat)) {
      const { item, rings } = this.#parts[c]!;
      if (!hits.has(item) && pointInPolygonRings(lng, lat, rings)) hits.add(item);
    }
    return [...hits].sort((a, b) => a - b).map((i) => this.#ids[i]!);
  }

  /** Items with a polygon part whose bounding box meets the box [w, s, e, n], in input order. */
  within(w: number, s: number, e: number, n: number): T[] {
    if (!this.#tree) return [];
    const hits = new Set(this.#tree.search(w, s, e, n).map((c) => this.#parts[c]!.item));
    return [...hits].sort((a, b) => a - b).map((i) => this.#ids[i]!);
  }

  /** Linear scan over every item, no bounding-box shortcut: the baseline the index is measured against. */
  static bruteForceLocate<T>(items: readonly IndexedItem<T>[], lng: number, lat: number): T | null {
    for (const it of items) if (pointInGeometry(lng, lat, it.geometry)) return it.id;
    return null;
  }

  #candidates(lng: number, lat: number): number[] {
    if (!this.#tree || !Number.isFinite(lng) || !Number.isFinite(lat)) return [];
    return this.#tree.search(lng, lat, lng, lat);
  }
}
