import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp, unique, uuid, varchar } from 'drizzle-orm/pg-core';
import { posts } from './posts';
import { users } from './users';

export const mediaStatuses = ['processing', 'ready', 'failed'] as const;
export type MediaStatus = (typeof mediaStatuses)[number];

export const imageFormats = ['JPEG', 'PNG', 'WEBP', 'HEIC', 'AVIF'] as const;
export type ImageFormat = (typeof imageFormats)[number];

/** What the processor learns from the file; null until the photo is ready. */
export interface ImageMetadata {
  camera: string | null;
  exposure: {
    lens: string | null;
    fNumber: number | null;
    exposureTime: string | null;
    iso: number | null;
    focalLength: number | null;
  } | null;
  blurhash: string;
}

/**
 * One photo. A post's photos are its rows ordered by `position`; a row with no post is an upload
 * waiting to be attached (swept after a day). The R2 objects are named by the row itself
 * (`originalKey`, `imageName`), so photos of posts made before this table keep their old keys and
 * URLs: build keys only with `r2Keys.ofMedia` (src/shared/images.ts).
 */
export const media = pgTable(
  'media',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    postId: uuid().references(() => posts.id, { onDelete: 'cascade' }),
    /** Order within its post, from 0. */
    position: integer().notNull().default(0),
    altText: text(),
    status: varchar({ length: 20 }).$type<MediaStatus>().notNull().default('processing'),
    failureReason: text(),
    /** R2 key of the private original upload. */
    originalKey: text().notNull(),
    /** The `{name}` of the served variants `images/{name}_{size}.jpg`, and of their URLs. */
    imageName: varchar({ length: 64 }).notNull(),
    /** As judged from the upload's bytes. */
    format: varchar({ length: 8 }).$type<ImageFormat>().notNull(),
    /** Bytes of the upload. */
    fileSize: integer().notNull(),
    /** Of the upright image, once processed. */
    width: integer(),
    height: integer(),
    metadata: jsonb().$type<ImageMetadata>(),
    /** How often the stuck-media sweep has re-enqueued this photo; bounded, then it fails. */
    requeues: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('media_image_name_unique').on(t.imageName),
    check('media_status_check', sql`${t.status} in ('processing', 'ready', 'failed')`),
    // A post's photos in order: hydration reads them for a page of posts at once.
    index('idx_media_post_position').on(t.postId, t.position),
    index('idx_media_user_id').on(t.userId),
    // The sweep of uploads never attached to a post.
    index('idx_media_unattached')
      .on(t.createdAt)
      .where(sql`${t.postId} is null`),
    // The stuck-media sweep looks only at photos still processing.
    index('idx_media_processing')
      .on(t.updatedAt)
      .where(sql`${t.status} = 'processing'`),
  ],
);

export type MediaRow = typeof media.$inferSelect;
