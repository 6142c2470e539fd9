import { sql, type SQL, type AnyColumn } from 'drizzle-orm';
import { invalidField } from '../errors/index.js';

/**
 * Keyset pagination for lists ordered by place then id: the cursor is "<region path>.<id>".
 * Ordering and filtering use the byte-order collation so the (region_path COLLATE "C", id)
 * index serves both the prefix filter and the order.
 */
export interface PlaceCursor {
  path: string;
  id: number;
}

export function parsePlaceCursor(raw: string | undefined): PlaceCursor | undefined {
  if (!raw) return undefined;
  const m = /^(\d{1,18})\.(\d{1,15})$/.exec(raw);
  if (!m) throw invalidField('cursor', 'format', { zh: '分页游标无效', en: 'invalid cursor' });
  return { path: m[1]!, id: Number(m[2]) };
}

export function placeCursorOf(row: { regionPath: string; id: number }): string {
  return `${row.regionPath}.${row.id}`;
}

/** `region_path` inside the prefix, as a range on the byte-order index. */
export function pathPrefix(col: AnyColumn, prefix: string): SQL {
  return sql`(${col} COLLATE "C") LIKE ${prefix.replace(/[\\%_]/g, '') + '%'}`;
}

export function afterPlace(pathCol: AnyColumn, idCol: AnyColumn, c: PlaceCursor): SQL {
  return sql`((${pathCol} COLLATE "C"), ${idCol}) > (${c.path} COLLATE "C", ${c.id})`;
}

export function placeOrder(pathCol: AnyColumn, idCol: AnyColumn): SQL[] {
  return [sql`${pathCol} COLLATE "C"`, sql`${idCol}`];
}
