CREATE TABLE "calendar_overrides" (
	"day" date PRIMARY KEY NOT NULL,
	"work" boolean NOT NULL,
	"note" varchar(128),
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dispatch_rules" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"category_code" varchar(12) NOT NULL,
	"region_path" varchar(18) NOT NULL,
	"tier" varchar(12) NOT NULL,
	"unit_name" varchar(64),
	"unit_region_path" varchar(18),
	"resolve_value" integer,
	"resolve_unit" varchar(8),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_categories" (
	"code" varchar(12) PRIMARY KEY NOT NULL,
	"parent_code" varchar(12),
	"name" varchar(64) NOT NULL,
	"name_en" varchar(96),
	"complexity" varchar(8) DEFAULT 'simple' NOT NULL,
	"default_tier" varchar(12) DEFAULT 'grid' NOT NULL,
	"default_unit" varchar(64),
	"respond_value" integer,
	"respond_unit" varchar(8),
	"resolve_value" integer NOT NULL,
	"resolve_unit" varchar(8) NOT NULL,
	"attributes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sort" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket_id" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_user_id" integer,
	"actor_name" varchar(64),
	"action" varchar(24) NOT NULL,
	"from_status" varchar(16),
	"to_status" varchar(16),
	"note" text,
	"data" jsonb
);
--> statement-breakpoint
CREATE TABLE "ticket_notices" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket_id" bigint NOT NULL,
	"recipient" varchar(96) NOT NULL,
	"kind" varchar(24) NOT NULL,
	"message" varchar(500) NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "ticket_stat_deltas" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"month" date NOT NULL,
	"region_path" varchar(18) NOT NULL,
	"category_top" varchar(12) NOT NULL,
	"unit_key" varchar(96) NOT NULL,
	"received" integer DEFAULT 0 NOT NULL,
	"accepted" integer DEFAULT 0 NOT NULL,
	"responded" integer DEFAULT 0 NOT NULL,
	"responded_on_time" integer DEFAULT 0 NOT NULL,
	"closed" integer DEFAULT 0 NOT NULL,
	"closed_on_time" integer DEFAULT 0 NOT NULL,
	"resolved" integer DEFAULT 0 NOT NULL,
	"closed_in_grid" integer DEFAULT 0 NOT NULL,
	"closed_in_community" integer DEFAULT 0 NOT NULL,
	"rated" integer DEFAULT 0 NOT NULL,
	"satisfied" integer DEFAULT 0 NOT NULL,
	"basic" integer DEFAULT 0 NOT NULL,
	"unsatisfied" integer DEFAULT 0 NOT NULL,
	"overdue" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_stats" (
	"month" date NOT NULL,
	"region_path" varchar(18) NOT NULL,
	"level" varchar(10) NOT NULL,
	"category_top" varchar(12) NOT NULL,
	"unit_key" varchar(96) NOT NULL,
	"received" integer DEFAULT 0 NOT NULL,
	"accepted" integer DEFAULT 0 NOT NULL,
	"responded" integer DEFAULT 0 NOT NULL,
	"responded_on_time" integer DEFAULT 0 NOT NULL,
	"closed" integer DEFAULT 0 NOT NULL,
	"closed_on_time" integer DEFAULT 0 NOT NULL,
	"resolved" integer DEFAULT 0 NOT NULL,
	"closed_in_grid" integer DEFAULT 0 NOT NULL,
	"closed_in_community" integer DEFAULT 0 NOT NULL,
	"rated" integer DEFAULT 0 NOT NULL,
	"satisfied" integer DEFAULT 0 NOT NULL,
	"basic" integer DEFAULT 0 NOT NULL,
	"unsatisfied" integer DEFAULT 0 NOT NULL,
	"overdue" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "ticket_stats_month_level_region_path_category_top_unit_key_pk" PRIMARY KEY("month","level","region_path","category_top","unit_key")
);
--> statement-breakpoint
CREATE TABLE "ticket_units" (
	"unit_key" varchar(96) PRIMARY KEY NOT NULL,
	"name" varchar(96) NOT NULL,
	"region_path" varchar(18) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"no" varchar(32) NOT NULL,
	"channel" varchar(16) NOT NULL,
	"type" varchar(16) NOT NULL,
	"category_code" varchar(12) NOT NULL,
	"status" varchar(16) NOT NULL,
	"priority" varchar(8) DEFAULT 'normal' NOT NULL,
	"title" varchar(128) NOT NULL,
	"description" text NOT NULL,
	"lng" double precision,
	"lat" double precision,
	"address" varchar(256),
	"building_id" integer,
	"region_code" varchar(18) NOT NULL,
	"region_path" varchar(18) NOT NULL,
	"reporter_user_id" integer,
	"reporter_name" varchar(64),
	"reporter_phone_enc" text,
	"reporter_phone_masked" varchar(32),
	"anonymous" boolean DEFAULT false NOT NULL,
	"person_id" integer,
	"household_id" integer,
	"external_id" varchar(64),
	"tier" varchar(12),
	"assignee_path" varchar(18),
	"assignee_dept" varchar(64),
	"assignee_name" varchar(96),
	"leader_name" varchar(64),
	"respond_due_at" timestamp with time zone,
	"resolve_due_at" timestamp with time zone,
	"paused_at" timestamp with time zone,
	"extension_days" integer,
	"accepted_at" timestamp with time zone,
	"dispatched_at" timestamp with time zone,
	"responded_at" timestamp with time zone,
	"handled_at" timestamp with time zone,
	"verified_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"rating" varchar(12),
	"rating_note" varchar(500),
	"reopen_count" integer DEFAULT 0 NOT NULL,
	"supervised_count" integer DEFAULT 0 NOT NULL,
	"escalations" integer DEFAULT 0 NOT NULL,
	"respond_overdue" boolean DEFAULT false NOT NULL,
	"resolve_overdue" boolean DEFAULT false NOT NULL,
	"warned" text[] DEFAULT '{}' NOT NULL,
	"timer_at" timestamp with time zone,
	"timer_kind" varchar(16),
	"merged_into_id" bigint,
	"photos" text[] DEFAULT '{}' NOT NULL,
	"handle_photos" text[] DEFAULT '{}' NOT NULL,
	"handle_note" text,
	"refuse_reason" varchar(500),
	"version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "dispatch_rules_key_idx" ON "dispatch_rules" USING btree ("category_code","region_path");--> statement-breakpoint
CREATE INDEX "ticket_categories_parent_idx" ON "ticket_categories" USING btree ("parent_code");--> statement-breakpoint
CREATE INDEX "ticket_events_ticket_idx" ON "ticket_events" USING btree ("ticket_id","id");--> statement-breakpoint
CREATE INDEX "ticket_notices_recipient_idx" ON "ticket_notices" USING btree ("recipient","id");--> statement-breakpoint
CREATE INDEX "ticket_stat_deltas_path_idx" ON "ticket_stat_deltas" USING btree ("region_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "ticket_stats_path_idx" ON "ticket_stats" USING btree ("level","region_path" text_pattern_ops,"month");--> statement-breakpoint
CREATE UNIQUE INDEX "tickets_no_idx" ON "tickets" USING btree ("no");--> statement-breakpoint
CREATE UNIQUE INDEX "tickets_external_idx" ON "tickets" USING btree ("channel","external_id");--> statement-breakpoint
CREATE INDEX "tickets_region_idx" ON "tickets" USING btree ("region_path" text_pattern_ops,"id");--> statement-breakpoint
CREATE INDEX "tickets_assignee_idx" ON "tickets" USING btree ("assignee_path","status");--> statement-breakpoint
CREATE INDEX "tickets_reporter_idx" ON "tickets" USING btree ("reporter_user_id","id");--> statement-breakpoint
CREATE INDEX "tickets_dup_idx" ON "tickets" USING btree ("category_code","created_at");--> statement-breakpoint
CREATE INDEX "tickets_timer_idx" ON "tickets" USING btree ("timer_at") WHERE timer_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_status_idx" ON "tickets" USING btree ("status","id");