import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';

export const moderationActionKinds = ['dismiss', 'remove', 'suspend', 'unsuspend'] as const;
export type ModerationActionKind = (typeof moderationActionKinds)[number];

/**
 * The moderation log. Append-only, enforced by a trigger (migration 0003), which is also why it
 * has no foreign keys: a cascade would have to rewrite history. Ids stay as they were.
 */
export const moderationActions = pgTable(
  'moderation_actions',
  {
    id: uuid().primaryKey().defaultRandom(),
    moderatorId: uuid().notNull(),
    action: varchar({ length: 16 }).$type<ModerationActionKind>().notNull(),
    targetType: varchar({ length: 16 }).$type<'post' | 'comment' | 'user'>().notNull(),
    targetId: uuid().notNull(),
    reportId: uuid(),
    note: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('idx_moderation_actions_created').on(t.createdAt.desc(), t.id.desc()),
    check('moderation_actions_action_check', sql`${t.action} in ('dismiss', 'remove', 'suspend', 'unsuspend')`),
  ],
);
