import { sql } from 'drizzle-orm';
import { check, pgTable, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';
import { users } from './users';

export const notificationAudiences = ['everyone', 'following', 'off'] as const;
/** Who may notify a user of one kind of event: anyone, only accounts they follow, or no one. */
export type NotificationAudience = (typeof notificationAudiences)[number];

/**
 * A user's choice per notification type. No row means `everyone` for all three, so the table
 * holds only users who changed something and the consumer's check is one primary-key probe.
 */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    userId: uuid()
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    onLike: varchar({ length: 16 }).$type<NotificationAudience>().notNull().default('everyone'),
    onComment: varchar({ length: 16 }).$type<NotificationAudience>().notNull().default('everyone'),
    onFollow: varchar({ length: 16 }).$type<NotificationAudience>().notNull().default('everyone'),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('notification_preferences_on_like_check', sql`${t.onLike} in ('everyone', 'following', 'off')`),
    check('notification_preferences_on_comment_check', sql`${t.onComment} in ('everyone', 'following', 'off')`),
    check('notification_preferences_on_follow_check', sql`${t.onFollow} in ('everyone', 'following', 'off')`),
  ],
);
