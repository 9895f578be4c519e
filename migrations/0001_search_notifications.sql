CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"recipient_id" uuid NOT NULL,
	"actor_id" uuid NOT NULL,
	"type" varchar(16) NOT NULL,
	"post_id" uuid,
	"comment_id" uuid,
	"content" text,
	"read_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notifications_fact_key" UNIQUE NULLS NOT DISTINCT("recipient_id","actor_id","type","post_id","comment_id"),
	CONSTRAINT "notifications_type_check" CHECK ("notifications"."type" in ('like', 'comment', 'follow'))
);
--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_recipient_id_users_id_fk" FOREIGN KEY ("recipient_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_post_id_posts_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."posts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_comment_id_comments_id_fk" FOREIGN KEY ("comment_id") REFERENCES "public"."comments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_notifications_recipient_created" ON "notifications" USING btree ("recipient_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_notifications_unread" ON "notifications" USING btree ("recipient_id") WHERE "notifications"."read_at" is null;--> statement-breakpoint
CREATE INDEX "idx_notifications_post_id" ON "notifications" USING btree ("post_id");--> statement-breakpoint
CREATE INDEX "idx_notifications_comment_id" ON "notifications" USING btree ("comment_id");--> statement-breakpoint
CREATE INDEX "idx_notifications_actor_id" ON "notifications" USING btree ("actor_id");--> statement-breakpoint
CREATE INDEX "idx_follows_following_created" ON "follows" USING btree ("following_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
-- Search (hand-written: drizzle cannot express extensions, functions or expression GIN indexes).
-- unaccent() is only STABLE (its dictionary can be swapped), so it may not appear in an index;
-- search_fold pins the dictionary by name and is declared IMMUTABLE, the usual way to index it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE OR REPLACE FUNCTION public.search_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$;--> statement-breakpoint
-- A post's searchable words: caption and tags, folded, split by the language-neutral 'simple' parser.
CREATE OR REPLACE FUNCTION public.post_search_document(caption text, tags text[]) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT to_tsvector('simple'::regconfig, public.search_fold(coalesce(caption, '') || ' ' || array_to_string(tags, ' '))) $$;--> statement-breakpoint
CREATE INDEX "idx_users_username_trgm" ON "users" USING gin (public.search_fold("username") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "idx_users_full_name_trgm" ON "users" USING gin (public.search_fold("full_name") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "idx_posts_search_document" ON "posts" USING gin (public.post_search_document("caption", "tags")) WHERE "status" = 'ready';--> statement-breakpoint
CREATE INDEX "idx_posts_tags" ON "posts" USING gin ("tags") WHERE "status" = 'ready';
