import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { backoffMs } from './service.js';
import { newWebhookSecret, signatureHeader, verifyWebhookSignature } from './signature.js';

const secret = newWebhookSecret();
const body = JSON.stringify({ id: 'evt_1', type: 'ticket.created', data: {} });
const t = 1_800_000_000;
const at = (s: number) => new Date(s * 1000);

describe('webhook signatures', () => {
  it('is HMAC-SHA256 over "<t>.<raw body>" in the Stripe layout', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signatureHeader(secret, t, body)).toBe(`t=${t},v1=${expected}`);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  });

  it('accepts a fresh, untampered delivery once, then refuses the replay', () => {
    const seen = new Set<string>();
    const h = signatureHeader(secret, t, body);
    expect(verifyWebhookSignature(secret, h, body, at(t + 10), seen)).toEqual({ ok: true, eventId: 'evt_1', timestamp: t });
    expect(verifyWebhookSignature(secret, h, body, at(t + 11), seen)).toEqual({ ok: false, reason: 'replayed' });
    // Raw bytes are what is signed: a Buffer works the same.
    expect(verifyWebhookSignature(secret, h, Buffer.from(body), at(t)).ok).toBe(true);
  });

  it('refuses stale or future timestamps beyond 5 minutes', () => {
    const h = signatureHeader(secret, t, body);
    expect(verifyWebhookSignature(secret, h, body, at(t + 300)).ok).toBe(true);
    expect(verifyWebhookSignature(secret, h, body, at(t + 301))).toEqual({ ok: false, reason: 'stale' });
    expect(verifyWebhookSignature(secret, h, body, at(t - 301))).toEqual({ ok: false, reason: 'stale' });
  });

  it('refuses a changed body, a wrong secret, a moved timestamp and a malformed header', () => {
    const h = signatureHeader(secret, t, body);
    expect(verifyWebhookSignature(secret, h, body.replace('created', 'closed'), at(t))).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyWebhookSignature(newWebhookSecret(), h, body, at(t))).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyWebhookSignature(secret, h.replace(`t=${t}`, `t=${t + 1}`), body, at(t))).toEqual({ ok: false, reason: 'bad_signature' });
    for (const bad of [undefined, '', 'v1=abc', `t=${t}`, 'garbage']) expect(verifyWebhookSignature(secret, bad, body, at(t))).toEqual({ ok: false, reason: 'malformed_header' });
  });

  it('accepts any of several v1 signatures (secret rotation)', () => {
    const other = signatureHeader(newWebhookSecret(), t, body).split(',')[1];
    expect(verifyWebhookSignature(secret, `${signatureHeader(secret, t, body)},${other}`, body, at(t)).ok).toBe(true);
  });

  it('backs off 30 s × 2^(n−1), capped at an hour', () => {
    expect([1, 2, 3, 4, 8, 9, 10].map((n) => backoffMs(n) / 1000)).toEqual([30, 60, 120, 240, 3600, 3600, 3600]);
  });
});
