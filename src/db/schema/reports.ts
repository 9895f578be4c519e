import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { users } from './users';

export const reportTargetTypes = ['post', 'comment', 'user'] as const;
export type ReportTargetType = (typeof reportTargetTypes)[number];

export const reportReasons = ['spam', 'harassment', 'nudity', 'violence', 'illegal', 'other'] as const;
export type ReportReason = (typeof reportReasons)[number];

export const reportResolutions = ['dismiss', 'remove', 'suspend'] as const;
export type ReportResolution = (typeof reportResolutions)[number];

/** What the target looked like when it was reported: the moderator still sees it once it is gone. */
export interface ReportSnapshot {
  username: string;
  caption?: string | null;
  content?: string;
  /** The post a reported comment is on. */
  postId?: string;
}

export const reports = pgTable(
  'reports',
  {
    id: uuid().primaryKey().defaultRandom(),
    reporterId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    targetType: varchar({ length: 16 }).$type<ReportTargetType>().notNull(),
    /** A post, comment or user id; no foreign key, since a removed target's reports stay as history. */
    targetId: uuid().notNull(),
    /** Whose the target is: the account a `suspend` resolution suspends. */
    targetUserId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    reason: varchar({ length: 16 }).$type<ReportReason>().notNull(),
    comment: text(),
    snapshot: jsonb().$type<ReportSnapshot>().notNull(),
    status: varchar({ length: 16 }).$type<'open' | 'resolved'>().notNull().default('open'),
    resolution: varchar({ length: 16 }).$type<ReportResolution>(),
    resolvedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    resolutionNote: text(),
    resolvedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One open report per reporter and target: reporting again while it is open returns it.
    uniqueIndex('idx_reports_open_per_reporter')
      .on(t.reporterId, t.targetType, t.targetId)
      .where(sql`${t.status} = 'open'`),
    // The queue, oldest first, by status.
    index('idx_reports_status_created').on(t.status, t.createdAt, t.id),
    // Resolving a target resolves all its open reports; the queue counts them.
    index('idx_reports_target')
      .on(t.targetType, t.targetId)
      .where(sql`${t.status} = 'open'`),
    check('reports_target_type_check', sql`${t.targetType} in ('post', 'comment', 'user')`),
    check('reports_reason_check', sql`${t.reason} in ('spam', 'harassment', 'nudity', 'violence', 'illegal', 'other')`),
    check('reports_status_check', sql`${t.status} in ('open', 'resolved')`),
    check(
      'reports_resolution_check',
      sql`${t.resolution} is null or ${t.resolution} in ('dismiss', 'remove', 'suspend')`,
    ),
  ],
);

export type ReportRow = typeof reports.$inferSelect;
