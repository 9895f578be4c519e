import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, primaryKey, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';
import { notifications } from './notifications';
import { pushSubscriptions } from './push-subscriptions';

export const pushDeliveryStatuses = ['sending', 'retry', 'sent', 'failed'] as const;
export type PushDeliveryStatus = (typeof pushDeliveryStatuses)[number];

/**
 * One row per (notification, subscription), claimed before the push is sent: a redelivered queue
 * message finds the claim and sends nothing, so a device gets a notification at most once
 * (docs/notifications.md explains the order). `retry` is the one state a later attempt may claim.
 */
export const pushDeliveries = pgTable(
  'push_deliveries',
  {
    notificationId: uuid()
      .notNull()
      .references(() => notifications.id, { onDelete: 'cascade' }),
    subscriptionId: uuid()
      .notNull()
      .references(() => pushSubscriptions.id, { onDelete: 'cascade' }),
    status: varchar({ length: 16 }).$type<PushDeliveryStatus>().notNull().default('sending'),
    /** The push service's last HTTP status, for operators. */
    pushStatus: integer(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.notificationId, t.subscriptionId] }),
    // Deleting a subscription cascades here without a scan.
    index('idx_push_deliveries_subscription_id').on(t.subscriptionId),
    check('push_deliveries_status_check', sql`${t.status} in ('sending', 'retry', 'sent', 'failed')`),
  ],
);
