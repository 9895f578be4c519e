import type { PresentedNotification } from './present';

/**
 * Where a new notification goes once it is stored. Postgres holds the notification whatever a
 * channel does; a channel only tells the recipient sooner, best effort. Today the one channel is
 * the recipient's open WebSockets (`live-channel.ts`). Phone push (FCM, APNS) or Web Push would be
 * further implementations — each looking up the recipient's device subscriptions and calling its
 * provider — delivered to side by side with this one (see docs/notifications.md).
 */
export interface NotificationChannel {
  deliver(recipientId: string, notification: PresentedNotification): Promise<void>;
}
