/**
 * Field-by-field merge of department data into the organisation registry (一表通: fill once,
 * many sources). Pure functions: the service reads the current rows, asks these what to write,
 * and writes everything with set-based SQL.
 */

/** Fields a department may supply, with the API's names; provenance is keyed by these too. */
export const MERGE_FIELDS = [
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
export type MergeField = (typeof MERGE_FIELDS)[number];
export type FieldValue = string | number | boolean | null;
export type MergeValues = Record<MergeField, FieldValue>;

/** Who set a field: department (`manual` for hand edits), batch, time, user. */
export interface ProvenanceEntry {
  s: string;
  b?: string | number | null;
  t: string;
  u?: string;
}
export type Provenance = Record<string, ProvenanceEntry>;

export interface ImportConflict {
  entityId: number;
  field: MergeField;
  current: FieldValue;
  incoming: FieldValue;
  currentSource: ProvenanceEntry | null;
}

export interface MergeResult {
  values: MergeValues;
  provenance: Provenance;
  changed: MergeField[];
  conflicts: Omit<ImportConflict, 'entityId'>[];
}

/** Blank cells carry no information: they never clear a value. */
export function normaliseValue(v: unknown): FieldValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') {
    const t = v.trim();
    return t === '' ? null : t;
  }
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v;
  return String(v);
}

/**
 * Apply one incoming row to the current values. A field is set when it is blank, has no recorded
 * source (a default), or was last set by the same department; a different value set by another
 * department (or by hand) is left alone and reported as a conflict for someone to resolve.
 */
export function mergeFields(
  current: { values: MergeValues; provenance: Provenance } | null,
  incoming: Partial<Record<MergeField, unknown>>,
  stamp: ProvenanceEntry,
): MergeResult {
  const values = { ...(current?.values ?? emptyValues()) };
  const provenance = { ...(current?.provenance ?? {}) };
  const changed: MergeField[] = [];
  const conflicts: MergeResult['conflicts'] = [];
  for (const field of MERGE_FIELDS) {
    const next = normaliseValue(incoming[field]);
    if (next === null) continue;
    const cur = values[field];
    if (cur === next) continue;
    const source = provenance[field];
    if (cur === null || !source || source.s === stamp.s) {
      values[field] = next;
      provenance[field] = stamp;
      changed.push(field);
    } else {
      conflicts.push({ field, current: cur, incoming: next, currentSource: source });
    }
  }
  return { values, provenance, changed, conflicts };
}

export function emptyValues(): MergeValues {
  return Object.fromEntries(MERGE_FIELDS.map((f) => [f, null])) as MergeValues;
}

/** Provenance entries for the fields a hand edit set. */
export function stampFields(provenance: Provenance, fields: readonly string[], stamp: ProvenanceEntry): Provenance {
  const out = { ...provenance };
  for (const f of fields) out[f] = stamp;
  return out;
}
