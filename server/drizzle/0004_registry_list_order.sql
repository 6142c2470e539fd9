-- Registry lists are ordered by place, then id: one index range scan answers
-- "people in this district, next page" at city scale (byte order, so LIKE 'prefix%' is a range).
CREATE INDEX IF NOT EXISTS "persons_region_order_idx" ON "persons" (("region_path" COLLATE "C"), "id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "houses_region_order_idx" ON "houses" (("region_path" COLLATE "C"), "id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "households_region_order_idx" ON "households" (("region_path" COLLATE "C"), "id");
