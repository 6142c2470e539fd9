import { Type, type TSchema } from '@fastify/type-provider-typebox';
import { StatusSchema } from '../tickets/contracts.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Time = Type.String({ format: 'date-time' });

export const ImportQuery = Type.Object(
  { dryRun: Type.Optional(Type.Boolean({ description: '试导入：校验、定位、查重，不写入' })) },
  { additionalProperties: false },
);

export const RowReportSchema = Type.Object({
  row: Type.Integer({ description: 'CSV 为表格行号（表头为第 1 行）；JSON 为数组中的序号（从 1 起）' }),
  ticketNo: Nullable(Type.String({ description: '热线工单编号' })),
  result: Type.Enum(['created', 'duplicate', 'error'] as const, { description: 'created 新建（试导入时为“将新建”）/ duplicate 已存在 / error 有错误，未写入' }),
  ticketId: Nullable(Type.Integer()),
  no: Nullable(Type.String({ description: 'Gridwork 工单号' })),
  errors: Type.Array(Type.Object({ field: Type.String(), rule: Type.String(), reason: Type.String() })),
});

export const ImportReportSchema = Type.Object({
  dryRun: Type.Boolean(),
  total: Type.Integer(),
  created: Type.Integer(),
  duplicates: Type.Integer(),
  errors: Type.Integer(),
  rows: Type.Array(RowReportSchema),
});

export const ResultsQuery = Type.Object(
  {
    since: Type.Optional(Type.String({ maxLength: 40, description: '此时刻（含）以后有变化的热线工单，ISO 8601' })),
    cursor: Type.Optional(Type.String({ pattern: '^\\d{1,15}\\.\\d{1,15}$', description: '上次返回的 nextCursor（优先于 since）' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);

export const ResultSchema = Type.Object({
  hotlineNo: Type.String({ description: '热线工单编号' }),
  ticketId: Type.Integer(),
  ticketNo: Type.String({ description: 'Gridwork 工单号' }),
  status: StatusSchema,
  statusName: Type.String(),
  unit: Nullable(Type.String({ description: '承办单位' })),
  reply: Nullable(Type.String({ description: '答复：最近一次办理情况，或不予受理的理由' })),
  rating: Nullable(Type.String()),
  ratingNote: Nullable(Type.String()),
  closedAt: Nullable(Time),
  resolveDueAt: Nullable(Time),
  regionCode: Type.String(),
  version: Type.Integer({ description: '每次变化加一；同一工单以较大者为准' }),
  changedAt: Time,
});

export const ResultsSchema = Type.Object({
  items: Type.Array(ResultSchema),
  nextCursor: Nullable(Type.String({ description: '下次从这里拉取（没有新变化时也返回）' })),
  hasMore: Type.Boolean({ description: '为 true 时立即再拉一页' }),
});
