import { pgTable, varchar, integer, timestamp, index } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

/**
 * Uploaded files (photos today). The bytes live in blob storage under `key`; this row says
 * what they are and who sent them. Rows change once at most: when the orphan sweep finds an old
 * upload attached to something, it sets `kept_at` and never looks at it again.
 */
export const uploads = pgTable(
  'uploads',
  {
    /** 128 random bits as 32 hex digits: the id is the capability to read the file (see service.ts). */
    id: varchar('id', { length: 32 }).primaryKey(),
    /** Blob storage key, e.g. `<id>.jpg`. */
    key: varchar('key', { length: 200 }).notNull().unique(),
    /** What the file is for, e.g. `ticket`; the owning module decides who may read it. */
    purpose: varchar('purpose', { length: 32 }).notNull(),
    /** Sniffed from the bytes: image/jpeg, image/png or image/webp. */
    mime: varchar('mime', { length: 64 }).notNull(),
    /** Bytes stored (after metadata was removed). */
    size: integer('size').notNull(),
    /** SHA-256 of the stored bytes, hex. */
    sha256: varchar('sha256', { length: 64 }).notNull(),
    width: integer('width'),
    height: integer('height'),
    uploaderUserId: integer('uploader_user_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** When the orphan sweep found the upload in use (null: not yet swept). */
    keptAt: timestamp('kept_at', { withTimezone: true }),
  },
  (t) => [
    index('uploads_uploader_idx').on(t.uploaderUserId, t.createdAt),
    index('uploads_unswept_idx').on(t.createdAt).where(sql`${t.keptAt} IS NULL`),
  ],
);
