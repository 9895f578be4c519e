import { index, pgTable, primaryKey, timestamp, uuid } from 'drizzle-orm/pg-core';
import { posts } from './posts';
import { users } from './users';

export const likes = pgTable(
  'likes',
  {
    postId: uuid()
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One like per user and post: the key that makes a repeated like a no-op.
    primaryKey({ columns: [t.postId, t.userId] }),
    // "Which of these posts has the reader liked", for a page of the feed.
    index('idx_likes_user_post').on(t.userId, t.postId),
  ],
);
