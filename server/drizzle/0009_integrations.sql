CREATE TABLE "idempotency_keys" (
	"user_id" integer NOT NULL,
	"method" varchar(8) NOT NULL,
	"path" varchar(512) NOT NULL,
	"key" varchar(255) NOT NULL,
	"state" varchar(12) NOT NULL,
	"token" varchar(36) NOT NULL,
	"request_hash" varchar(64),
	"response_status" integer,
	"response_type" varchar(128),
	"response_body" text,
	"lease_until" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "idempotency_keys_user_id_method_path_key_pk" PRIMARY KEY("user_id","method","path","key")
);
--> statement-breakpoint
CREATE TABLE "hotline_results" (
	"ticket_id" bigint PRIMARY KEY NOT NULL,
	"hotline_no" varchar(64) NOT NULL,
	"ticket_no" varchar(32) NOT NULL,
	"region_path" varchar(18) NOT NULL,
	"status" varchar(16) NOT NULL,
	"unit_name" varchar(96),
	"reply" text,
	"rating" varchar(12),
	"rating_note" varchar(500),
	"closed_at" timestamp with time zone,
	"resolve_due_at" timestamp with time zone,
	"version" integer NOT NULL,
	"changed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"delivery_id" bigint NOT NULL,
	"attempt" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"status_code" integer,
	"error" varchar(500),
	"duration_ms" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"endpoint_id" integer NOT NULL,
	"event_id" varchar(40) NOT NULL,
	"event_type" varchar(32) NOT NULL,
	"ticket_id" bigint,
	"body" text NOT NULL,
	"status" varchar(12) DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"last_status_code" integer,
	"last_error" varchar(500),
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"id" serial PRIMARY KEY NOT NULL,
	"url" varchar(2048) NOT NULL,
	"description" varchar(200),
	"secret_enc" text NOT NULL,
	"secret_hint" varchar(16) NOT NULL,
	"events" text[] NOT NULL,
	"region_path" varchar(18) NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "idempotency_keys_expires_idx" ON "idempotency_keys" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "hotline_results_no_idx" ON "hotline_results" USING btree ("hotline_no");--> statement-breakpoint
CREATE INDEX "hotline_results_changed_idx" ON "hotline_results" USING btree ("changed_at","ticket_id");--> statement-breakpoint
CREATE INDEX "webhook_attempts_delivery_idx" ON "webhook_attempts" USING btree ("delivery_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_event_idx" ON "webhook_deliveries" USING btree ("endpoint_id","event_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("next_attempt_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_deliveries_endpoint_idx" ON "webhook_deliveries" USING btree ("endpoint_id","id");--> statement-breakpoint
CREATE INDEX "webhook_endpoints_region_idx" ON "webhook_endpoints" USING btree ("region_path" text_pattern_ops);