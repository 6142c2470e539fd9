/**
 * The registry fields a department file can fill, per import kind. The server's inspect answer
 * may list them itself (then that list wins); this one is the fallback, the same as
 * server/src/modules/imports/fields.ts.
 */
import type { ImportKind, TargetField } from './api';

export const TARGET_FIELDS: Record<ImportKind, TargetField[]> = {
  people: [
    { key: 'name', required: true },
    { key: 'idNumber', required: true },
    { key: 'phone' },
    { key: 'ethnicity' },
    { key: 'politicalStatus' },
    { key: 'registeredAddress' },
    { key: 'address' },
    { key: 'regionCode' },
    { key: 'tags' },
  ],
  houses: [
    { key: 'address', required: true },
    { key: 'regionCode' },
    { key: 'floor' },
    { key: 'room' },
    { key: 'areaM2' },
    { key: 'use' },
    { key: 'occupancy' },
  ],
  orgs: [
    { key: 'creditCode', required: true },
    { key: 'name', required: true },
    { key: 'industry' },
    { key: 'address' },
    { key: 'regionCode' },
    { key: 'employees' },
    { key: 'hasPremises' },
    { key: 'hasStaff' },
    { key: 'hasRevenue' },
  ],
};

/** Fields of the server's list merged over the fallback: server order, our labels where it has none. */
export function targetFieldsFor(kind: ImportKind, fromServer?: TargetField[]): TargetField[] {
  if (!fromServer?.length) return TARGET_FIELDS[kind];
  const known = new Map(TARGET_FIELDS[kind].map((f) => [f.key, f]));
  return fromServer.map((f) => ({ ...known.get(f.key), ...f, required: f.required ?? known.get(f.key)?.required }));
}

/** Registry kind of a conflict's entity type, for field labels. */
export function kindOfEntity(entityType: string): ImportKind {
  if (entityType === 'house') return 'houses';
  if (entityType === 'organisation' || entityType === 'org') return 'orgs';
  return 'people';
}
