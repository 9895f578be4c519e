import { sql } from 'drizzle-orm';
import { check, index, pgTable, primaryKey, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

/** `blockerId` blocked `blockedId`: each is hidden from the other (src/db/queries/visibility.ts). */
export const blocks = pgTable(
  'blocks',
  {
    blockerId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    blockedId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The primary key answers "did the viewer block this author"; this index the other direction.
    primaryKey({ columns: [t.blockerId, t.blockedId] }),
    index('idx_blocks_blocked_blocker').on(t.blockedId, t.blockerId),
    // The blocker's own list, newest first.
    index('idx_blocks_blocker_created').on(t.blockerId, t.createdAt.desc(), t.blockedId.desc()),
    check('blocks_not_self', sql`${t.blockerId} <> ${t.blockedId}`),
  ],
);
