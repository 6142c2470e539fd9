import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { and, eq, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { AppError, invalidField } from '../errors/index.js';
import type { App } from './app.js';
import { idempotencyKeys } from './schema.js';

/**
 * Idempotent intake: a creating route that sets `config: { idempotent: true }` accepts an
 * `Idempotency-Key` header (1–255 printable ASCII characters). The first successful (2xx)
 * response is stored per (user, method, path, key) for 24 hours with a hash of the request;
 *
 * - a retry with the same key and the same request gets the stored status and body again, with
 *   `Idempotent-Replayed: true`, and the handler does not run (nothing is created twice);
 * - the same key with a different request → 422 `idempotency.key_reused`;
 * - a retry while the first request still runs → 409 `idempotency.in_flight` (Retry-After: 1);
 * - an error response (4xx/5xx) is not stored: the key is released and may be used again.
 *
 * The request hash covers the query string and the raw body as it arrives. Multipart bodies are
 * hashed with their boundary removed, so a client that picks a new boundary on retry (curl does)
 * still matches. The body is hashed while the route reads it; nothing extra is buffered.
 *
 * Limits: the stored response is written after the handler's own transaction commits. If the
 * process dies between the two, the reservation lapses after the lease (2 minutes) and a retry
 * runs the request again. Hotline imports are safe even then (ticket numbers are unique).
 */

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Honour the Idempotency-Key header on this route (creating POST routes). */
    idempotent?: boolean;
  }
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
const TTL_MS = 24 * 3600_000;
const LEASE_MS = 120_000;
/** How long a finished response waits for the rest of a body it did not read before storing. */
const DRAIN_WAIT_MS = 5_000;
const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

export interface SealBox {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
}

export interface IdempotencyOptions {
  db: Db;
  /** Encrypts stored response bodies (they may carry personal information or a new secret). */
  seal?: SealBox;
  now?: () => Date;
}

/** Hashes a request body as it streams past, without consuming it for anyone else. */
class BodyTap {
  private readonly hash = createHash('sha256');
  private tail: Buffer = Buffer.alloc(0);
  private result: string | null | undefined;
  readonly digest: Promise<string | null>;

  constructor(
    private readonly stream: Readable,
    query: string,
    private readonly strip: Buffer | null,
  ) {
    this.hash.update(`${query}\n`);
    this.digest = new Promise((resolve) => {
      const finish = (v: string | null) => {
        if (this.result !== undefined) return;
        this.result = v;
        stream.off('data', this.onData);
        resolve(v);
      };
      stream.once('end', () => {
        this.hash.update(this.tail);
        finish(this.hash.digest('hex'));
      });
      stream.once('error', () => finish(null));
      stream.once('close', () => queueMicrotask(() => finish(null)));
    });
    // A 'data' listener puts the stream in flowing mode; pause at once so the body is not read
    // before its consumer (the JSON parser or busboy) arrives. Both resume it, and then every
    // chunk reaches this listener and theirs.
    stream.on('data', this.onData);
    stream.pause();
  }

  private readonly onData = (chunk: Buffer | string) => {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (!this.strip) {
      this.hash.update(b);
      return;
    }
    // Remove every occurrence of the multipart boundary; a match may straddle two chunks.
    const buf = this.tail.length ? Buffer.concat([this.tail, b]) : b;
    let pos = 0;
    for (let i = buf.indexOf(this.strip, pos); i !== -1; i = buf.indexOf(this.strip, pos)) {
      this.hash.update(buf.subarray(pos, i));
      pos = i + this.strip.length;
    }
    const keep = Math.max(pos, buf.length - (this.strip.length - 1));
    this.hash.update(buf.subarray(pos, keep));
    this.tail = Buffer.from(buf.subarray(keep));
  };

  get settled(): boolean {
    return this.result !== undefined;
  }

  /** The hash once the body has ended; reads what nobody read (nobody else will). */
  async finish(waitMs = DRAIN_WAIT_MS): Promise<string | null> {
    if (this.settled) return this.result!;
    if (this.stream.readableEnded || this.stream.destroyed) return null;
    this.stream.resume();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), waitMs)));
    try {
      return await Promise.race([this.digest, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

interface Pending {
  userId: number;
  method: string;
  path: string;
  key: string;
  tap: BodyTap;
  phase: 'new' | 'reserved' | 'replayed' | 'finished';
  token: string;
}

function boundaryOf(contentType: string | undefined): Buffer | null {
  if (!contentType || !/^multipart\//i.test(contentType)) return null;
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const b = m?.[1] ?? m?.[2];
  return b ? Buffer.from(b) : null;
}

/** The key store. Exported for the purge and for tests. */
export const idempotencyStore = {
  /** Take the key for this request, or say who has it. */
  async reserve(db: Db, p: Pick<Pending, 'userId' | 'method' | 'path' | 'key' | 'token'>, now: Date): Promise<'reserved' | { state: string; requestHash: string | null; status: number | null; type: string | null; body: string | null }> {
    const pk = and(eq(idempotencyKeys.userId, p.userId), eq(idempotencyKeys.method, p.method), eq(idempotencyKeys.path, p.path), eq(idempotencyKeys.key, p.key))!;
    const fresh = { state: 'in_flight', token: p.token, requestHash: null, responseStatus: null, responseType: null, responseBody: null, leaseUntil: new Date(now.getTime() + LEASE_MS), createdAt: now, expiresAt: new Date(now.getTime() + TTL_MS) };
    for (let attempt = 0; attempt < 3; attempt++) {
      const ins = await db
        .insert(idempotencyKeys)
        .values({ userId: p.userId, method: p.method, path: p.path, key: p.key, ...fresh })
        .onConflictDoNothing()
        .returning({ token: idempotencyKeys.token });
      if (ins.length) return 'reserved';
      // An expired answer, or a reservation whose request died, is taken over.
      const taken = await db
        .update(idempotencyKeys)
        .set(fresh)
        .where(
          and(
            pk,
            or(
              and(eq(idempotencyKeys.state, 'done'), lt(idempotencyKeys.expiresAt, now)),
              and(eq(idempotencyKeys.state, 'in_flight'), lt(idempotencyKeys.leaseUntil, now)),
            ),
          ),
        )
        .returning({ token: idempotencyKeys.token });
      if (taken.length) return 'reserved';
      const [row] = await db.select().from(idempotencyKeys).where(pk);
      if (row) return { state: row.state, requestHash: row.requestHash, status: row.responseStatus, type: row.responseType, body: row.responseBody };
      // Purged between the statements: try again.
    }
    throw new AppError('idempotency.in_flight', { headers: { 'retry-after': '1' } });
  },

  async complete(db: Db, p: Pending, r: { requestHash: string | null; status: number; type: string | null; body: string }, now: Date): Promise<void> {
    await db
      .update(idempotencyKeys)
      .set({ state: 'done', requestHash: r.requestHash, responseStatus: r.status, responseType: r.type, responseBody: r.body, expiresAt: new Date(now.getTime() + TTL_MS) })
      .where(and(eq(idempotencyKeys.userId, p.userId), eq(idempotencyKeys.method, p.method), eq(idempotencyKeys.path, p.path), eq(idempotencyKeys.key, p.key), eq(idempotencyKeys.token, p.token)));
  },

  async release(db: Db, p: Pending): Promise<void> {
    await db
      .delete(idempotencyKeys)
      .where(and(eq(idempotencyKeys.userId, p.userId), eq(idempotencyKeys.method, p.method), eq(idempotencyKeys.path, p.path), eq(idempotencyKeys.key, p.key), eq(idempotencyKeys.token, p.token), eq(idempotencyKeys.state, 'in_flight')));
  },

  /** Drop keys past their 24 hours (the hourly purge calls this). */
  async purgeExpired(db: Db, now = new Date()): Promise<number> {
    const r = await db.delete(idempotencyKeys).where(sql`${idempotencyKeys.expiresAt} < ${now.toISOString()}`).returning({ k: idempotencyKeys.key });
    return r.length;
  },
};

/** Install the hooks. Call once, before the routes are registered. */
export function registerIdempotency(app: App, opts: IdempotencyOptions): void {
  const pending = new WeakMap<FastifyRequest, Pending>();
  const now = opts.now ?? (() => new Date());
  const seal = opts.seal ?? { encrypt: (s: string) => s, decrypt: (s: string) => s };

  // After the access check (onRequest), before the body is read: start hashing it.
  app.addHook('preParsing', async (req, _reply, payload) => {
    if (!req.routeOptions.config?.idempotent) return payload;
    const header = req.headers[IDEMPOTENCY_HEADER];
    if (header === undefined || !req.actor) return payload;
    const key = Array.isArray(header) ? header.join(',') : header;
    if (!KEY_PATTERN.test(key)) {
      throw invalidField('Idempotency-Key', 'format', { zh: 'Idempotency-Key 应为 1–255 个可见 ASCII 字符', en: 'Idempotency-Key must be 1–255 printable ASCII characters' });
    }
    const [pathOnly, query = ''] = req.url.split('?', 2) as [string, string?];
    pending.set(req, {
      userId: req.actor.id,
      method: req.method,
      path: pathOnly.slice(0, 512),
      key,
      tap: new BodyTap(req.raw, query, boundaryOf(req.headers['content-type'])),
      phase: 'new',
      token: randomUUID(),
    });
    return payload;
  });

  // After parsing and validation: reserve the key, or answer from the store.
  app.addHook('preHandler', async (req, reply) => {
    const p = pending.get(req);
    if (!p || p.phase !== 'new') return;
    const found = await idempotencyStore.reserve(opts.db, p, now());
    if (found === 'reserved') {
      p.phase = 'reserved';
      return;
    }
    p.phase = 'finished';
    if (found.state !== 'done') throw new AppError('idempotency.in_flight', { headers: { 'retry-after': '1' } });
    // The handler will not run: read the rest of the body ourselves to finish its hash.
    const hash = await p.tap.finish();
    if (found.requestHash && hash && found.requestHash !== hash) throw new AppError('idempotency.key_reused');
    p.phase = 'replayed';
    reply
      .code(found.status ?? 200)
      .header('content-type', found.type ?? 'application/json; charset=utf-8')
      .header(REPLAYED_HEADER, 'true');
    return reply.send(found.body === null ? '' : seal.decrypt(found.body));
  });

  // The first response: keep it (2xx) or give the key back (anything else).
  app.addHook('onSend', async (req, reply, payload) => {
    const p = pending.get(req);
    if (!p || p.phase !== 'reserved') return payload;
    p.phase = 'finished';
    try {
      if (reply.statusCode >= 200 && reply.statusCode < 300 && typeof payload === 'string') {
        const requestHash = await p.tap.finish();
        const type = reply.getHeader('content-type');
        await idempotencyStore.complete(opts.db, p, { requestHash, status: reply.statusCode, type: typeof type === 'string' ? type : null, body: seal.encrypt(payload) }, now());
      } else {
        await idempotencyStore.release(opts.db, p);
      }
    } catch (err) {
      // The answer still goes out; a retry waits for the lease and then runs again.
      req.log.warn({ err }, 'idempotency key not stored');
    }
    return payload;
  });
}
