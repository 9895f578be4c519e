import { sql } from 'drizzle-orm';
import { check, index, pgTable, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

export const follows = pgTable(
  'follows',
  {
    id: uuid().primaryKey().defaultRandom(),
    followerId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    followingId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('follows_follower_following_key').on(t.followerId, t.followingId),
    index('idx_follows_follower_id').on(t.followerId),
    index('idx_follows_following_id').on(t.followingId),
    // The seed's feed index: "whom does this reader follow", newest first.
    index('idx_follows_follower_created').on(t.followerId, t.createdAt.desc()),
    // A user's followers, newest first: the followers list and the fan-out read this.
    index('idx_follows_following_created').on(t.followingId, t.createdAt.desc(), t.id.desc()),
    check('follows_not_self', sql`${t.followerId} <> ${t.followingId}`),
  ],
);
