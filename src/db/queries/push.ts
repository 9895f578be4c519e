/**
 * Web Push: subscriptions per user and the delivery record per (notification, subscription).
 * See docs/notifications.md for the delivery path and why a delivery is claimed before it is sent.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../client';
import { notifications, pushDeliveries, pushSubscriptions, users, type PushDeliveryStatus } from '../schema';
import { shownColumns, toNotification, type NotificationRow, type NotificationSqlRow } from './notifications';
import { notificationShown } from './visibility';

export interface PushKeys {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/**
 * Stores the subscription for `userId`, or — the endpoint known already — updates its keys and
 * rebinds it to `userId` (a device someone else signed in on now belongs to whoever is signed in).
 * `created` says which, from Postgres itself (`xmax = 0` only on a fresh insert). In the same
 * transaction the user's oldest subscriptions beyond `maxPerUser` go, which bounds the fan-out of
 * every notification.
 */
export async function savePushSubscription(
  db: Db,
  userId: string,
  keys: PushKeys,
  maxPerUser: number,
): Promise<{ id: string; created: boolean }> {
  const [saved] = await db.batch([
    db.execute<{ id: string; created: boolean }>(sql`
      insert into ${pushSubscriptions} (user_id, endpoint, p256dh, auth)
      values (${userId}, ${keys.endpoint}, ${keys.p256dh}, ${keys.auth})
      on conflict on constraint push_subscriptions_endpoint_key do update set
        user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth, updated_at = now()
      returning id, (xmax = 0) as created`),
    db.execute(sql`
      delete from ${pushSubscriptions} where user_id = ${userId} and id not in (
        select id from ${pushSubscriptions} where user_id = ${userId} order by updated_at desc, id desc limit ${maxPerUser})`),
  ]);
  const row = saved.rows[0];
  if (!row) throw new Error('upsert returned no row');
  return { id: row.id, created: row.created === true };
}

/** Deletes the caller's own subscription; false when there is none of theirs with that id. */
export async function deletePushSubscription(db: Db, userId: string, id: string): Promise<boolean> {
  const result = await db.execute(sql`
    delete from ${pushSubscriptions} where id = ${id} and user_id = ${userId} returning id`);
  return result.rows.length > 0;
}

/** The push service said the subscription is gone (404/410): so is our copy. */
export async function forgetPushSubscription(db: Db, id: string): Promise<void> {
  await db.execute(sql`delete from ${pushSubscriptions} where id = ${id}`);
}

export async function pushSubscriptionIdsOf(db: Db, userId: string): Promise<string[]> {
  const result = await db.execute<{ id: string }>(sql`
    select id from ${pushSubscriptions} where user_id = ${userId}`);
  return result.rows.map((row) => row.id);
}

export interface ClaimedDelivery {
  notification: NotificationRow;
  subscription: PushKeys;
}

/**
 * Claims the delivery of a notification to a subscription and returns what to send, in one
 * statement; null when there is nothing to send: already sent or being sent (a redelivered
 * message), the notification gone or no longer shown (a block since), or the subscription gone or
 * now someone else's. Only a delivery left in `retry` is claimed again.
 */
export async function claimPushDelivery(
  db: Db,
  notificationId: string,
  subscriptionId: string,
): Promise<ClaimedDelivery | null> {
  const result = await db.execute<NotificationSqlRow & { endpoint: string; p256dh: string; auth: string }>(sql`
    with target as (
      select n.id as notification_id, s.id as subscription_id, s.endpoint, s.p256dh, s.auth
      from ${notifications} n join ${pushSubscriptions} s on s.user_id = n.recipient_id
      where n.id = ${notificationId} and s.id = ${subscriptionId} and ${notificationShown}
    ), claimed as (
      insert into ${pushDeliveries} as d (notification_id, subscription_id)
      select notification_id, subscription_id from target
      on conflict (notification_id, subscription_id) do update set status = 'sending', updated_at = now()
        where d.status = 'retry'
      returning d.notification_id
    )
    select ${shownColumns}, t.endpoint, t.p256dh, t.auth
    from claimed c join target t on t.notification_id = c.notification_id
      join ${notifications} n on n.id = c.notification_id join ${users} u on u.id = n.actor_id`);
  const row = result.rows[0];
  if (!row) return null;
  return {
    notification: toNotification(row),
    subscription: { endpoint: row.endpoint, p256dh: row.p256dh, auth: row.auth },
  };
}

/** Records how a claimed delivery ended (`retry` lets the next attempt claim it again). */
export async function settlePushDelivery(
  db: Db,
  notificationId: string,
  subscriptionId: string,
  status: Exclude<PushDeliveryStatus, 'sending'>,
  pushStatus: number | null,
): Promise<void> {
  await db.execute(sql`
    update ${pushDeliveries} set status = ${status}, push_status = ${pushStatus}, updated_at = now()
    where notification_id = ${notificationId} and subscription_id = ${subscriptionId}`);
}
