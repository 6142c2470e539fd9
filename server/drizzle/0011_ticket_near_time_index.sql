DROP INDEX "tickets_dup_idx";--> statement-breakpoint
DROP INDEX "tickets_near_idx";--> statement-breakpoint
CREATE INDEX "tickets_near_time_idx" ON "tickets" USING btree ("category_code","lat","lng","created_at");