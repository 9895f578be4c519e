import type { NotificationChannel } from './channel';

/**
 * Delivers to each channel side by side; one failing (the push queue unreachable) never keeps a
 * notification from the others (the open WebSockets). Each failure is logged.
 */
export function everyChannel(...channels: NotificationChannel[]): NotificationChannel {
  return {
    async deliver(recipientId, notification) {
      await Promise.all(
        channels.map((channel) =>
          channel.deliver(recipientId, notification).catch((error: unknown) => {
            console.error(
              JSON.stringify({ notification: notification.notificationId, error: `delivery failed: ${String(error)}` }),
            );
          }),
        ),
      );
    },
  };
}
