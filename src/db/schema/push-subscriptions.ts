import { index, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

/**
 * A browser's (or any Web Push client's) `PushSubscription`: where to send, and the keys to
 * encrypt for. An endpoint belongs to one device, so it is unique: subscribing it again rebinds it
 * to whoever is signed in there now. Rows go with the account, or when the push service answers
 * 404/410.
 */
export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    endpoint: text().notNull(),
    /** The client's P-256 public key, base64url (65 bytes uncompressed). */
    p256dh: text().notNull(),
    /** The client's 16-byte authentication secret, base64url. */
    auth: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('push_subscriptions_endpoint_key').on(t.endpoint),
    index('idx_push_subscriptions_user_id').on(t.userId),
  ],
);
