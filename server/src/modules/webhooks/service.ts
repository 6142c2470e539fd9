import { performance } from 'node:perf_hooks';
import type { Db, DbOrTx } from '../../platform/db/client.js';
import { AppError, invalidField } from '../../platform/errors/index.js';
import { authorize, scopeOf, type Actor } from '../../platform/scope/index.js';
import { recordAudit, type AuditContext } from '../../platform/audit/index.js';
import type { PiiCipher } from '../../platform/pii/index.js';
import { VERSION } from '../../version.js';
import { canonicalFromPath } from '../regions/codes.js';
import { requireCode, type RegionService } from '../regions/service.js';
import type { TicketEventSink } from '../tickets/service.js';
import { eventBody, eventsOf, newEventId, type TicketChange, type WebhookEvent } from './events.js';
import { webhookRepo, type AttemptRow, type DeliveryInsert, type DeliveryRow, type EndpointRow } from './repo.js';
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, newWebhookSecret, signatureHeader } from './signature.js';
import { startRounds } from '../../platform/jobs/rounds.js';
import type { CreateEndpointBody, DeliveryDto, EndpointDto, UpdateEndpointBody } from './contracts.js';

export interface WebhookOptions {
  now?: () => Date;
  /** Per attempt; the attempt counts as failed when the receiver takes longer. */
  timeoutMs?: number;
  /** Attempts before a delivery is marked failed. */
  maxAttempts?: number;
  /** Wait after the n-th failure: baseDelayMs × 2^(n−1), at most maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Deliveries sent at once by one process. */
  concurrency?: number;
  fetch?: typeof fetch;
}

export const WEBHOOK_DEFAULTS = { timeoutMs: 10_000, maxAttempts: 10, baseDelayMs: 30_000, maxDelayMs: 3600_000, concurrency: 4 } as const;
/** Deliveries one claim takes. */
const CLAIM = 25;

export interface DeliveryRound {
  claimed: number;
  delivered: number;
  retried: number;
  failed: number;
}

/** The wait before attempt n+1 after the n-th failed attempt. */
export function backoffMs(failedAttempts: number, base: number = WEBHOOK_DEFAULTS.baseDelayMs, max: number = WEBHOOK_DEFAULTS.maxDelayMs): number {
  return Math.min(max, base * 2 ** Math.max(0, failedAttempts - 1));
}

function checkUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw invalidField('url', 'format', { zh: '不是合法的网址', en: 'not a valid URL' });
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw invalidField('url', 'protocol', { zh: '只支持 http 或 https 地址', en: 'only http and https URLs' });
  if (u.username || u.password) throw invalidField('url', 'credentials', { zh: '网址中不能包含用户名或密码', en: 'no user name or password in the URL' });
  return u.toString();
}

function fetchError(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return `timeout after ${timeoutMs} ms`;
  const cause = err?.cause?.code ?? err?.cause?.message;
  return `${err?.message ?? String(e)}${cause ? ` (${cause})` : ''}`.slice(0, 500);
}

async function eachLimited<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/**
 * Webhook endpoints, the outbox written inside ticket transactions, and the delivery loop.
 * Register `sink` with TicketService.addSink; run `deliverDue` from a timer in every process.
 */
/** How long another process's endpoint edits may take to reach this one. */
const ENDPOINT_CACHE_MS = 5_000;

export class WebhookService {
  private readonly o: Required<Omit<WebhookOptions, 'now' | 'fetch'>>;

  constructor(
    private readonly db: Db,
    private readonly regions: RegionService,
    private readonly cipher: PiiCipher,
    private readonly opts: WebhookOptions = {},
  ) {
    this.o = { ...WEBHOOK_DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([k, v]) => v !== undefined && k !== 'now' && k !== 'fetch')) };
  }

  private now(): Date {
    return this.opts.now ? this.opts.now() : new Date();
  }

  /** Writes one outbox row per raised event and interested endpoint, in the change's transaction. */
  readonly sink: TicketEventSink = {
    cares: async (t) => (await this.activeEndpoints(this.db)).some((e) => t.regionPath.startsWith(e.regionPath)),
    ticketChanged: (tx, change) => this.ticketChanged(tx, change),
  };

  /**
   * Active endpoints, cached for a few seconds: every ticket change asks, and intake is hot.
   * Edits in this process take effect at once; another process's within ENDPOINT_CACHE_MS.
   */
  private endpointCache: { at: number; rows: Pick<EndpointRow, 'id' | 'events' | 'regionPath'>[] } | null = null;

  private async activeEndpoints(db: DbOrTx): Promise<Pick<EndpointRow, 'id' | 'events' | 'regionPath'>[]> {
    const now = Date.now();
    if (!this.endpointCache || now - this.endpointCache.at > ENDPOINT_CACHE_MS) this.endpointCache = { at: now, rows: await webhookRepo.allActive(db) };
    return this.endpointCache.rows;
  }

  private async ticketChanged(tx: DbOrTx, change: TicketChange): Promise<void> {
    const types = eventsOf(change);
    if (!types.length) return;
    const endpoints = (await this.activeEndpoints(tx)).filter((e) => change.ticket.regionPath.startsWith(e.regionPath));
    if (!endpoints.length) return;
    const rows: DeliveryInsert[] = [];
    for (const type of types) {
      const wanted = endpoints.filter((e) => e.events.includes(type));
      if (!wanted.length) continue;
      const eventId = newEventId();
      const body = eventBody(eventId, type, change);
      for (const e of wanted) {
        rows.push({ endpointId: e.id, eventId, eventType: type, ticketId: change.ticket.id, body, status: 'pending', attempts: 0, nextAttemptAt: change.at, createdAt: change.at });
      }
    }
    await webhookRepo.insertDeliveries(tx, rows);
  }

  // ---- endpoints -------------------------------------------------------------------------------

  private dto(e: EndpointRow): EndpointDto {
    return {
      id: e.id,
      url: e.url,
      description: e.description,
      events: e.events as WebhookEvent[],
      regionCode: canonicalFromPath(e.regionPath),
      active: e.active,
      secretHint: e.secretHint,
      createdAt: e.createdAt.toISOString(),
      updatedAt: e.updatedAt.toISOString(),
    };
  }

  /** The region an endpoint covers: the caller's scope, or a region inside it. */
  private async regionPathOf(actor: Actor, code: string | undefined): Promise<string> {
    if (!code) {
      if (!actor.scopePath) throw new AppError('scope.forbidden', { extra: { action: 'webhook.write' } });
      return actor.scopePath;
    }
    const parsed = requireCode(code, 'regionCode');
    authorize(actor, 'webhook.write', { path: parsed.path });
    if (!(await this.regions.lookup(parsed.code))) throw new AppError('region.not_found', { extra: { regionCode: parsed.code } });
    return parsed.path;
  }

  private async load(actor: Actor | undefined, id: number): Promise<{ actor: Actor; e: EndpointRow }> {
    authorize(actor, 'webhook.write');
    const e = await webhookRepo.getEndpoint(this.db, id);
    if (!e) throw new AppError('webhook.not_found');
    authorize(actor, 'webhook.write', { path: e.regionPath });
    return { actor, e };
  }

  async list(actor: Actor | undefined): Promise<EndpointDto[]> {
    const scope = scopeOf(actor, 'webhook.write');
    return (await webhookRepo.endpointsIn(this.db, scope)).map((e) => this.dto(e));
  }

  async create(actor: Actor | undefined, body: CreateEndpointBody, ctx: AuditContext): Promise<EndpointDto & { secret: string }> {
    authorize(actor, 'webhook.write');
    const regionPath = await this.regionPathOf(actor, body.regionCode);
    const url = checkUrl(body.url);
    const secret = newWebhookSecret();
    const at = this.now();
    const row = await this.db.transaction(async (tx) => {
      this.endpointCache = null;
      const e = await webhookRepo.insertEndpoint(tx, {
        url,
        description: body.description?.trim() || null,
        secretEnc: this.cipher.encrypt(secret),
        secretHint: secret.slice(0, 12),
        events: [...new Set(body.events)],
        regionPath,
        active: body.active ?? true,
        createdBy: actor.id || null,
        createdAt: at,
        updatedAt: at,
      });
      await recordAudit(tx, ctx, { action: 'webhook.create', entityType: 'webhook', entityId: e.id, scopePath: regionPath, after: { url, events: e.events, active: e.active } });
      return e;
    });
    return { ...this.dto(row), secret };
  }

  async update(actor: Actor | undefined, id: number, body: UpdateEndpointBody, ctx: AuditContext): Promise<EndpointDto & { secret?: string }> {
    const { actor: a, e } = await this.load(actor, id);
    const patch: Partial<EndpointRow> = { updatedAt: this.now() };
    if (body.regionCode !== undefined) patch.regionPath = await this.regionPathOf(a, body.regionCode);
    if (body.url !== undefined) patch.url = checkUrl(body.url);
    if (body.events !== undefined) patch.events = [...new Set(body.events)];
    if (body.description !== undefined) patch.description = body.description?.trim() || null;
    if (body.active !== undefined) patch.active = body.active;
    let secret: string | undefined;
    if (body.rotateSecret) {
      secret = newWebhookSecret();
      patch.secretEnc = this.cipher.encrypt(secret);
      patch.secretHint = secret.slice(0, 12);
    }
    const row = await this.db.transaction(async (tx) => {
      const r = await webhookRepo.updateEndpoint(tx, id, patch);
      this.endpointCache = null;
      await recordAudit(tx, ctx, {
        action: 'webhook.update',
        entityType: 'webhook',
        entityId: id,
        scopePath: r.regionPath,
        before: { url: e.url, events: e.events, active: e.active, regionPath: e.regionPath },
        after: { url: r.url, events: r.events, active: r.active, regionPath: r.regionPath, secretRotated: !!secret },
      });
      return r;
    });
    return secret ? { ...this.dto(row), secret } : this.dto(row);
  }

  async remove(actor: Actor | undefined, id: number, ctx: AuditContext): Promise<void> {
    const { e } = await this.load(actor, id);
    await this.db.transaction(async (tx) => {
      await webhookRepo.deleteEndpoint(tx, id);
      this.endpointCache = null;
      await recordAudit(tx, ctx, { action: 'webhook.delete', entityType: 'webhook', entityId: id, scopePath: e.regionPath, before: { url: e.url, events: e.events } });
    });
  }

  // ---- deliveries ------------------------------------------------------------------------------

  private deliveryDto(d: DeliveryRow, log: AttemptRow[]): DeliveryDto {
    return {
      id: d.id,
      eventId: d.eventId,
      eventType: d.eventType,
      ticketId: d.ticketId,
      status: d.status as DeliveryDto['status'],
      attempts: d.attempts,
      nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
      lastStatusCode: d.lastStatusCode,
      lastError: d.lastError,
      deliveredAt: d.deliveredAt?.toISOString() ?? null,
      createdAt: d.createdAt.toISOString(),
      log: log.map((a) => ({ attempt: a.attempt, at: a.at.toISOString(), statusCode: a.statusCode, error: a.error, durationMs: a.durationMs })),
    };
  }

  async deliveries(actor: Actor | undefined, id: number, q: { status?: string; cursor?: string; limit?: number }): Promise<{ items: DeliveryDto[]; nextCursor: string | null }> {
    await this.load(actor, id);
    const limit = q.limit ?? 50;
    const rows = await webhookRepo.deliveries(this.db, id, { status: q.status, before: q.cursor ? Number(q.cursor) : undefined, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const logs = await webhookRepo.attemptsOf(this.db, page.map((d) => d.id));
    return {
      items: page.map((d) => this.deliveryDto(d, logs.filter((a) => a.deliveryId === d.id))),
      nextCursor: rows.length > limit ? String(page[page.length - 1]!.id) : null,
    };
  }

  /** Send a delivery again now (same event id and body), with a fresh round of attempts. */
  async redeliver(actor: Actor | undefined, id: number, deliveryId: number, ctx: AuditContext): Promise<DeliveryDto> {
    const { e } = await this.load(actor, id);
    const d = await webhookRepo.getDelivery(this.db, id, deliveryId);
    if (!d) throw new AppError('webhook.delivery_not_found');
    const row = await this.db.transaction(async (tx) => {
      const r = await webhookRepo.requeue(tx, deliveryId, this.now());
      await recordAudit(tx, ctx, { action: 'webhook.redeliver', entityType: 'webhook_delivery', entityId: deliveryId, scopePath: e.regionPath, before: { status: d.status, attempts: d.attempts } });
      return r;
    });
    return this.deliveryDto(row, await webhookRepo.attemptsOf(this.db, [deliveryId]));
  }

  /**
   * One round of the delivery loop: claim due deliveries (row locks with SKIP LOCKED, then a
   * lease on `next_attempt_at` so they stay claimed while being sent without holding a
   * transaction open), send them, and settle each: delivered, due again after a backoff, or
   * failed after the last attempt. Every attempt is logged.
   */
  async deliverDue(limit = CLAIM): Promise<DeliveryRound> {
    const now = this.now();
    const leaseUntil = new Date(now.getTime() + this.o.timeoutMs + 30_000);
    const claimed = await this.db.transaction(async (tx) => {
      const due = await webhookRepo.lockDue(tx, now, limit);
      if (!due.length) return [];
      await webhookRepo.lease(tx, due.map((d) => d.id), leaseUntil);
      const endpoints = new Map((await webhookRepo.endpointsByIds(tx, [...new Set(due.map((d) => d.endpointId))])).map((e) => [e.id, e]));
      // An endpoint deleted meanwhile takes its deliveries with it: nothing to send.
      return due.flatMap((d) => {
        const e = endpoints.get(d.endpointId);
        return e ? [{ d: { ...d, attempts: d.attempts + 1 }, e }] : [];
      });
    });
    const round: DeliveryRound = { claimed: claimed.length, delivered: 0, retried: 0, failed: 0 };
    await eachLimited(claimed, this.o.concurrency, async ({ d, e }) => {
      round[await this.attempt(d, e)]++;
    });
    return round;
  }

  private async attempt(d: DeliveryRow, e: EndpointRow): Promise<'delivered' | 'retried' | 'failed'> {
    const sentAt = this.now();
    const t = Math.floor(sentAt.getTime() / 1000);
    let statusCode: number | null = null;
    let error: string | null = null;
    const started = performance.now();
    try {
      const res = await (this.opts.fetch ?? fetch)(e.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': `Gridwork-Webhooks/${VERSION}`,
          [EVENT_ID_HEADER]: d.eventId,
          [EVENT_TYPE_HEADER]: d.eventType,
          [SIGNATURE_HEADER]: signatureHeader(this.cipher.decrypt(e.secretEnc), t, d.body),
        },
        body: d.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
      statusCode = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
    } catch (err) {
      error = fetchError(err, this.o.timeoutMs);
    }
    const durationMs = Math.round(performance.now() - started);
    const at = this.now();
    const outcome = error === null ? 'delivered' : d.attempts >= this.o.maxAttempts ? 'failed' : 'retried';
    const patch: Partial<DeliveryInsert> =
      outcome === 'delivered'
        ? { status: 'delivered', deliveredAt: at, lastStatusCode: statusCode, lastError: null }
        : outcome === 'failed'
          ? { status: 'failed', lastStatusCode: statusCode, lastError: error }
          : { nextAttemptAt: new Date(at.getTime() + backoffMs(d.attempts, this.o.baseDelayMs, this.o.maxDelayMs)), lastStatusCode: statusCode, lastError: error };
    await this.db.transaction(async (tx) => {
      await webhookRepo.logAttempt(tx, { deliveryId: d.id, attempt: d.attempts, at: sentAt, statusCode, error, durationMs });
      await webhookRepo.settle(tx, d.id, d.attempts, patch);
    });
    return outcome;
  }

  /** Drop delivered and failed deliveries older than `days` (the hourly purge calls this). */
  async purge(days = 30): Promise<number> {
    return webhookRepo.purgeFinished(this.db, new Date(this.now().getTime() - days * 24 * 3600_000));
  }
}

/**
 * Run the delivery loop in this process. Safe in every process: claims skip each other's rows.
 * Rounds never overlap within a process; a full claim is followed by another at once.
 */
export function startWebhookDelivery(webhooks: WebhookService, intervalMs: number, onError: (err: unknown) => void): () => Promise<void> {
  return startRounds(
    async (stopped) => {
      while (!stopped() && (await webhooks.deliverDue()).claimed >= CLAIM);
    },
    intervalMs,
    onError,
  );
}
