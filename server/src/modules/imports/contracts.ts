import { Type, type Static } from '@fastify/type-provider-typebox';
import { CursorQuery } from '../../platform/http/contracts.js';
import { IMPORT_KINDS } from './fields.js';

const Nullable = <T extends ReturnType<typeof Type.String | typeof Type.Integer>>(t: T) => Type.Union([t, Type.Null()]);
const Page = <T extends ReturnType<typeof Type.Object>>(item: T) => Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) });

export const KindSchema = Type.Enum(IMPORT_KINDS);
/** Target field → the department's column header. */
export const ColumnsSchema = Type.Record(Type.String({ maxLength: 32 }), Type.String({ maxLength: 128 }), { description: '目标字段 → 文件中的列名' });

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const MappingSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  source: Type.String({ description: '来源部门，如“民政局”' }),
  kind: Type.String(),
  columns: ColumnsSchema,
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const MappingsQuery = Type.Object(
  { source: Type.Optional(Type.String({ maxLength: 64 })), kind: Type.Optional(KindSchema) },
  { additionalProperties: false },
);

export const CreateMappingBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    source: Type.String({ minLength: 1, maxLength: 64 }),
    kind: KindSchema,
    columns: ColumnsSchema,
  },
  { additionalProperties: false },
);
export type CreateMappingBody = Static<typeof CreateMappingBody>;

export const UpdateMappingBody = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })), columns: Type.Optional(ColumnsSchema) },
  { additionalProperties: false, minProperties: 1 },
);

export const InspectResponse = Type.Object({
  fileName: Type.String(),
  format: Type.Enum(['csv', 'xlsx'] as const),
  encoding: Nullable(Type.String({ description: 'utf-8 / gb18030 for CSV; null for XLSX' })),
  headers: Type.Array(Type.String()),
  sample: Type.Array(Type.Array(Type.String()), { description: 'first 5 data rows; ID numbers and phones masked' }),
  fields: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), required: Type.Boolean() })),
  suggested: Type.Object({
    mappingId: Nullable(Type.Integer()),
    mappingName: Nullable(Type.String()),
    columns: ColumnsSchema,
    missing: Type.Array(Type.String(), { description: 'required fields the suggestion could not fill' }),
  }),
});

export const BatchSchema = Type.Object({
  id: Type.Integer(),
  source: Type.String(),
  kind: Type.String(),
  fileName: Type.String(),
  fileSha256: Type.String(),
  mappingId: Nullable(Type.Integer()),
  columns: ColumnsSchema,
  dryRun: Type.Boolean(),
  status: Type.String({ description: 'queued / running / done / failed' }),
  progress: Type.Union([Type.Number(), Type.Null()], { description: 'share of the file read, 0–1 (null: running in another process)' }),
  totalRows: Type.Integer(),
  okRows: Type.Integer(),
  errorRows: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  conflicts: Type.Integer({ description: 'conflicts newly queued by this import' }),
  message: Nullable(Type.String()),
  regionCode: Type.String({ description: 'the scope the import ran in' }),
  createdBy: Nullable(Type.Integer()),
  createdAt: Type.String(),
  startedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
});

export const BatchesQuery = Type.Object(
  { kind: Type.Optional(KindSchema), status: Type.Optional(Type.Enum(['queued', 'running', 'done', 'failed'] as const)), ...CursorQuery },
  { additionalProperties: false },
);

export const ErrorSchema = Type.Object({
  id: Type.Integer(),
  rowNo: Type.Integer({ description: 'row in the file; the header is row 1' }),
  field: Type.String({ description: 'the column header in the file' }),
  rule: Type.String(),
  severity: Type.String({ description: 'error (row not imported) / warning (imported)' }),
  message: Type.String(),
  value: Nullable(Type.String()),
});

export const ErrorsQuery = Type.Object({ ...CursorQuery }, { additionalProperties: false });

const SourceSchema = Type.Object({ dept: Type.String(), batchId: Nullable(Type.Integer()), at: Type.String() });

export const ConflictSchema = Type.Object({
  id: Type.Integer(),
  entityType: Type.String({ description: 'person / house / org' }),
  entityId: Type.Integer(),
  field: Type.String(),
  fieldLabel: Type.String(),
  currentShown: Nullable(Type.String()),
  currentSource: Type.Union([SourceSchema, Type.Null()]),
  incomingShown: Nullable(Type.String()),
  incomingSource: SourceSchema,
  batchId: Nullable(Type.Integer()),
  regionCode: Type.String(),
  status: Type.String({ description: 'open / resolved' }),
  resolution: Nullable(Type.String()),
  resolvedBy: Nullable(Type.Integer()),
  resolvedAt: Nullable(Type.String()),
  createdAt: Type.String(),
});

export const ConflictsQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(['open', 'resolved'] as const)),
    entityType: Type.Optional(Type.Enum(['person', 'house', 'org'] as const)),
    entityId: Type.Optional(Type.Integer({ minimum: 1 })),
    batchId: Type.Optional(Type.Integer({ minimum: 1 })),
    ...CursorQuery,
  },
  { additionalProperties: false },
);

export const ResolveBody = Type.Object({ resolution: Type.Enum(['keep_current', 'take_incoming'] as const) }, { additionalProperties: false });

export const Pages = { batches: Page(BatchSchema), errors: Page(ErrorSchema), conflicts: Page(ConflictSchema) };
