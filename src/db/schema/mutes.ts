import { sql } from 'drizzle-orm';
import { check, index, pgTable, primaryKey, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

/** `muterId` muted `mutedId`: one-way and silent, only the muter's lists change. */
export const mutes = pgTable(
  'mutes',
  {
    muterId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    mutedId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.muterId, t.mutedId] }),
    index('idx_mutes_muter_created').on(t.muterId, t.createdAt.desc(), t.mutedId.desc()),
    check('mutes_not_self', sql`${t.muterId} <> ${t.mutedId}`),
  ],
);
