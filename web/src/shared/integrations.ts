/**
 * 系统对接 (integrations): types mirroring server/src/modules/{webhooks,open311,hotline}/contracts.ts
 * (checked against them by contracts/integrations.check.ts in `npm run typecheck`) and their
 * endpoints. Imports no UI library: labels are i18n keys, colours plain strings.
 * The whole exchange is described in docs/integrations.md.
 */
import { api, seg } from './api';
import type { MessageKey } from './i18n/zh-CN';
import type { Page } from './types';

// ---- webhooks -----------------------------------------------------------------------------------

/** Same order as WEBHOOK_EVENTS in server/src/modules/webhooks/events.ts. */
export const WEBHOOK_EVENTS = ['ticket.created', 'ticket.status_changed', 'ticket.closed', 'ticket.rated'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface WebhookEndpoint {
  id: number;
  url: string;
  description: string | null;
  events: WebhookEvent[];
  /** Canonical (12-digit) code of the region whose tickets are sent. */
  regionCode: string;
  active: boolean;
  /** The first characters of the secret, to check which one a receiver holds. */
  secretHint: string;
  createdAt: string;
  updatedAt: string;
}

/** Create and rotate answers: `secret` is returned this once only. */
export interface WebhookEndpointWithSecret extends WebhookEndpoint {
  secret?: string;
}

export interface CreateWebhookBody {
  url: string;
  events: WebhookEvent[];
  /** Defaults to the caller's whole scope. */
  regionCode?: string;
  description?: string;
  active?: boolean;
}

export interface UpdateWebhookBody {
  url?: string;
  events?: WebhookEvent[];
  regionCode?: string;
  description?: string | null;
  active?: boolean;
  /** A new secret (returned once); the old one stops working at once. */
  rotateSecret?: boolean;
}

export interface WebhookAttempt {
  attempt: number;
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookDelivery {
  id: number;
  eventId: string;
  eventType: WebhookEvent | string;
  ticketId: number | null;
  status: DeliveryStatus;
  /** Attempts in this round (a manual redelivery starts again from 0). */
  attempts: number;
  /** Only while pending. */
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
  /** Every attempt, for the expandable row. */
  log: WebhookAttempt[];
}

export interface DeliveriesQuery {
  status?: DeliveryStatus;
  cursor?: string | null;
  limit?: number;
}

export const webhooksApi = {
  list: (signal?: AbortSignal) => api.get<WebhookEndpoint[]>('/api/webhooks', undefined, { signal }),
  create: (body: CreateWebhookBody) => api.post<WebhookEndpointWithSecret>('/api/webhooks', body),
  update: (id: number, body: UpdateWebhookBody) => api.patch<WebhookEndpointWithSecret>(`/api/webhooks/${seg(id)}`, body),
  rotateSecret: (id: number) => api.patch<WebhookEndpointWithSecret>(`/api/webhooks/${seg(id)}`, { rotateSecret: true }),
  remove: (id: number) => api.del<void>(`/api/webhooks/${seg(id)}`),
  /** Newest first, every attempt included. */
  deliveries: (id: number, q: DeliveriesQuery = {}, signal?: AbortSignal) =>
    api.get<Page<WebhookDelivery>>(`/api/webhooks/${seg(id)}/deliveries`, { status: q.status, cursor: q.cursor, limit: q.limit }, { signal }),
  /** Send again now: same event id and body, a fresh round of attempts, a new signature. */
  redeliver: (id: number, deliveryId: number) => api.post<WebhookDelivery>(`/api/webhooks/${seg(id)}/deliveries/${seg(deliveryId)}/redeliver`),
};

// ---- Open311 API keys ---------------------------------------------------------------------------

export interface ApiKey {
  id: number;
  /** The external system using the key. */
  name: string;
  /** The key's first characters (not the key). */
  keyPrefix: string;
  regionCode: string;
  regionName: string;
  active: boolean;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** The create answer: `key` is shown this once; the server keeps only its SHA-256. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

export interface CreateApiKeyBody {
  name: string;
  regionCode: string;
}

export const open311KeysApi = {
  list: (signal?: AbortSignal) => api.get<ApiKey[]>('/api/open311/keys', undefined, { signal }),
  create: (body: CreateApiKeyBody) => api.post<CreatedApiKey>('/api/open311/keys', body),
  revoke: (id: number) => api.post<ApiKey>(`/api/open311/keys/${seg(id)}/revoke`),
};

// ---- 12345 hotline ------------------------------------------------------------------------------

export const HOTLINE_ROW_RESULTS = ['created', 'duplicate', 'error'] as const;
export type HotlineRowResult = (typeof HOTLINE_ROW_RESULTS)[number];

export interface HotlineRowError {
  /** A feed field (ticketNo, receivedAt …), `location` or `row`. */
  field: string;
  rule: string;
  /** In the caller's language. */
  reason: string;
}

export interface HotlineRowReport {
  /** CSV/XLSX: the spreadsheet row (the header is row 1); JSON: the position in the array, from 1. */
  row: number;
  /** The hotline's ticket number. */
  ticketNo: string | null;
  /** `created` means "would be created" in a dry run. */
  result: HotlineRowResult;
  ticketId: number | null;
  /** Gridwork ticket number. */
  no: string | null;
  errors: HotlineRowError[];
}

export interface HotlineImportReport {
  dryRun: boolean;
  total: number;
  created: number;
  duplicates: number;
  errors: number;
  rows: HotlineRowReport[];
}

export interface HotlineResult {
  hotlineNo: string;
  ticketId: number;
  ticketNo: string;
  status: string;
  statusName: string;
  /** 承办单位 */
  unit: string | null;
  reply: string | null;
  rating: string | null;
  ratingNote: string | null;
  closedAt: string | null;
  resolveDueAt: string | null;
  regionCode: string;
  version: number;
  changedAt: string;
}

export interface HotlineResultsPage {
  items: HotlineResult[];
  /** Returned even when nothing changed (poll with it); use `hasMore` to know whether to read on. */
  nextCursor: string | null;
  hasMore: boolean;
}

export interface HotlineResultsQuery {
  /** ISO 8601, inclusive; `cursor` wins over it. */
  since?: string;
  cursor?: string | null;
  limit?: number;
}

/** File types the upload takes (the server picks the reader by extension). */
export const HOTLINE_FILE_ACCEPT = '.json,.csv,.xlsx';
export const HOTLINE_MAX_BYTES = 20 * 1024 * 1024;

/** The columns of a feed, Chinese headers as the docs list them (required ones first). */
export const HOTLINE_CSV_HEADERS = ['工单编号', '受理时间', '来电号码', '来电人', '诉求内容', '地址', '分类代码', '经度', '纬度', '办理时限', '诉求类型'] as const;

/** A small template file for staff to fill in (UTF-8 with BOM, so Excel opens it correctly). */
export function hotlineCsvTemplate(): Blob {
  const sample = ['HL20261122000123', '2026-11-22 09:15:00', '13912345678', '王女士', '小区门口垃圾三天无人清运', '凤凰岭街道新华1-3号楼2单元301室', '0301', '', '', '48', '投诉'];
  return new Blob(['\ufeff', `${HOTLINE_CSV_HEADERS.join(',')}\r\n${sample.join(',')}\r\n`], { type: 'text/csv;charset=utf-8' });
}

export const hotlineApi = {
  /** Multipart upload of a .json/.csv/.xlsx feed; `dryRun` checks, places and de-duplicates without writing. */
  importFile: (file: File, dryRun: boolean) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return api.upload<HotlineImportReport>('/api/hotline/tickets', form, { query: { dryRun: dryRun ? 'true' : 'false' } });
  },
  /** Hotline tickets whose handling changed since `since` (or after `cursor`), oldest change first. */
  results: (q: HotlineResultsQuery, signal?: AbortSignal) =>
    api.get<HotlineResultsPage>('/api/hotline/results', { since: q.since, cursor: q.cursor, limit: q.limit }, { signal }),
};

// ---- labels and colours ---------------------------------------------------------------------------

const keyOf = (prefix: string, v: string) => `${prefix}.${v}` as MessageKey;

export const integrationLabelKey = {
  event: (e: string) => keyOf('integ.event', e),
  delivery: (s: string) => keyOf('integ.delivery.status', s),
  rowResult: (r: string) => keyOf('integ.hotline.result', r),
  field: (f: string) => keyOf('integ.hotline.field', f),
};

export const DELIVERY_STATUS_COLOR: Record<DeliveryStatus, string> = {
  pending: 'processing',
  delivered: 'success',
  failed: 'error',
};

export const ROW_RESULT_COLOR: Record<HotlineRowResult, string> = {
  created: 'green',
  duplicate: 'default',
  error: 'red',
};

/** Where the receivers' signature check is documented. The repository's docs are not served by the app. */
export const WEBHOOK_DOCS_PATH = 'docs/integrations.md#verifying-a-delivery';
/** The served API reference (Swagger UI), webhooks section. */
export const API_DOCS_WEBHOOKS = '/api/docs#/webhooks';
export const API_DOCS_OPEN311 = '/api/docs#/open311';
