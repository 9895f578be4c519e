import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

export const userRoles = ['user', 'moderator', 'admin'] as const;
export type UserRole = (typeof userRoles)[number];

export const users = pgTable(
  'users',
  {
    id: uuid().primaryKey().defaultRandom(),
    username: varchar({ length: 50 }).notNull(),
    email: varchar({ length: 255 }).notNull(),
    passwordHash: varchar({ length: 255 }).notNull(),
    fullName: varchar({ length: 255 }),
    bio: text(),
    avatarUrl: varchar({ length: 500 }),
    followersCount: integer().notNull().default(0),
    followingCount: integer().notNull().default(0),
    postsCount: integer().notNull().default(0),
    isVerified: boolean().notNull().default(false),
    role: varchar({ length: 16 }).$type<UserRole>().notNull().default('user'),
    /** Set while the account is suspended: it and everything it made are hidden from everyone. */
    suspendedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Uniqueness is case-insensitive: "Ana" and "ana" are one account name, and one mailbox.
    uniqueIndex('idx_users_username').on(sql`lower(${t.username})`),
    uniqueIndex('idx_users_email').on(sql`lower(${t.email})`),
    index('idx_users_created_at').on(t.createdAt),
    // Few accounts are ever suspended: read paths anti-join against this tiny index.
    index('idx_users_suspended')
      .on(t.id)
      .where(sql`${t.suspendedAt} is not null`),
    check('users_role_check', sql`${t.role} in ('user', 'moderator', 'admin')`),
  ],
);

export type UserRow = typeof users.$inferSelect;
