/**
 * Where each value came from, and how values from several departments merge.
 * A record keeps `provenance = { field: { s: department, b: import batch, t: time } }`.
 * An incoming value that equals the current one changes nothing (re-imports are no-ops); one
 * that differs replaces it when the field has no source yet or the same department set it;
 * otherwise the departments disagree and the value goes to the conflict queue instead.
 */
export interface SourceStamp {
  s: string;
  b: number | null;
  t: string;
}

export type Provenance = Record<string, SourceStamp>;

export interface ImportSource {
  dept: string;
  batchId: number | null;
  at: Date;
}

export function stamp(src: ImportSource): SourceStamp {
  return { s: src.dept, b: src.batchId, t: src.at.toISOString() };
}

/** One logical field of an incoming row: a comparable value and the columns to write. */
export interface IncomingField {
  /** What equality is judged on (e.g. a blind-index hash for an encrypted phone). */
  cmp: string | number | boolean | null;
  /** Column values to write when the field is taken. */
  set: Record<string, unknown>;
  /** How to show the value in the conflict queue (masked for personal information). */
  shown?: string;
}

export interface FieldConflict {
  field: string;
  currentCmp: string | number | boolean | null;
  incoming: IncomingField;
  currentSource: SourceStamp | null;
}

export interface MergeOutcome {
  set: Record<string, unknown>;
  provenance: Provenance;
  changed: boolean;
  conflicts: FieldConflict[];
}

export function mergeFields(
  current: Record<string, string | number | boolean | null>,
  provenance: Provenance,
  incoming: Record<string, IncomingField | undefined>,
  src: ImportSource,
): MergeOutcome {
  const set: Record<string, unknown> = {};
  const next: Provenance = { ...provenance };
  const conflicts: FieldConflict[] = [];
  let changed = false;
  for (const [field, inc] of Object.entries(incoming)) {
    // A department that lacks a value does not blank what others recorded.
    if (!inc || inc.cmp === null || inc.cmp === '') continue;
    const cur = current[field] ?? null;
    if (cur !== null && String(cur) === String(inc.cmp)) continue;
    const owner = provenance[field];
    if (cur === null || !owner || owner.s === src.dept) {
      Object.assign(set, inc.set);
      next[field] = stamp(src);
      changed = true;
    } else {
      conflicts.push({ field, currentCmp: cur, incoming: inc, currentSource: owner });
    }
  }
  return { set, provenance: next, changed, conflicts };
}

/** Provenance for a brand-new record: every provided field comes from this source. */
export function initialProvenance(incoming: Record<string, IncomingField | undefined>, src: ImportSource): Provenance {
  const p: Provenance = {};
  for (const [field, inc] of Object.entries(incoming)) if (inc && inc.cmp !== null && inc.cmp !== '') p[field] = stamp(src);
  return p;
}
