import type { RegionLevel } from '../types';

const ORDER: RegionLevel[] = ['city', 'district', 'street', 'community', 'grid', 'microgrid'];

export function levelRank(level: RegionLevel): number {
  return ORDER.indexOf(level);
}

/** The level directly below `level`, or null for microgrids. */
export function childLevel(level: RegionLevel): RegionLevel | null {
  return ORDER[levelRank(level) + 1] ?? null;
}

/** Levels strictly below `level` (what a map of that node can show). */
export function levelsBelow(level: RegionLevel): RegionLevel[] {
  return ORDER.slice(levelRank(level) + 1);
}

export function isGridLevel(level: RegionLevel): boolean {
  return level === 'grid' || level === 'microgrid';
}
