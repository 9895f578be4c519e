import { sql } from 'drizzle-orm';
import { bigint, check, index, pgTable, text, timestamp, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { users } from './users';

export const exportStatuses = ['processing', 'ready', 'failed'] as const;
export type ExportStatus = (typeof exportStatuses)[number];

/** A "download my data" archive: one ZIP in R2 (`r2Keys.export`), deleted when it expires. */
export const accountExports = pgTable(
  'exports',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: varchar({ length: 20 }).$type<ExportStatus>().notNull().default('processing'),
    /** Bytes of the finished ZIP. */
    size: bigint({ mode: 'number' }),
    failureReason: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp({ withTimezone: true }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    // At most one export running per account: a second request finds the running one.
    uniqueIndex('idx_exports_one_running')
      .on(t.userId)
      .where(sql`${t.status} = 'processing'`),
    index('idx_exports_user_id').on(t.userId),
    index('idx_exports_expires_at').on(t.expiresAt),
    check('exports_status_check', sql`${t.status} in ('processing', 'ready', 'failed')`),
  ],
);

export type ExportRow = typeof accountExports.$inferSelect;
