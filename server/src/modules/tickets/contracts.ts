import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox';
import { STATUSES, TICKET_ACTIONS, TIERS } from './workflow.js';
import { STAT_COUNTERS, type StatCounter } from './schema.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Time = Type.String({ format: 'date-time' });

export const CHANNELS = ['patrol', 'resident', 'rider', 'hotline', 'open311', 'red_property', 'visit'] as const;
export const TICKET_TYPES = ['consultation', 'help', 'complaint', 'report', 'suggestion'] as const;
export const PRIORITIES = ['normal', 'urgent'] as const;
export const RATINGS = ['satisfied', 'basic', 'unsatisfied'] as const;
export const DUE_STATES = ['none', 'normal', 'due_soon', 'overdue', 'paused'] as const;
export type Channel = (typeof CHANNELS)[number];
export type TicketType = (typeof TICKET_TYPES)[number];
export type Rating = (typeof RATINGS)[number];
export type DueState = (typeof DUE_STATES)[number];

export const ChannelSchema = Type.Enum(CHANNELS, { description: 'patrol 网格巡查 / resident 居民上报 / rider 骑手随手拍 / hotline 12345 / open311 / red_property 红色物业问题清单 / visit 入户走访' });
export const TicketTypeSchema = Type.Enum(TICKET_TYPES, { description: 'consultation 咨询 / help 求助 / complaint 投诉 / report 举报 / suggestion 建议' });
export const StatusSchema = Type.Enum(STATUSES);
export const TierSchema = Type.Enum(TIERS);
export const ActionSchema = Type.Enum(TICKET_ACTIONS);
const Lng = Type.Number({ minimum: -180, maximum: 180 });
const Lat = Type.Number({ minimum: -90, maximum: 90 });
const UploadId = Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const Photos = Type.Array(UploadId, { maxItems: 9, description: '照片（先 POST /api/uploads 得到 id）' });

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

export const CreateTicketBody = Type.Object(
  {
    type: Type.Optional(TicketTypeSchema),
    categoryCode: Type.String({ minLength: 2, maxLength: 12, description: '问题分类代码（叶子或大类）' }),
    title: Type.Optional(Type.String({ maxLength: 128 })),
    description: Type.String({ minLength: 1, maxLength: 4000 }),
    lng: Type.Optional(Lng),
    lat: Type.Optional(Lat),
    address: Type.Optional(Type.String({ maxLength: 256 })),
    buildingId: Type.Optional(Type.Integer({ minimum: 1 })),
    /** When there is no point: the grid (or finer) the matter is in. */
    regionCode: Type.Optional(Type.String({ maxLength: 18 })),
    photos: Type.Optional(Photos),
    anonymous: Type.Optional(Type.Boolean({ description: '对处置人员匿名' })),
    priority: Type.Optional(Type.Enum(PRIORITIES)),
    /** Staff entering a matter for someone else; residents' own come from their account. */
    channel: Type.Optional(ChannelSchema),
    reporterName: Type.Optional(Type.String({ maxLength: 64 })),
    reporterPhone: Type.Optional(Type.String({ maxLength: 32 })),
    personId: Type.Optional(Type.Integer({ minimum: 1 })),
    householdId: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type CreateTicketBody = Static<typeof CreateTicketBody>;

export const TargetSchema = Type.Object(
  {
    tier: TierSchema,
    /** Department name when tier = department. */
    unitName: Type.Optional(Type.String({ maxLength: 64 })),
    /** Region the unit answers for; defaults to the ticket's region at that tier (a department: the district). */
    regionCode: Type.Optional(Type.String({ maxLength: 18 })),
  },
  { additionalProperties: false },
);
export type Target = Static<typeof TargetSchema>;

export const ActionParams = Type.Object({ id: Type.Integer({ minimum: 1 }), action: ActionSchema }, { additionalProperties: false });
export const ActionBody = Type.Object(
  {
    /** The version the screen showed; a stale one is refused (someone acted meanwhile). */
    version: Type.Optional(Type.Integer({ minimum: 0 })),
    note: Type.Optional(Type.String({ maxLength: 2000, description: '说明 / 原因 / 处置情况' })),
    target: Type.Optional(TargetSchema),
    /** accept: dispatch at once by the catalogue (受理并派单). */
    dispatch: Type.Optional(Type.Boolean()),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, description: '延期工作日数' })),
    rating: Type.Optional(Type.Enum(RATINGS)),
    intoId: Type.Optional(Type.Integer({ minimum: 1, description: '并入的主工单' })),
    leaderName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    photos: Type.Optional(Photos),
  },
  { additionalProperties: false },
);
export type ActionBody = Static<typeof ActionBody>;

const UnitRef = Type.Object({ key: Type.String(), tier: TierSchema, name: Type.String(), regionCode: Type.String() });

export const TicketSchema = Type.Object({
  id: Type.Integer(),
  no: Type.String(),
  channel: ChannelSchema,
  type: TicketTypeSchema,
  categoryCode: Type.String(),
  categoryName: Type.String(),
  status: StatusSchema,
  priority: Type.String(),
  title: Type.String(),
  description: Type.String(),
  lng: Nullable(Type.Number()),
  lat: Nullable(Type.Number()),
  address: Nullable(Type.String()),
  buildingId: Nullable(Type.Integer()),
  regionCode: Type.String(),
  regionName: Type.String(),
  reporterName: Nullable(Type.String()),
  reporterPhone: Nullable(Type.String({ description: '脱敏' })),
  anonymous: Type.Boolean(),
  mine: Type.Boolean({ description: '我上报的' }),
  personId: Nullable(Type.Integer()),
  householdId: Nullable(Type.Integer()),
  externalId: Nullable(Type.String()),
  assignee: Nullable(UnitRef),
  leaderName: Nullable(Type.String()),
  respondDueAt: Nullable(Time),
  resolveDueAt: Nullable(Time),
  dueState: Type.Enum(DUE_STATES),
  extensionRequestedDays: Nullable(Type.Integer()),
  acceptedAt: Nullable(Time),
  dispatchedAt: Nullable(Time),
  respondedAt: Nullable(Time),
  handledAt: Nullable(Time),
  verifiedAt: Nullable(Time),
  closedAt: Nullable(Time),
  rating: Nullable(Type.Enum(RATINGS)),
  ratingNote: Nullable(Type.String()),
  reopenCount: Type.Integer(),
  supervisedCount: Type.Integer(),
  escalations: Type.Integer(),
  respondOverdue: Type.Boolean(),
  resolveOverdue: Type.Boolean(),
  mergedIntoId: Nullable(Type.Integer()),
  photos: Type.Array(Type.String()),
  handlePhotos: Type.Array(Type.String()),
  handleNote: Nullable(Type.String()),
  refuseReason: Nullable(Type.String()),
  version: Type.Integer(),
  createdAt: Time,
  updatedAt: Time,
  /** What the caller may do now (buttons to show). */
  actions: Type.Array(ActionSchema),
});
export type TicketDto = Static<typeof TicketSchema>;

export const EventSchema = Type.Object({
  id: Type.Integer(),
  at: Time,
  actorName: Nullable(Type.String()),
  action: Type.String(),
  fromStatus: Nullable(Type.String()),
  toStatus: Nullable(Type.String()),
  note: Nullable(Type.String()),
  data: Type.Any(),
});
export type EventDto = Static<typeof EventSchema>;

export const DuplicateSchema = Type.Object({
  id: Type.Integer(),
  no: Type.String(),
  title: Type.String(),
  status: StatusSchema,
  distanceM: Type.Number(),
  createdAt: Time,
});
export type DuplicateDto = Static<typeof DuplicateSchema>;

export const TicketDetailSchema = Type.Object({ ...TicketSchema.properties, events: Type.Array(EventSchema), duplicates: Type.Array(DuplicateSchema) });
export type TicketDetailDto = Static<typeof TicketDetailSchema>;

export const CreatedTicketSchema = Type.Object({ ...TicketSchema.properties, duplicates: Type.Array(DuplicateSchema) });

export const TicketListQuery = Type.Object(
  {
    /** all: everything in my area; tasks: what my unit must act on; reported: what I reported. */
    view: Type.Optional(Type.Enum(['all', 'tasks', 'reported'] as const, { default: 'all' })),
    status: Type.Optional(Type.String({ maxLength: 200, description: '状态，逗号分隔' })),
    due: Type.Optional(Type.Enum(['due_soon', 'overdue'] as const)),
    categoryCode: Type.Optional(Type.String({ maxLength: 12 })),
    channel: Type.Optional(ChannelSchema),
    region: Type.Optional(Type.String({ maxLength: 18 })),
    q: Type.Optional(Type.String({ maxLength: 64, description: '工单号或标题、描述中的文字' })),
    cursor: Type.Optional(Type.String({ pattern: '^\\d{1,15}$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 30 })),
  },
  { additionalProperties: false },
);
export type TicketListQuery = Static<typeof TicketListQuery>;

export const DuplicateQuery = Type.Object(
  { categoryCode: Type.String({ maxLength: 12 }), lng: Lng, lat: Lat },
  { additionalProperties: false },
);

export const NoticeSchema = Type.Object({
  id: Type.Integer(),
  ticketId: Type.Integer(),
  ticketNo: Type.String(),
  title: Type.String(),
  kind: Type.String(),
  message: Type.String(),
  createdAt: Time,
  read: Type.Boolean(),
});
export const InboxSchema = Type.Object({
  counts: Type.Object({ newTasks: Type.Integer(), inProgress: Type.Integer(), dueSoon: Type.Integer(), overdue: Type.Integer(), toVerify: Type.Integer(), toAccept: Type.Integer(), toDispatch: Type.Integer(), unread: Type.Integer() }),
  notices: Type.Array(NoticeSchema),
});
export const ReadNoticesBody = Type.Object({ ids: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 500 }) }, { additionalProperties: false });

export const CategorySchema = Type.Object({
  code: Type.String(),
  parentCode: Nullable(Type.String()),
  name: Type.String(),
  nameEn: Nullable(Type.String()),
  complexity: Type.String(),
  defaultTier: TierSchema,
  defaultUnit: Nullable(Type.String()),
  respondValue: Nullable(Type.Integer()),
  respondUnit: Nullable(Type.String()),
  resolveValue: Type.Integer(),
  resolveUnit: Type.String(),
  attributes: Type.Array(Type.Any()),
  active: Type.Boolean(),
});
export type CategoryDto = Static<typeof CategorySchema>;
export const LimitUnitSchema = Type.Enum(['hour', 'workday'] as const);
export const UpdateCategoryBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    complexity: Type.Optional(Type.Enum(['simple', 'complex'] as const)),
    defaultTier: Type.Optional(TierSchema),
    defaultUnit: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    respondValue: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 720 }))),
    respondUnit: Type.Optional(Nullable(LimitUnitSchema)),
    resolveValue: Type.Optional(Type.Integer({ minimum: 1, maximum: 720 })),
    resolveUnit: Type.Optional(LimitUnitSchema),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type UpdateCategoryBody = Static<typeof UpdateCategoryBody>;
export const CodeParams = Type.Object({ code: Type.String({ maxLength: 12 }) }, { additionalProperties: false });

export const DispatchRuleSchema = Type.Object({
  id: Type.Integer(),
  categoryCode: Type.String(),
  categoryName: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  tier: TierSchema,
  unitName: Nullable(Type.String()),
  unitRegionCode: Nullable(Type.String()),
  resolveValue: Nullable(Type.Integer()),
  resolveUnit: Nullable(Type.String()),
});
export type DispatchRuleDto = Static<typeof DispatchRuleSchema>;
export const CreateDispatchRuleBody = Type.Object(
  {
    categoryCode: Type.String({ maxLength: 12 }),
    regionCode: Type.String({ maxLength: 18 }),
    tier: TierSchema,
    unitName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    unitRegionCode: Type.Optional(Type.String({ maxLength: 18 })),
    resolveValue: Type.Optional(Type.Integer({ minimum: 1, maximum: 720 })),
    resolveUnit: Type.Optional(LimitUnitSchema),
  },
  { additionalProperties: false },
);
export type CreateDispatchRuleBody = Static<typeof CreateDispatchRuleBody>;

export const TargetOptionSchema = Type.Object({ tier: TierSchema, unitName: Nullable(Type.String()), regionCode: Type.String(), name: Type.String(), byCatalogue: Type.Boolean() });

export const METRIC_DIMENSIONS = ['region', 'unit', 'category'] as const;
export const MetricsQuery = Type.Object(
  {
    region: Type.Optional(Type.String({ maxLength: 18, description: '默认为本人管辖范围' })),
    from: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}$', description: '起始月份 YYYY-MM（含）' })),
    to: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}$', description: '截止月份 YYYY-MM（含）' })),
    by: Type.Optional(Type.Enum(METRIC_DIMENSIONS, { default: 'region' })),
  },
  { additionalProperties: false },
);
export type MetricsQuery = Static<typeof MetricsQuery>;
/** The counters (server/src/modules/tickets/schema.ts STAT_COUNTERS), each a number of tickets. */
const Counts = Type.Object(Object.fromEntries(STAT_COUNTERS.map((k) => [k, Type.Integer()])) as Record<StatCounter, ReturnType<typeof Type.Integer>>);
const Rates = Type.Object({
  responseRate: Nullable(Type.Number()),
  onTimeRate: Nullable(Type.Number()),
  resolutionRate: Nullable(Type.Number()),
  satisfactionRate: Nullable(Type.Number()),
  closedInGridRate: Nullable(Type.Number()),
  closedInCommunityRate: Nullable(Type.Number()),
});
export const MetricsRowSchema = Type.Object({ key: Type.String(), name: Type.String(), counts: Counts, rates: Rates, rank: Type.Integer() });
export const MetricsSchema = Type.Object({
  region: Type.Object({ code: Type.String(), name: Type.String() }),
  from: Type.String(),
  to: Type.String(),
  by: Type.Enum(METRIC_DIMENSIONS),
  totals: Type.Object({ counts: Counts, rates: Rates }),
  months: Type.Array(Type.Object({ month: Type.String(), counts: Counts, rates: Rates })),
  rows: Type.Array(MetricsRowSchema),
});
export type MetricsDto = Static<typeof MetricsSchema>;

export const CalendarQuery = Type.Object({ year: Type.Integer({ minimum: 2004, maximum: 2100 }) }, { additionalProperties: false });
export const CalendarSchema = Type.Object({
  year: Type.Integer(),
  covered: Type.Boolean({ description: '节假日数据是否覆盖该年' }),
  holidays: Type.Array(Type.String()),
  makeUpWorkdays: Type.Array(Type.String()),
  overrides: Type.Array(Type.Object({ day: Type.String(), work: Type.Boolean(), note: Nullable(Type.String()) })),
});
export const DayParams = Type.Object({ day: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }) }, { additionalProperties: false });
export const OverrideBody = Type.Object({ work: Type.Boolean(), note: Type.Optional(Type.String({ maxLength: 128 })) }, { additionalProperties: false });
