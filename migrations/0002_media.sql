CREATE TABLE "media" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"post_id" uuid,
	"position" integer DEFAULT 0 NOT NULL,
	"alt_text" text,
	"status" varchar(20) DEFAULT 'processing' NOT NULL,
	"failure_reason" text,
	"original_key" text NOT NULL,
	"image_name" varchar(64) NOT NULL,
	"format" varchar(8) NOT NULL,
	"file_size" integer NOT NULL,
	"width" integer,
	"height" integer,
	"metadata" jsonb,
	"requeues" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "media_image_name_unique" UNIQUE("image_name"),
	CONSTRAINT "media_status_check" CHECK ("media"."status" in ('processing', 'ready', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "media_upload_keys" (
	"user_id" uuid NOT NULL,
	"key" varchar(255) NOT NULL,
	"media_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "media_upload_keys_user_id_key_pk" PRIMARY KEY("user_id","key")
);
--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_post_id_posts_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."posts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_upload_keys" ADD CONSTRAINT "media_upload_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_upload_keys" ADD CONSTRAINT "media_upload_keys_media_id_media_id_fk" FOREIGN KEY ("media_id") REFERENCES "public"."media"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_media_post_position" ON "media" USING btree ("post_id","position");--> statement-breakpoint
CREATE INDEX "idx_media_user_id" ON "media" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "idx_media_unattached" ON "media" USING btree ("created_at") WHERE "media"."post_id" is null;--> statement-breakpoint
CREATE INDEX "idx_media_processing" ON "media" USING btree ("updated_at") WHERE "media"."status" = 'processing';--> statement-breakpoint
-- Every existing post becomes a one-photo post. Its photo keeps the post's R2 objects as they are
-- (originals/post_<hex>, images/post_<hex>_<size>.jpg), so no byte is copied or processed again
-- and every URL handed out before keeps working.
INSERT INTO "media" ("user_id", "post_id", "position", "alt_text", "status", "failure_reason", "original_key", "image_name",
	"format", "file_size", "width", "height", "metadata", "requeues", "created_at", "updated_at")
SELECT "user_id", "id", 0, "alt_text", "status", "failure_reason",
	'originals/post_' || replace("id"::text, '-', ''), 'post_' || replace("id"::text, '-', ''),
	"format", "file_size", "width", "height", "metadata", "requeues", "created_at", "updated_at"
FROM "posts";--> statement-breakpoint
ALTER TABLE "posts" DROP COLUMN "alt_text";--> statement-breakpoint
ALTER TABLE "posts" DROP COLUMN "format";--> statement-breakpoint
ALTER TABLE "posts" DROP COLUMN "file_size";--> statement-breakpoint
ALTER TABLE "posts" DROP COLUMN "width";--> statement-breakpoint
ALTER TABLE "posts" DROP COLUMN "height";--> statement-breakpoint
ALTER TABLE "posts" DROP COLUMN "metadata";--> statement-breakpoint
ALTER TABLE "posts" DROP COLUMN "requeues";
