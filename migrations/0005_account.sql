-- Account deletion marks the row first and erases in the background (docs/accounts.md). A marked
-- account must free its username and email at once, so uniqueness holds among live accounts only.
ALTER TABLE "users" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
DROP INDEX "idx_users_username";--> statement-breakpoint
DROP INDEX "idx_users_email";--> statement-breakpoint
CREATE UNIQUE INDEX "idx_users_username" ON "users" USING btree (lower("username")) WHERE "users"."deleted_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "idx_users_email" ON "users" USING btree (lower("email")) WHERE "users"."deleted_at" is null;--> statement-breakpoint
-- The erasure job walks the marked accounts only.
CREATE INDEX "idx_users_deleted" ON "users" USING btree ("deleted_at") WHERE "users"."deleted_at" is not null;--> statement-breakpoint
CREATE TABLE "exports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"status" varchar(20) DEFAULT 'processing' NOT NULL,
	"size" bigint,
	"failure_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "exports_status_check" CHECK ("exports"."status" in ('processing', 'ready', 'failed'))
);--> statement-breakpoint
ALTER TABLE "exports" ADD CONSTRAINT "exports_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- At most one export running per account: a second request finds the running one.
CREATE UNIQUE INDEX "idx_exports_one_running" ON "exports" USING btree ("user_id") WHERE "exports"."status" = 'processing';--> statement-breakpoint
CREATE INDEX "idx_exports_user_id" ON "exports" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "idx_exports_expires_at" ON "exports" USING btree ("expires_at");
