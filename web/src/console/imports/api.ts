/** Import and conflict endpoints (server/src/modules/imports). */
import { api, buildUrl, seg } from '../../shared/api';
import type { Page } from '../../shared/types';

export type ImportKind = 'people' | 'houses' | 'orgs';
export const IMPORT_KINDS: readonly ImportKind[] = ['people', 'houses', 'orgs'];

export type ImportStatus = 'queued' | 'running' | 'done' | 'failed';

/** Target field → the file's column header. */
export type ColumnMapping = Record<string, string>;

export interface TargetField {
  key: string;
  label?: string;
  required?: boolean;
}

export interface InspectResult {
  fileName?: string;
  format?: 'csv' | 'xlsx';
  /** utf-8 / gb18030 for CSV. */
  encoding?: string | null;
  headers: string[];
  /** The first rows (ID numbers and phones masked), cells in header order. */
  sample: (string | null)[][];
  /** Suggested mapping: the department's saved template when one fits the file, else by header names. */
  suggestedMapping: ColumnMapping;
  /** The template the suggestion came from. */
  suggestedMappingId: number | null;
  suggestedMappingName: string | null;
  /** Required fields the suggestion could not fill. */
  missing: string[];
  totalRows?: number | null;
  fields?: TargetField[];
}

export interface ImportMapping {
  id: number;
  name: string;
  source: string;
  kind: ImportKind;
  columns: ColumnMapping;
  updatedAt?: string;
}

export interface ImportBatch {
  id: number;
  source: string;
  kind: ImportKind;
  fileName: string;
  dryRun: boolean;
  status: ImportStatus;
  totalRows: number;
  okRows: number;
  errorRows: number;
  created: number;
  updated: number;
  unchanged: number;
  conflicts: number;
  message: string | null;
  mappingId?: number | null;
  /** The mapping the batch ran with. */
  columns?: ColumnMapping | null;
  createdAt: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  createdBy?: number | null;
  /** Share of the file read, 0–1 (null: running in another server process). */
  progress?: number | null;
  /** The scope the import ran in. */
  regionCode?: string;
}

export interface ImportError {
  id?: number;
  /** Row in the file; the header is row 1. */
  rowNo: number;
  /** The column header in the file. */
  field: string;
  rule: string;
  severity?: 'error' | 'warning' | string;
  message: string;
  value: string | null;
}

export interface RunImportInput {
  file: File;
  source: string;
  kind: ImportKind;
  columns?: ColumnMapping;
  mappingId?: number;
  dryRun: boolean;
  saveMappingAs?: string;
}

function normaliseSample(headers: string[], rows: unknown): (string | null)[][] {
  if (!Array.isArray(rows)) return [];
  return rows.map((r) => {
    if (Array.isArray(r)) return r.map((v) => (v == null ? null : String(v)));
    if (r && typeof r === 'object') {
      const o = r as Record<string, unknown>;
      return headers.map((h) => (o[h] == null ? null : String(o[h])));
    }
    return [];
  });
}

/** The inspect answer: `suggested: {mappingId, mappingName, columns, missing}` flattened. */
function normaliseInspect(raw: Record<string, unknown>): InspectResult {
  const headers = Array.isArray(raw.headers) ? raw.headers.map(String) : [];
  const sampleRaw = raw.sample ?? [];
  const sug = (raw.suggested && typeof raw.suggested === 'object' ? raw.suggested : {}) as {
    columns?: ColumnMapping;
    mappingId?: number | null;
    mappingName?: string | null;
    missing?: string[];
  };
  const fieldsRaw = raw.fields ?? raw.targetFields;
  let fields: TargetField[] | undefined;
  if (Array.isArray(fieldsRaw)) {
    fields = fieldsRaw.map((f) =>
      typeof f === 'string' ? { key: f } : { key: String((f as TargetField).key), label: (f as TargetField).label, required: (f as TargetField).required },
    );
  }
  return {
    fileName: typeof raw.fileName === 'string' ? raw.fileName : undefined,
    format: raw.format as InspectResult['format'],
    encoding: (raw.encoding ?? null) as string | null,
    headers,
    sample: normaliseSample(headers, sampleRaw),
    suggestedMapping: sug.columns ?? {},
    suggestedMappingId: sug.mappingId ?? null,
    suggestedMappingName: sug.mappingName ?? null,
    missing: sug.missing ?? [],
    totalRows: typeof raw.totalRows === 'number' ? raw.totalRows : null,
    fields,
  };
}

export const importsApi = {
  /** `source` lets the server pick the department's saved template. */
  inspect: async (file: File, kind: ImportKind, source?: string) => {
    const form = new FormData();
    form.append('kind', kind);
    if (source?.trim()) form.append('source', source.trim());
    form.append('file', file, file.name);
    return normaliseInspect(await api.upload<Record<string, unknown>>('/api/imports/inspect', form));
  },
  mappings: (q: { source?: string; kind?: ImportKind }) => api.get<ImportMapping[]>('/api/import-mappings', q),
  start: (input: RunImportInput) => {
    const form = new FormData();
    // Text fields first: a streaming multipart parser sees them before the file.
    form.append('source', input.source);
    form.append('kind', input.kind);
    if (input.mappingId) form.append('mappingId', String(input.mappingId));
    else if (input.columns) form.append('columns', JSON.stringify(input.columns));
    if (input.dryRun) form.append('dryRun', 'true');
    if (input.saveMappingAs) form.append('saveMappingAs', input.saveMappingAs);
    form.append('file', input.file, input.file.name);
    return api.upload<{ id: number } & Partial<ImportBatch>>('/api/imports', form);
  },
  get: (id: number, signal?: AbortSignal) => api.get<ImportBatch>(`/api/imports/${seg(id)}`, undefined, { signal }),
  list: (q: { cursor?: string | null; limit?: number; kind?: ImportKind; status?: ImportStatus }) => api.get<Page<ImportBatch>>('/api/imports', q),
  errors: (id: number, q: { cursor?: string | null; limit?: number } = {}) => api.get<Page<ImportError>>(`/api/imports/${seg(id)}/errors`, q),
  errorsCsvUrl: (id: number) => buildUrl(`/api/imports/${seg(id)}/errors.csv`),
};

// ---- conflicts ---------------------------------------------------------------------------------

export type ConflictEntityType = 'person' | 'house' | 'org';
export type ConflictResolution = 'keep_current' | 'take_incoming';

/** Where a value came from: a department and when (provenance stamp). */
export interface ValueSource {
  department: string | null;
  at: string | null;
  batchId: number | string | null;
  user?: string | null;
}

export interface Conflict {
  id: number;
  entityType: ConflictEntityType | string;
  entityId: number;
  field: string;
  /** Chinese label of the field from the server. */
  fieldLabel: string | null;
  currentShown: string | null;
  currentSource: ValueSource | null;
  incomingShown: string | null;
  incomingSource: ValueSource | null;
  batchId: number | null;
  status: string;
  resolution: ConflictResolution | null;
  createdAt: string | null;
  regionCode: string | null;
}

/** Sources come as `{dept, batchId, at}`; provenance stamps as `{s, b, t}`. */
export function normaliseSource(raw: unknown): ValueSource | null {
  if (!raw || typeof raw !== 'object') return null;
  const o = raw as Record<string, unknown>;
  const str = (v: unknown) => (v == null || v === '' ? null : String(v));
  return {
    department: str(o.department ?? o.dept ?? o.source ?? o.s),
    at: str(o.at ?? o.date ?? o.time ?? o.t),
    batchId: (o.batchId ?? o.b ?? null) as number | string | null,
    user: str(o.user ?? o.u),
  };
}

function normaliseConflict(raw: Record<string, unknown>): Conflict {
  return {
    id: Number(raw.id),
    entityType: String(raw.entityType ?? ''),
    entityId: Number(raw.entityId),
    field: String(raw.field ?? ''),
    fieldLabel: (raw.fieldLabel ?? null) as string | null,
    currentShown: (raw.currentShown ?? null) as string | null,
    currentSource: normaliseSource(raw.currentSource),
    incomingShown: (raw.incomingShown ?? null) as string | null,
    incomingSource: normaliseSource(raw.incomingSource),
    batchId: (raw.batchId ?? null) as number | null,
    status: String(raw.status ?? 'open'),
    resolution: (raw.resolution ?? null) as ConflictResolution | null,
    createdAt: (raw.createdAt ?? null) as string | null,
    regionCode: (raw.regionCode ?? null) as string | null,
  };
}

export const conflictsApi = {
  list: async (q: { status?: 'open' | 'resolved'; entityType?: ConflictEntityType; entityId?: number; batchId?: number; cursor?: string | null; limit?: number }) => {
    const page = await api.get<Page<Record<string, unknown>>>('/api/conflicts', q);
    return { items: page.items.map(normaliseConflict), nextCursor: page.nextCursor } as Page<Conflict>;
  },
  resolve: async (id: number, resolution: ConflictResolution) =>
    normaliseConflict(await api.post<Record<string, unknown>>(`/api/conflicts/${seg(id)}/resolve`, { resolution })),
};

/**
 * A readable name for the record a conflict is about (the conflict list carries only type and id):
 * the person's name and masked ID, the house's address, the organisation's name.
 */
export async function entityLabel(type: string, id: number): Promise<string | null> {
  try {
    if (type === 'person') {
      const p = await api.get<{ name: string; idNumber?: string }>(`/api/people/${seg(id)}`);
      return p.idNumber ? `${p.name}（${p.idNumber}）` : p.name;
    }
    if (type === 'house') return (await api.get<{ address?: string | null }>(`/api/houses/${seg(id)}`)).address ?? null;
    if (type === 'org' || type === 'organisation') return (await api.get<{ name: string }>(`/api/orgs/${seg(id)}`)).name;
  } catch {
    /* not visible or gone: the id is shown instead */
  }
  return null;
}

/** Console route of the record a conflict is about. */
export function entityPath(type: string, id: number): string | null {
  switch (type) {
    case 'person':
      return `/people/${id}`;
    case 'house':
      return `/houses/${id}`;
    case 'organisation':
    case 'org':
      return `/orgs/${id}`;
    default:
      return null;
  }
}
