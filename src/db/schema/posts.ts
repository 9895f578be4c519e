import { sql } from 'drizzle-orm';
import { check, index, integer, numeric, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';
import { users } from './users';

export const postPrivacies = ['public', 'followers', 'private'] as const;
export type PostPrivacy = (typeof postPrivacies)[number];

export const postStatuses = ['processing', 'ready', 'failed'] as const;
export type PostStatus = (typeof postStatuses)[number];

/**
 * A post: its words, privacy and counters. Its photos are its `media` rows; the post's own image
 * fields in the API are those of its first photo. `status` is kept in step with them: ready when
 * all are, failed when one fails.
 */
export const posts = pgTable(
  'posts',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    caption: text(),
    tags: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    locationName: varchar({ length: 255 }),
    latitude: numeric({ precision: 10, scale: 8 }),
    longitude: numeric({ precision: 11, scale: 8 }),
    privacy: varchar({ length: 20 }).$type<PostPrivacy>().notNull().default('public'),
    status: varchar({ length: 20 }).$type<PostStatus>().notNull().default('processing'),
    /** When failed: the reason of its first failed photo. */
    failureReason: text(),
    likesCount: integer().notNull().default(0),
    commentsCount: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('idx_posts_user_id').on(t.userId),
    index('idx_posts_created_at').on(t.createdAt.desc()),
    index('idx_posts_likes_count').on(t.likesCount.desc()),
    index('idx_posts_location').on(t.latitude, t.longitude),
    // A profile grid and the timeline backfill read one author's posts newest first, ties by id.
    index('idx_posts_user_created').on(t.userId, t.createdAt.desc(), t.id.desc()),
    check('posts_privacy_check', sql`${t.privacy} in ('public', 'followers', 'private')`),
    check('posts_status_check', sql`${t.status} in ('processing', 'ready', 'failed')`),
    // The sweep settles posts left processing after their photos settled.
    index('idx_posts_processing')
      .on(t.updatedAt)
      .where(sql`${t.status} = 'processing'`),
  ],
);

export type PostRow = typeof posts.$inferSelect;
