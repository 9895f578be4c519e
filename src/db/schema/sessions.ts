import { index, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';
import { users } from './users';

/**
 * A login session: the family of refresh tokens descended from one login. Revoking it (logout,
 * or a refresh token presented twice) ends every token of the family, access tokens included,
 * because access tokens name their session and the auth check reads this row.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp({ withTimezone: true }),
    revokedReason: varchar({ length: 32 }).$type<'logout' | 'refresh_reuse' | 'suspended'>(),
  },
  (t) => [index('idx_sessions_user_id').on(t.userId)],
);

/** Refresh tokens are stored only as SHA-256 hashes: a database leak yields no usable token. */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    tokenHash: text().primaryKey(),
    sessionId: uuid()
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('idx_refresh_tokens_session_id').on(t.sessionId)],
);
