import { pgTable, varchar, jsonb, timestamp } from 'drizzle-orm/pg-core';

/** Key-value facts about this installation (which demo city was seeded, geometry version, ...). */
export const systemSettings = pgTable('system_settings', {
  key: varchar('key', { length: 64 }).primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
