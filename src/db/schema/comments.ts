import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { posts } from './posts';
import { users } from './users';

export const comments = pgTable(
  'comments',
  {
    id: uuid().primaryKey().defaultRandom(),
    postId: uuid()
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    content: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Comments are listed oldest first per post; (created_at, id) makes the cursor total.
    index('idx_comments_post_id').on(t.postId, t.createdAt, t.id),
    index('idx_comments_user_id').on(t.userId),
    index('idx_comments_created_at').on(t.createdAt.desc()),
  ],
);
