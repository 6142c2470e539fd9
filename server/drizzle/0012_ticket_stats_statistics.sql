-- A region path fixes its level, but the planner multiplies the two conditions' selectivities as
-- if they were independent and then expects ~20× too few rows for a city's or district's counters
-- (choosing a sort over a hash for the unit ranking). Tell it they depend on each other.
CREATE STATISTICS IF NOT EXISTS "ticket_stats_level_path" (dependencies) ON "level", "region_path" FROM "ticket_stats";--> statement-breakpoint
ANALYZE "ticket_stats";
