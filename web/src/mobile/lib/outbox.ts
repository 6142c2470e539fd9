/**
 * Nothing typed is lost on a weak signal.
 *
 * - The report form's draft (category, text, location, ids of photos already uploaded) lives in
 *   localStorage from the first keystroke until the ticket is created.
 * - Submitting moves the draft into the outbox *before* the request goes out, so closing the page
 *   mid-request loses nothing; a network failure leaves it there as 待发送, and it is sent again
 *   when the phone comes back online, every so often while the app is open, and on the next start.
 * - Each draft carries a UUID that is sent as `Idempotency-Key`: sending the same draft twice (a
 *   retry after a lost response, two tabs) must not create two tickets.
 * - A refusal (4xx: the server read it and said no) is not retried; the item stays as 发送失败
 *   until the user edits it (it then gets a fresh key, since its content changes) or deletes it.
 *
 * Everything is per user (a shared phone keeps each account's drafts apart).
 */
import { useSyncExternalStore } from 'react';
import { ApiError, errorMessage } from '../../shared/api';
import type { CreateTicketBody, CreatedTicketDto } from '../../shared/tickets';
import { isRetryable, postJson } from './http';
import { readJson, removeKey, writeJson } from './storage';
import { uuid } from './uuid';

export interface DraftLocation {
  lng: number;
  lat: number;
  accuracy: number | null;
  source: 'gps' | 'map';
  /** "社区 · 网格" as /api/geo/locate named it, for display only. */
  place?: string | null;
}

export interface DraftPhoto {
  id: string;
  url: string;
}

export interface ReportDraft {
  /** Sent as Idempotency-Key. */
  key: string;
  categoryCode: string | null;
  categoryName: string | null;
  description: string;
  photos: DraftPhoto[];
  location: DraftLocation | null;
  address: string;
  anonymous: boolean;
  /** Set instead of a point when staff report without a fix: their own grid. */
  regionCode?: string | null;
  updatedAt: number;
}

export type QueueState = 'queued' | 'sending' | 'failed';

export interface QueuedReport {
  draft: ReportDraft;
  state: QueueState;
  attempts: number;
  lastError: string | null;
  queuedAt: number;
}

export type SendResult =
  | { kind: 'sent'; ticket: CreatedTicketDto }
  | { kind: 'queued'; error: string }
  | { kind: 'rejected'; error: unknown }
  | { kind: 'busy' };

export function emptyDraft(): ReportDraft {
  return { key: uuid(), categoryCode: null, categoryName: null, description: '', photos: [], location: null, address: '', anonymous: false, updatedAt: Date.now() };
}

/** Whether the user has put anything into the draft (an empty one is not worth restoring). */
export function draftHasContent(d: ReportDraft | null): boolean {
  return !!d && (!!d.categoryCode || d.description.trim() !== '' || d.photos.length > 0 || d.address.trim() !== '');
}

export function draftBody(d: ReportDraft): CreateTicketBody {
  const body: CreateTicketBody = { categoryCode: d.categoryCode ?? '', description: d.description.trim() };
  if (d.location) {
    body.lng = Math.round(d.location.lng * 1e7) / 1e7;
    body.lat = Math.round(d.location.lat * 1e7) / 1e7;
  } else if (d.regionCode) body.regionCode = d.regionCode;
  if (d.address.trim()) body.address = d.address.trim();
  if (d.photos.length) body.photos = d.photos.map((p) => p.id);
  if (d.anonymous) body.anonymous = true;
  return body;
}

/** A short title for lists of unsent drafts. */
export function draftTitle(d: ReportDraft): string {
  const text = d.description.trim().replace(/\s+/g, ' ');
  return text.length > 24 ? `${text.slice(0, 24)}…` : text || d.categoryName || '—';
}

// ---- the store -----------------------------------------------------------------------------------

const draftKey = (uid: number) => `draft.u${uid}`;
const outboxKey = (uid: number) => `outbox.u${uid}`;
const usageKey = (uid: number) => `categoryUse.u${uid}`;

const listeners = new Set<() => void>();
let version = 0;
function changed(): void {
  version++;
  for (const l of listeners) l();
}
function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}
// Another tab of the app changed the drafts or the outbox.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (!e.key || e.key.startsWith('gridwork.m.')) changed();
  });
}

export function loadDraft(uid: number): ReportDraft | null {
  return readJson<ReportDraft | null>(draftKey(uid), null);
}

export function saveDraft(uid: number, d: ReportDraft): void {
  if (draftHasContent(d)) writeJson(draftKey(uid), { ...d, updatedAt: Date.now() });
  else removeKey(draftKey(uid));
}

export function clearDraft(uid: number): void {
  removeKey(draftKey(uid));
}

export function loadOutbox(uid: number): QueuedReport[] {
  const list = readJson<QueuedReport[]>(outboxKey(uid), []);
  return Array.isArray(list) ? list : [];
}

function saveOutbox(uid: number, list: QueuedReport[]): void {
  writeJson(outboxKey(uid), list.length ? list : null);
  changed();
}

function update(uid: number, key: string, fn: (q: QueuedReport) => QueuedReport | null): void {
  const next: QueuedReport[] = [];
  for (const q of loadOutbox(uid)) {
    if (q.draft.key !== key) next.push(q);
    else {
      const r = fn(q);
      if (r) next.push(r);
    }
  }
  saveOutbox(uid, next);
}

/** Put a finished draft into the outbox (replacing an item with the same key) and clear the form's draft. */
export function enqueue(uid: number, d: ReportDraft): void {
  const list = loadOutbox(uid).filter((q) => q.draft.key !== d.key);
  list.push({ draft: { ...d, updatedAt: Date.now() }, state: 'queued', attempts: 0, lastError: null, queuedAt: Date.now() });
  saveOutbox(uid, list);
  clearDraft(uid);
}

export function removeQueued(uid: number, key: string): void {
  update(uid, key, () => null);
}

/**
 * Take an item out of the outbox to edit it in the form. Its content will change, so it gets a
 * fresh idempotency key (a server that remembers the old key would answer with the old outcome).
 */
export function takeForEditing(uid: number, key: string): ReportDraft | null {
  const q = loadOutbox(uid).find((x) => x.draft.key === key);
  if (!q) return null;
  removeQueued(uid, key);
  const d: ReportDraft = { ...q.draft, key: uuid(), regionCode: null, updatedAt: Date.now() };
  writeJson(draftKey(uid), d);
  changed();
  return d;
}

// Requests in flight in this tab, by draft key: never two at once for one draft.
const inFlight = new Set<string>();

export async function sendQueued(uid: number, key: string): Promise<SendResult> {
  if (inFlight.has(key)) return { kind: 'busy' };
  const q = loadOutbox(uid).find((x) => x.draft.key === key);
  if (!q) return { kind: 'busy' };
  inFlight.add(key);
  update(uid, key, (x) => ({ ...x, state: 'sending' }));
  try {
    const ticket = await postJson<CreatedTicketDto>('/api/tickets', draftBody(q.draft), { 'Idempotency-Key': key });
    removeQueued(uid, key);
    if (q.draft.categoryCode) noteCategoryUse(uid, q.draft.categoryCode);
    return { kind: 'sent', ticket };
  } catch (err) {
    const retry = isRetryable(err);
    // A 401 means the session ended; keep the item for after the next sign-in.
    const keep = retry || (err instanceof ApiError && err.status === 401);
    update(uid, key, (x) => ({ ...x, state: keep ? 'queued' : 'failed', attempts: x.attempts + 1, lastError: errorMessage(err) }));
    return keep ? { kind: 'queued', error: errorMessage(err) } : { kind: 'rejected', error: err };
  } finally {
    inFlight.delete(key);
  }
}

/** Send everything waiting (not the refused ones). Resolves with what was created. */
export async function flushOutbox(uid: number): Promise<{ sent: CreatedTicketDto[]; rejected: QueuedReport[] }> {
  const sent: CreatedTicketDto[] = [];
  const rejected: QueuedReport[] = [];
  for (const q of loadOutbox(uid)) {
    // "sending" left over from a page closed mid-request counts as waiting.
    if (q.state === 'failed' || inFlight.has(q.draft.key)) continue;
    const r = await sendQueued(uid, q.draft.key);
    if (r.kind === 'sent') sent.push(r.ticket);
    else if (r.kind === 'rejected') rejected.push(q);
    else if (r.kind === 'queued') break; // still offline: do not hammer the rest
  }
  return { sent, rejected };
}

// ---- how often each category was used (for "most common first") ---------------------------------

export function categoryUse(uid: number): Record<string, number> {
  return readJson<Record<string, number>>(usageKey(uid), {});
}

export function noteCategoryUse(uid: number, code: string): void {
  const m = categoryUse(uid);
  m[code] = (m[code] ?? 0) + 1;
  writeJson(usageKey(uid), m);
}

// ---- React ------------------------------------------------------------------------------------------

/** The outbox of `uid`, re-read whenever it changes (in this tab or another). */
export function useOutbox(uid: number | null | undefined): QueuedReport[] {
  useSyncExternalStore(subscribe, () => version);
  return uid ? loadOutbox(uid) : [];
}
