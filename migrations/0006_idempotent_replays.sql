-- The first answer to an upload with an Idempotency-Key, replayed as it was to a retry with that
-- key (status and body). Keys stored before this column existed have none: their retries get an
-- answer rebuilt from the post or photo as it stands.
ALTER TABLE "upload_keys" ADD COLUMN "response" jsonb;--> statement-breakpoint
ALTER TABLE "media_upload_keys" ADD COLUMN "response" jsonb;
