CREATE TABLE "open311_api_keys" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" varchar(64) NOT NULL,
	"key_hash" varchar(64) NOT NULL,
	"key_prefix" varchar(16) NOT NULL,
	"region_path" varchar(18) NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "open311_requests" (
	"ticket_id" bigint PRIMARY KEY NOT NULL,
	"service_request_id" varchar(32) NOT NULL,
	"token" varchar(64) NOT NULL,
	"api_key_id" integer NOT NULL,
	"service_code" varchar(12) NOT NULL,
	"description" text NOT NULL,
	"status" varchar(16) NOT NULL,
	"status_notes" text,
	"agency_responsible" varchar(96),
	"address" varchar(256),
	"address_id" integer,
	"lat" double precision,
	"lng" double precision,
	"region_path" varchar(18) NOT NULL,
	"media_url" varchar(2048),
	"requested_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"expected_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "open311_api_keys_hash_idx" ON "open311_api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "open311_api_keys_region_idx" ON "open311_api_keys" USING btree ("region_path" text_pattern_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "open311_requests_sr_idx" ON "open311_requests" USING btree ("service_request_id");--> statement-breakpoint
CREATE UNIQUE INDEX "open311_requests_token_idx" ON "open311_requests" USING btree ("token");--> statement-breakpoint
CREATE INDEX "open311_requests_time_idx" ON "open311_requests" USING btree ("requested_at");--> statement-breakpoint
CREATE INDEX "open311_requests_region_idx" ON "open311_requests" USING btree ("region_path" text_pattern_ops,"requested_at");