import { pgTable, varchar, boolean, timestamp, date } from 'drizzle-orm/pg-core';

/** City overrides of the working-day calendar (a local holiday, an emergency working day). */
export const calendarOverrides = pgTable('calendar_overrides', {
  day: date('day', { mode: 'string' }).primaryKey(),
  work: boolean('work').notNull(),
  note: varchar('note', { length: 128 }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
