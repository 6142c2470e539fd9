import type { Actor } from '../scope/index.js';

/**
 * Signed-in sessions resolved in the last few seconds, by token hash: every API request resolves
 * its cookie, and on a busy intake path the session query was one of four round trips a ticket.
 * Writes through authRepo that end a session or change a user forget the entries at once in this
 * process; another server process (or a change made outside authRepo) is seen within TTL_MS.
 */
const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  actor: Actor;
  /** Session expiry (ms): a cached session still dies on time. */
  expiresAt: number;
  /** When the session was last extended (ms), so the caller knows when to touch it again. */
  lastSeenAt: number;
  cachedAt: number;
}

const entries = new Map<string, Entry>();

export const sessionCache = {
  get(tokenHash: string, now = Date.now()): Entry | undefined {
    const e = entries.get(tokenHash);
    if (!e) return undefined;
    if (now - e.cachedAt > TTL_MS || now >= e.expiresAt) {
      entries.delete(tokenHash);
      return undefined;
    }
    return e;
  },

  set(tokenHash: string, e: Omit<Entry, 'cachedAt'>, now = Date.now()): void {
    // Oldest first (a Map keeps insertion order): enough for a cache this short-lived.
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    entries.delete(tokenHash);
    entries.set(tokenHash, { ...e, cachedAt: now });
  },

  forget(tokenHash: string): void {
    entries.delete(tokenHash);
  },

  forgetUser(userId: number): void {
    for (const [k, e] of entries) if (e.actor.id === userId) entries.delete(k);
  },
};
