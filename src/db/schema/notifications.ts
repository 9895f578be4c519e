import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, unique, uuid, varchar } from 'drizzle-orm/pg-core';
import { comments } from './comments';
import { posts } from './posts';
import { users } from './users';

export const notificationTypes = ['like', 'comment', 'follow'] as const;
export type NotificationType = (typeof notificationTypes)[number];

/**
 * What happened to a user because of someone else: the activity feed and the notifications list
 * are this one table. Rows go when what they describe goes (unlike, unfollow, a deleted comment,
 * post or account): the cascades and the notifications consumer see to that.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid().primaryKey().defaultRandom(),
    recipientId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    actorId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: varchar({ length: 16 }).$type<NotificationType>().notNull(),
    postId: uuid().references(() => posts.id, { onDelete: 'cascade' }),
    commentId: uuid().references(() => comments.id, { onDelete: 'cascade' }),
    /** The comment's text when it was made: the list shows it without reading comments. */
    content: text(),
    readAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One notification per fact: a redelivered event, or a like repeated after an unlike, adds
    // nothing. Follows have no post and likes no comment, hence NULLS NOT DISTINCT.
    unique('notifications_fact_key').on(t.recipientId, t.actorId, t.type, t.postId, t.commentId).nullsNotDistinct(),
    // The list, newest first, and its keyset cursor.
    index('idx_notifications_recipient_created').on(t.recipientId, t.createdAt.desc(), t.id.desc()),
    // unreadCount reads only the unread ones.
    index('idx_notifications_unread')
      .on(t.recipientId)
      .where(sql`${t.readAt} is null`),
    // The cascades from posts, comments and actors find their rows without a scan.
    index('idx_notifications_post_id').on(t.postId),
    index('idx_notifications_comment_id').on(t.commentId),
    index('idx_notifications_actor_id').on(t.actorId),
    check('notifications_type_check', sql`${t.type} in ('like', 'comment', 'follow')`),
  ],
);
