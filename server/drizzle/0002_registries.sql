CREATE TABLE "entrances" (
	"id" serial PRIMARY KEY NOT NULL,
	"building_id" integer NOT NULL,
	"no" smallint NOT NULL,
	"name" varchar(32) NOT NULL,
	"region_path" varchar(18) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "houses" (
	"id" serial PRIMARY KEY NOT NULL,
	"building_id" integer,
	"entrance_id" integer,
	"region_path" varchar(18) NOT NULL,
	"floor" smallint,
	"room" varchar(16),
	"address" text NOT NULL,
	"address_key" text NOT NULL,
	"address_grams" text[] DEFAULT '{}' NOT NULL,
	"area_m2" double precision,
	"use" varchar(16) DEFAULT 'residential' NOT NULL,
	"occupancy" varchar(16) DEFAULT 'unknown' NOT NULL,
	"provenance" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conflicts" (
	"id" serial PRIMARY KEY NOT NULL,
	"entity_type" varchar(16) NOT NULL,
	"entity_id" integer NOT NULL,
	"field" varchar(64) NOT NULL,
	"current_value" text,
	"current_shown" text,
	"current_source" jsonb,
	"incoming_value" text,
	"incoming_shown" text,
	"incoming_source" jsonb NOT NULL,
	"batch_id" integer,
	"region_path" varchar(18) NOT NULL,
	"status" varchar(16) DEFAULT 'open' NOT NULL,
	"resolution" varchar(16),
	"resolved_by" integer,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_batches" (
	"id" serial PRIMARY KEY NOT NULL,
	"source" varchar(64) NOT NULL,
	"kind" varchar(16) NOT NULL,
	"file_name" varchar(256) NOT NULL,
	"file_sha256" varchar(64) NOT NULL,
	"mapping_id" integer,
	"columns" jsonb NOT NULL,
	"dry_run" boolean DEFAULT false NOT NULL,
	"status" varchar(16) DEFAULT 'queued' NOT NULL,
	"total_rows" integer DEFAULT 0 NOT NULL,
	"ok_rows" integer DEFAULT 0 NOT NULL,
	"error_rows" integer DEFAULT 0 NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL,
	"unchanged" integer DEFAULT 0 NOT NULL,
	"conflicts" integer DEFAULT 0 NOT NULL,
	"message" text,
	"scope_path" varchar(18) NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "import_errors" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"batch_id" integer NOT NULL,
	"row_no" integer NOT NULL,
	"field" varchar(64) NOT NULL,
	"rule" varchar(48) NOT NULL,
	"severity" varchar(8) DEFAULT 'error' NOT NULL,
	"message" text NOT NULL,
	"value" text
);
--> statement-breakpoint
CREATE TABLE "import_mappings" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" varchar(64) NOT NULL,
	"source" varchar(64) NOT NULL,
	"kind" varchar(16) NOT NULL,
	"columns" jsonb NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"id" serial PRIMARY KEY NOT NULL,
	"credit_code" varchar(18) NOT NULL,
	"name" varchar(128) NOT NULL,
	"name_grams" text[] DEFAULT '{}' NOT NULL,
	"kind" varchar(2) NOT NULL,
	"grp" varchar(16) NOT NULL,
	"industry" varchar(2),
	"address" text,
	"region_path" varchar(18) NOT NULL,
	"lng" double precision,
	"lat" double precision,
	"employees" integer,
	"has_premises" boolean DEFAULT false NOT NULL,
	"has_staff" boolean DEFAULT false NOT NULL,
	"has_revenue" boolean DEFAULT false NOT NULL,
	"status" varchar(16) DEFAULT 'operating' NOT NULL,
	"party_org_id" integer,
	"guidance_officer" varchar(64),
	"party_members" integer DEFAULT 0 NOT NULL,
	"site_id" integer,
	"provenance" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sites" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" varchar(24) NOT NULL,
	"name" varchar(128) NOT NULL,
	"address" text,
	"region_path" varchar(18) NOT NULL,
	"party_org_id" integer,
	"guidance_officer" varchar(64),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "party_members" (
	"id" serial PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL,
	"party_org_id" integer NOT NULL,
	"membership" varchar(16) DEFAULT 'full' NOT NULL,
	"joined_on" date,
	"in_service" boolean DEFAULT false NOT NULL,
	"work_unit" varchar(128),
	"home_community_code" varchar(18),
	"reported_on" date,
	"region_path" varchar(18) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "party_orgs" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" varchar(128) NOT NULL,
	"level" varchar(16) NOT NULL,
	"parent_id" integer,
	"tree_path" varchar(256) NOT NULL,
	"region_code" varchar(18),
	"region_path" varchar(18) NOT NULL,
	"organisation_id" integer,
	"secretary" varchar(64),
	"founded_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "household_colours" (
	"code" varchar(16) PRIMARY KEY NOT NULL,
	"name" varchar(16) NOT NULL,
	"hex" varchar(7) NOT NULL,
	"meaning" text NOT NULL,
	"sort" smallint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "household_members" (
	"id" serial PRIMARY KEY NOT NULL,
	"household_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"relation" varchar(16) NOT NULL,
	"since" date,
	"until" date
);
--> statement-breakpoint
CREATE TABLE "households" (
	"id" serial PRIMARY KEY NOT NULL,
	"household_no" varchar(32),
	"house_id" integer,
	"region_path" varchar(18) NOT NULL,
	"head_person_id" integer,
	"colour" varchar(16),
	"colour_note" text,
	"status" varchar(16) DEFAULT 'active' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "life_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" varchar(16) NOT NULL,
	"person_id" integer,
	"household_id" integer,
	"occurred_on" date NOT NULL,
	"region_path" varchar(18) NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"actor_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_versions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL,
	"version" integer NOT NULL,
	"data" jsonb NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"changed_by" integer,
	"source" varchar(64) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "persons" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" varchar(64) NOT NULL,
	"name_grams" text[] DEFAULT '{}' NOT NULL,
	"id_enc" text NOT NULL,
	"id_hash" varchar(44) NOT NULL,
	"id_masked" varchar(24) NOT NULL,
	"sex" varchar(8) NOT NULL,
	"birth_date" date NOT NULL,
	"phone_enc" text,
	"phone_hash" varchar(44),
	"phone_masked" varchar(24),
	"ethnicity" varchar(16),
	"registered_address" text,
	"house_id" integer,
	"region_path" varchar(18) NOT NULL,
	"political_status" varchar(24) DEFAULT 'masses' NOT NULL,
	"status" varchar(16) DEFAULT 'active' NOT NULL,
	"tags" text[] DEFAULT '{}' NOT NULL,
	"provenance" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tag_catalogue" (
	"code" varchar(32) PRIMARY KEY NOT NULL,
	"name" varchar(32) NOT NULL,
	"category" varchar(32) NOT NULL,
	"must_visit" boolean DEFAULT false NOT NULL,
	"sort" smallint DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "entrances_building_no_uq" ON "entrances" USING btree ("building_id","no");--> statement-breakpoint
CREATE UNIQUE INDEX "houses_address_key_uq" ON "houses" USING btree ("address_key");--> statement-breakpoint
CREATE INDEX "houses_region_path_idx" ON "houses" USING btree ("region_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "houses_building_idx" ON "houses" USING btree ("building_id","entrance_id","floor");--> statement-breakpoint
CREATE INDEX "houses_address_grams_idx" ON "houses" USING gin ("address_grams");--> statement-breakpoint
CREATE INDEX "conflicts_open_idx" ON "conflicts" USING btree ("status","region_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "conflicts_entity_idx" ON "conflicts" USING btree ("entity_type","entity_id","field");--> statement-breakpoint
CREATE INDEX "import_batches_scope_idx" ON "import_batches" USING btree ("scope_path" text_pattern_ops,"id");--> statement-breakpoint
CREATE INDEX "import_errors_batch_idx" ON "import_errors" USING btree ("batch_id","row_no");--> statement-breakpoint
CREATE UNIQUE INDEX "import_mappings_uq" ON "import_mappings" USING btree ("source","kind","name");--> statement-breakpoint
CREATE UNIQUE INDEX "organisations_credit_code_uq" ON "organisations" USING btree ("credit_code");--> statement-breakpoint
CREATE INDEX "organisations_region_path_idx" ON "organisations" USING btree ("region_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "organisations_grp_idx" ON "organisations" USING btree ("grp","industry");--> statement-breakpoint
CREATE INDEX "organisations_name_grams_idx" ON "organisations" USING gin ("name_grams");--> statement-breakpoint
CREATE INDEX "sites_region_path_idx" ON "sites" USING btree ("region_path" text_pattern_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "party_members_person_uq" ON "party_members" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "party_members_org_idx" ON "party_members" USING btree ("party_org_id");--> statement-breakpoint
CREATE INDEX "party_members_home_idx" ON "party_members" USING btree ("home_community_code");--> statement-breakpoint
CREATE INDEX "party_members_region_path_idx" ON "party_members" USING btree ("region_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "party_orgs_parent_idx" ON "party_orgs" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "party_orgs_tree_idx" ON "party_orgs" USING btree ("tree_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "party_orgs_region_path_idx" ON "party_orgs" USING btree ("region_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "party_orgs_org_idx" ON "party_orgs" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "household_members_household_idx" ON "household_members" USING btree ("household_id");--> statement-breakpoint
CREATE UNIQUE INDEX "household_members_current_uq" ON "household_members" USING btree ("person_id") WHERE "household_members"."until" IS NULL;--> statement-breakpoint
CREATE INDEX "households_region_path_idx" ON "households" USING btree ("region_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "households_house_idx" ON "households" USING btree ("house_id");--> statement-breakpoint
CREATE INDEX "households_colour_idx" ON "households" USING btree ("colour");--> statement-breakpoint
CREATE INDEX "life_events_person_idx" ON "life_events" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "life_events_household_idx" ON "life_events" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "life_events_region_idx" ON "life_events" USING btree ("region_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "person_versions_person_idx" ON "person_versions" USING btree ("person_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "persons_id_hash_uq" ON "persons" USING btree ("id_hash");--> statement-breakpoint
CREATE INDEX "persons_phone_hash_idx" ON "persons" USING btree ("phone_hash");--> statement-breakpoint
CREATE INDEX "persons_region_path_idx" ON "persons" USING btree ("region_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "persons_house_idx" ON "persons" USING btree ("house_id");--> statement-breakpoint
CREATE INDEX "persons_name_grams_idx" ON "persons" USING gin ("name_grams");--> statement-breakpoint
CREATE INDEX "persons_tags_idx" ON "persons" USING gin ("tags");