/**
 * 接诉即办 (the closed loop of residents' problems): types mirroring
 * server/src/modules/tickets/contracts.ts (`npm run typecheck` fails when they drift apart:
 * contracts/tickets.check.ts), label keys, colours and the endpoints.
 * Shared by the console and the mobile app, so it imports no UI library: labels are i18n keys
 * (resolve them with `t`), colours are plain hex strings.
 */
import { api, request, seg } from './api';
import type { MessageKey } from './i18n/zh-CN';
import type { Page } from './types';

// ---- enums (same order as the server) -----------------------------------------------------------

export const TICKET_STATUSES = ['reported', 'accepted', 'refused', 'dispatched', 'in_progress', 'handled', 'verified', 'closed', 'merged'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const OPEN_STATUSES: readonly TicketStatus[] = ['reported', 'accepted', 'dispatched', 'in_progress', 'handled', 'verified'];
/** States in which a handling unit holds the ticket and its clock runs. */
export const RUNNING_STATUSES: readonly TicketStatus[] = ['dispatched', 'in_progress'];

export const TICKET_ACTIONS = [
  'accept',
  'refuse',
  'dispatch',
  'redispatch',
  'return',
  'start',
  'handle',
  'verify',
  'reject_verification',
  'rate',
  'close',
  'request_extension',
  'approve_extension',
  'reject_extension',
  'merge',
  'escalate',
  'assign_leader',
  'supervise',
] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

export const TIERS = ['grid', 'community', 'street', 'district', 'department'] as const;
export type Tier = (typeof TIERS)[number];
export const CHANNELS = ['patrol', 'resident', 'rider', 'hotline', 'open311', 'red_property', 'visit'] as const;
export type Channel = (typeof CHANNELS)[number];
/** Channels staff choose when entering a matter for someone else. */
export const STAFF_CHANNELS: readonly Channel[] = ['hotline', 'visit', 'patrol', 'red_property', 'resident'];
export const TICKET_TYPES = ['consultation', 'help', 'complaint', 'report', 'suggestion'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];
export const PRIORITIES = ['normal', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const RATINGS = ['satisfied', 'basic', 'unsatisfied'] as const;
export type Rating = (typeof RATINGS)[number];
export const DUE_STATES = ['none', 'normal', 'due_soon', 'overdue', 'paused'] as const;
export type DueState = (typeof DUE_STATES)[number];
export const LIMIT_UNITS = ['hour', 'workday'] as const;
export type LimitUnit = (typeof LIMIT_UNITS)[number];
export const COMPLEXITIES = ['simple', 'complex'] as const;
export type Complexity = (typeof COMPLEXITIES)[number];
export const METRIC_DIMENSIONS = ['region', 'unit', 'category'] as const;
export type MetricDimension = (typeof METRIC_DIMENSIONS)[number];
export const TICKET_VIEWS = ['all', 'tasks', 'reported'] as const;
export type TicketView = (typeof TICKET_VIEWS)[number];

// ---- DTOs ---------------------------------------------------------------------------------------

export interface UnitRef {
  key: string;
  tier: Tier;
  name: string;
  regionCode: string;
}

export interface TicketDto {
  id: number;
  no: string;
  channel: Channel;
  type: TicketType;
  categoryCode: string;
  categoryName: string;
  status: TicketStatus;
  priority: Priority | string;
  title: string;
  description: string;
  lng: number | null;
  lat: number | null;
  address: string | null;
  buildingId: number | null;
  regionCode: string;
  regionName: string;
  reporterName: string | null;
  /** masked */
  reporterPhone: string | null;
  anonymous: boolean;
  /** reported by me */
  mine: boolean;
  personId: number | null;
  householdId: number | null;
  externalId: string | null;
  assignee: UnitRef | null;
  leaderName: string | null;
  respondDueAt: string | null;
  resolveDueAt: string | null;
  dueState: DueState;
  extensionRequestedDays: number | null;
  acceptedAt: string | null;
  dispatchedAt: string | null;
  respondedAt: string | null;
  handledAt: string | null;
  verifiedAt: string | null;
  closedAt: string | null;
  rating: Rating | null;
  ratingNote: string | null;
  reopenCount: number;
  supervisedCount: number;
  escalations: number;
  respondOverdue: boolean;
  resolveOverdue: boolean;
  mergedIntoId: number | null;
  photos: string[];
  handlePhotos: string[];
  handleNote: string | null;
  refuseReason: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** What the caller may do now (the buttons to show). */
  actions: TicketAction[];
}

export interface EventDto {
  id: number;
  at: string;
  actorName: string | null;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  note: string | null;
  data: unknown;
}

export interface DuplicateDto {
  id: number;
  no: string;
  title: string;
  status: TicketStatus;
  distanceM: number;
  createdAt: string;
}

export interface TicketDetailDto extends TicketDto {
  events: EventDto[];
  duplicates: DuplicateDto[];
}

export interface CreatedTicketDto extends TicketDto {
  duplicates: DuplicateDto[];
}

export interface CreateTicketBody {
  type?: TicketType;
  categoryCode: string;
  title?: string;
  description: string;
  lng?: number;
  lat?: number;
  address?: string;
  buildingId?: number;
  /** When there is no point: the grid (or finer) the matter is in. */
  regionCode?: string;
  photos?: string[];
  anonymous?: boolean;
  priority?: Priority;
  channel?: Channel;
  reporterName?: string;
  reporterPhone?: string;
  personId?: number;
  householdId?: number;
}

export interface Target {
  tier: Tier;
  /** Department name when tier = department. */
  unitName?: string;
  regionCode?: string;
}

export interface ActionBody {
  /** The version the screen showed; a stale one is refused. */
  version?: number;
  note?: string;
  target?: Target;
  /** accept: dispatch at once by the catalogue (受理并派单). */
  dispatch?: boolean;
  days?: number;
  rating?: Rating;
  intoId?: number;
  leaderName?: string;
  photos?: string[];
}

export interface TicketListQuery {
  view?: TicketView;
  /** comma-separated statuses */
  status?: string;
  due?: 'due_soon' | 'overdue';
  categoryCode?: string;
  channel?: Channel;
  region?: string;
  q?: string;
  cursor?: string | null;
  limit?: number;
}

export interface NoticeDto {
  id: number;
  ticketId: number;
  ticketNo: string;
  title: string;
  kind: string;
  message: string;
  createdAt: string;
  read: boolean;
}

export interface InboxCounts {
  newTasks: number;
  inProgress: number;
  dueSoon: number;
  overdue: number;
  toVerify: number;
  toAccept: number;
  /** Accepted, waiting for dispatch in the caller's area. */
  toDispatch: number;
  unread: number;
}

export interface InboxDto {
  counts: InboxCounts;
  notices: NoticeDto[];
}

export interface CategoryAttribute {
  code: string;
  datatype: string;
  required: boolean;
  order: number;
  description: string;
  values?: { key: string; name: string }[];
}

export interface CategoryDto {
  code: string;
  parentCode: string | null;
  name: string;
  nameEn: string | null;
  complexity: Complexity | string;
  defaultTier: Tier;
  defaultUnit: string | null;
  respondValue: number | null;
  respondUnit: LimitUnit | string | null;
  resolveValue: number;
  resolveUnit: LimitUnit | string;
  attributes: CategoryAttribute[];
  active: boolean;
}

export interface UpdateCategoryBody {
  name?: string;
  complexity?: Complexity;
  defaultTier?: Tier;
  defaultUnit?: string | null;
  respondValue?: number | null;
  respondUnit?: LimitUnit | null;
  resolveValue?: number;
  resolveUnit?: LimitUnit;
  active?: boolean;
}

export interface DispatchRuleDto {
  id: number;
  categoryCode: string;
  categoryName: string;
  regionCode: string;
  regionName: string;
  tier: Tier;
  unitName: string | null;
  unitRegionCode: string | null;
  resolveValue: number | null;
  resolveUnit: LimitUnit | string | null;
}

export interface CreateDispatchRuleBody {
  categoryCode: string;
  regionCode: string;
  tier: Tier;
  unitName?: string;
  unitRegionCode?: string;
  resolveValue?: number;
  resolveUnit?: LimitUnit;
}

export interface TargetOption {
  tier: Tier;
  unitName: string | null;
  regionCode: string;
  name: string;
  /** what the dispatch catalogue suggests */
  byCatalogue: boolean;
}

export interface MetricRates {
  responseRate: number | null;
  onTimeRate: number | null;
  resolutionRate: number | null;
  satisfactionRate: number | null;
  closedInGridRate: number | null;
  closedInCommunityRate: number | null;
}
export type MetricRateKey = keyof MetricRates;
export const METRIC_RATE_KEYS: readonly MetricRateKey[] = ['responseRate', 'onTimeRate', 'resolutionRate', 'satisfactionRate', 'closedInGridRate', 'closedInCommunityRate'];

export interface MetricsRow {
  key: string;
  name: string;
  counts: Record<string, number>;
  rates: MetricRates;
  rank: number;
}

export interface MetricsDto {
  region: { code: string; name: string };
  from: string;
  to: string;
  by: MetricDimension;
  totals: { counts: Record<string, number>; rates: MetricRates };
  months: { month: string; counts: Record<string, number>; rates: MetricRates }[];
  rows: MetricsRow[];
}

export interface MetricsQuery {
  region?: string;
  /** YYYY-MM, inclusive */
  from?: string;
  to?: string;
  by?: MetricDimension;
}

export interface CalendarOverride {
  day: string;
  work: boolean;
  note: string | null;
}

export interface CalendarDto {
  year: number;
  /** whether the holiday data covers the year */
  covered: boolean;
  holidays: string[];
  makeUpWorkdays: string[];
  overrides: CalendarOverride[];
}

// ---- labels (i18n keys) ----------------------------------------------------------------------------

const keyOf = (prefix: string, v: string) => `${prefix}.${v}` as MessageKey;

export const ticketLabelKey = {
  status: (s: string) => keyOf('ticket.status', s),
  action: (a: string) => keyOf('ticket.action', a),
  tier: (t: string) => keyOf('ticket.tier', t),
  channel: (c: string) => keyOf('ticket.channel', c),
  type: (t: string) => keyOf('ticket.type', t),
  rating: (r: string) => keyOf('ticket.rating', r),
  priority: (p: string) => keyOf('ticket.priority', p),
  dueState: (d: string) => keyOf('ticket.due', d),
  limitUnit: (u: string) => keyOf('ticket.limitUnit', u),
  complexity: (c: string) => keyOf('ticket.complexity', c),
  rate: (r: string) => keyOf('ticket.rate', r),
  count: (c: string) => keyOf('ticket.count', c),
};

/** A translate function that falls back to `fallback` when the key is unknown (the i18n `tx`). */
export type Tx = (key: string, fallback?: string) => string;

/** Labels of the enum-like fields, with the raw value as fallback. */
export function ticketLabels(tx: Tx) {
  const make = (k: (v: string) => string) => (v: string | null | undefined) => (v ? tx(k(v), v) : '');
  return {
    status: make(ticketLabelKey.status),
    action: make(ticketLabelKey.action),
    tier: make(ticketLabelKey.tier),
    channel: make(ticketLabelKey.channel),
    type: make(ticketLabelKey.type),
    rating: make(ticketLabelKey.rating),
    priority: make(ticketLabelKey.priority),
    dueState: make(ticketLabelKey.dueState),
    limitUnit: make(ticketLabelKey.limitUnit),
    complexity: make(ticketLabelKey.complexity),
    rate: make(ticketLabelKey.rate),
    count: make(ticketLabelKey.count),
  };
}
export type TicketLabels = ReturnType<typeof ticketLabels>;

// ---- colours ---------------------------------------------------------------------------------------

/** Due state → colour: overdue red, due soon orange, paused blue, normal green. */
export const DUE_STATE_COLOR: Record<DueState, string> = {
  overdue: '#cf1322',
  due_soon: '#fa8c16',
  paused: '#1677ff',
  normal: '#389e0d',
  none: '#8c8c8c',
};

export const STATUS_COLOR: Record<TicketStatus, string> = {
  reported: '#d48806',
  accepted: '#08979c',
  refused: '#8c8c8c',
  dispatched: '#1677ff',
  in_progress: '#2f54eb',
  handled: '#722ed1',
  verified: '#7cb305',
  closed: '#389e0d',
  merged: '#8c8c8c',
};

/** Actions that need a stronger warning colour on a button (refusals, failures). */
export const DANGER_ACTIONS: ReadonlySet<TicketAction> = new Set(['refuse', 'reject_verification', 'reject_extension', 'return']);
/** The main next step(s) of each state: shown as primary buttons. */
export const PRIMARY_ACTIONS: ReadonlySet<TicketAction> = new Set(['accept', 'dispatch', 'start', 'handle', 'verify', 'close', 'approve_extension', 'rate']);

// ---- deadlines -------------------------------------------------------------------------------------

export interface Deadline {
  kind: 'respond' | 'resolve';
  at: string;
  /** ms until the deadline (negative when past) */
  remainingMs: number;
}

/**
 * The deadline that matters now: the response deadline while a dispatched ticket waits for the
 * unit's first action, otherwise the resolve deadline. Null unless a unit holds the ticket
 * (dispatched / in progress): the same rule as the server's dueState.
 */
export function currentDeadline(t: Pick<TicketDto, 'status' | 'respondDueAt' | 'resolveDueAt' | 'respondedAt'>, now = Date.now()): Deadline | null {
  if (!RUNNING_STATUSES.includes(t.status)) return null;
  if (t.status === 'dispatched' && !t.respondedAt && t.respondDueAt) {
    return { kind: 'respond', at: t.respondDueAt, remainingMs: Date.parse(t.respondDueAt) - now };
  }
  if (t.resolveDueAt) return { kind: 'resolve', at: t.resolveDueAt, remainingMs: Date.parse(t.resolveDueAt) - now };
  return null;
}

/** "2天3小时" / "45分钟" (zh) or "2 d 3 h" (en): a duration in the two largest units. */
export function formatDuration(ms: number, lang: string): string {
  const min = Math.max(0, Math.round(Math.abs(ms) / 60_000));
  const d = Math.floor(min / 1440);
  const h = Math.floor((min % 1440) / 60);
  const m = min % 60;
  const en = lang === 'en';
  const u = en ? { d: ' d', h: ' h', m: ' min' } : { d: '天', h: '小时', m: '分钟' };
  const parts: string[] = [];
  if (d) parts.push(`${d}${u.d}`);
  if (h) parts.push(`${h}${u.h}`);
  if (!d && (m || !h)) parts.push(`${m}${u.m}`);
  return parts.slice(0, 2).join(en ? ' ' : '');
}

/** "剩余 2天3小时" / "超期 5小时" / "暂停计时" — in words, for lists and headers. */
export function describeDue(t: Pick<TicketDto, 'status' | 'respondDueAt' | 'resolveDueAt' | 'respondedAt' | 'dueState'>, tr: (key: MessageKey, params?: Record<string, string | number>) => string, lang: string, now = Date.now()): string {
  if (t.dueState === 'paused') return tr('ticket.due.paused');
  const d = currentDeadline(t, now);
  if (!d) return '';
  const span = formatDuration(d.remainingMs, lang);
  return d.remainingMs < 0 ? tr('ticket.dueWords.overdue', { span }) : tr('ticket.dueWords.left', { span });
}

// ---- categories --------------------------------------------------------------------------------------

export interface CategoryNode {
  value: string;
  title: string;
  category: CategoryDto;
  children?: CategoryNode[];
}

/** The flat catalogue as a tree (by parentCode; orphans become roots). Inactive ones are left out unless asked. */
export function categoryTree(list: readonly CategoryDto[], includeInactive = false): CategoryNode[] {
  const shown = list.filter((c) => includeInactive || c.active);
  const byCode = new Map<string, CategoryNode>();
  for (const c of shown) byCode.set(c.code, { value: c.code, title: c.name, category: c });
  const roots: CategoryNode[] = [];
  for (const c of shown) {
    const node = byCode.get(c.code)!;
    const parent = c.parentCode ? byCode.get(c.parentCode) : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  const sort = (nodes: CategoryNode[]) => {
    nodes.sort((a, b) => a.value.localeCompare(b.value));
    for (const n of nodes) if (n.children) sort(n.children);
  };
  sort(roots);
  return roots;
}

/** "响应 2小时 · 办结 3工作日" material: a limit as value + unit key. */
export function limitText(value: number | null | undefined, unit: string | null | undefined, tx: Tx): string {
  if (value == null || !unit) return '';
  return `${value}${tx(ticketLabelKey.limitUnit(unit), unit)}`;
}

// ---- endpoints ---------------------------------------------------------------------------------------

/** URL of an uploaded image (for <img src>). */
export const uploadUrl = (id: string) => `/api/uploads/${seg(id)}`;

export const uploadsApi = {
  /** POST /api/uploads (multipart, field `file`) → the id to put into `photos`. */
  upload: (file: Blob, filename?: string, signal?: AbortSignal) => {
    const form = new FormData();
    form.append('file', file, filename ?? (file instanceof File ? file.name : 'photo.jpg'));
    return api.upload<{ id: string }>('/api/uploads', form, { signal });
  },
};

export const ticketsApi = {
  list: (q: TicketListQuery, signal?: AbortSignal) => api.get<Page<TicketDto>>('/api/tickets', { ...q }, { signal }),
  get: (id: number | string, signal?: AbortSignal) => api.get<TicketDetailDto>(`/api/tickets/${seg(id)}`, undefined, { signal }),
  create: (body: CreateTicketBody) => api.post<CreatedTicketDto>('/api/tickets', body),
  act: (id: number, action: TicketAction, body: ActionBody) => api.post<TicketDetailDto>(`/api/tickets/${seg(id)}/actions/${seg(action)}`, body),
  targets: (id: number) => api.get<TargetOption[]>(`/api/tickets/${seg(id)}/targets`),
  duplicates: (q: { categoryCode: string; lng: number; lat: number }, signal?: AbortSignal) =>
    api.get<DuplicateDto[]>('/api/tickets/duplicates', { categoryCode: q.categoryCode, lng: q.lng.toFixed(7), lat: q.lat.toFixed(7) }, { signal }),
  inbox: (signal?: AbortSignal) => api.get<InboxDto>('/api/tickets/inbox', undefined, { signal }),
  markRead: (ids: number[]) => api.post<{ updated: number }>('/api/tickets/inbox/read', { ids }),
  metrics: (q: MetricsQuery, signal?: AbortSignal) => api.get<MetricsDto>('/api/tickets/metrics', { ...q }, { signal }),
};

export const ticketCatalogueApi = {
  categories: (signal?: AbortSignal) => api.get<CategoryDto[]>('/api/ticket-categories', undefined, { signal }),
  updateCategory: (code: string, body: UpdateCategoryBody) => api.patch<CategoryDto>(`/api/ticket-categories/${seg(code)}`, body),
  rules: (signal?: AbortSignal) => api.get<DispatchRuleDto[]>('/api/dispatch-rules', undefined, { signal }),
  putRule: (body: CreateDispatchRuleBody) => api.post<DispatchRuleDto>('/api/dispatch-rules', body),
  deleteRule: (id: number) => api.del<void>(`/api/dispatch-rules/${seg(id)}`),
};

export const calendarApi = {
  year: (year: number, signal?: AbortSignal) => api.get<CalendarDto>('/api/calendar', { year }, { signal }),
  setOverride: (day: string, body: { work: boolean; note?: string }) => request<CalendarDto>(`/api/calendar/overrides/${seg(day)}`, { method: 'PUT', body }),
  clearOverride: (day: string) => api.del<CalendarDto>(`/api/calendar/overrides/${seg(day)}`),
};

