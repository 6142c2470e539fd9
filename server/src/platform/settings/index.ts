import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { systemSettings } from './schema.js';

export async function getSetting<T>(db: DbOrTx, key: string): Promise<T | undefined> {
  const r = await db.select().from(systemSettings).where(eq(systemSettings.key, key)).limit(1);
  return r[0]?.value as T | undefined;
}

export async function setSetting(db: DbOrTx, key: string, value: unknown): Promise<void> {
  await db
    .insert(systemSettings)
    .values({ key, value: value as never })
    .onConflictDoUpdate({ target: systemSettings.key, set: { value: value as never, updatedAt: new Date() } });
}

/** Atomically add one to a numeric setting (a version counter other processes poll). */
export async function bumpCounter(db: DbOrTx, key: string): Promise<void> {
  await db
    .insert(systemSettings)
    .values({ key, value: 1 as never })
    .onConflictDoUpdate({
      target: systemSettings.key,
      set: { value: sql`to_jsonb(coalesce((${systemSettings.value})::text::int, 0) + 1)`, updatedAt: new Date() },
    });
}
