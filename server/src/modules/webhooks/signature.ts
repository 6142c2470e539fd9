import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, Stripe style:
 *
 *   Gridwork-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * The receiver recomputes the HMAC over the timestamp, a dot and the raw body bytes exactly as
 * received, compares in constant time, refuses timestamps more than 5 minutes away from its
 * clock, and refuses an event id it has already accepted (replays).
 */
export const SIGNATURE_HEADER = 'Gridwork-Signature';
export const EVENT_ID_HEADER = 'Gridwork-Event-Id';
export const EVENT_TYPE_HEADER = 'Gridwork-Event-Type';
/** How far a signature's timestamp may be from the receiver's clock. */
export const SIGNATURE_TOLERANCE_S = 300;

/** A new signing secret: "whsec_" and 32 random bytes in base64url. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function signatureOf(secret: string, t: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest('hex');
}

/** The header value for a body sent at `t` (unix seconds). */
export function signatureHeader(secret: string, t: number, rawBody: string | Buffer): string {
  return `t=${t},v1=${signatureOf(secret, t, rawBody)}`;
}

export type VerifyResult =
  | { ok: true; eventId: string; timestamp: number }
  | { ok: false; reason: 'malformed_header' | 'bad_signature' | 'stale' | 'replayed' | 'malformed_body' };

/**
 * Check a delivery as a receiver must. `now` is the receiver's clock (a Date or epoch ms);
 * `seenIds`, when given, is the receiver's record of accepted event ids: an id already in it is a
 * replay, and an accepted one is added. Keep ids at least as long as the tolerance (5 minutes):
 * an older replay fails the timestamp check anyway.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined | null,
  rawBody: string | Buffer,
  now: Date | number = Date.now(),
  seenIds?: Set<string>,
): VerifyResult {
  if (!header) return { ok: false, reason: 'malformed_header' };
  let t: number | null = null;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k === 't' && /^\d{1,12}$/.test(v)) t = Number(v);
    else if (k === 'v1' && /^[0-9a-f]{64}$/i.test(v)) v1.push(v.toLowerCase());
  }
  if (t === null || !v1.length) return { ok: false, reason: 'malformed_header' };
  const expected = Buffer.from(signatureOf(secret, t, rawBody), 'hex');
  // Several v1 values may be sent while a secret is rotated; any one may match.
  if (!v1.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected))) return { ok: false, reason: 'bad_signature' };
  const nowS = Math.floor((typeof now === 'number' ? now : now.getTime()) / 1000);
  if (Math.abs(nowS - t) > SIGNATURE_TOLERANCE_S) return { ok: false, reason: 'stale' };
  let eventId: unknown;
  try {
    eventId = (JSON.parse(Buffer.isBuffer(rawBody) ? rawBody.toString('utf8') : rawBody) as { id?: unknown }).id;
  } catch {
    return { ok: false, reason: 'malformed_body' };
  }
  if (typeof eventId !== 'string' || !eventId) return { ok: false, reason: 'malformed_body' };
  if (seenIds) {
    if (seenIds.has(eventId)) return { ok: false, reason: 'replayed' };
    seenIds.add(eventId);
  }
  return { ok: true, eventId, timestamp: t };
}
