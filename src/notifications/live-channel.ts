import type { LiveConnections } from '../durable-objects/live-connections';
import type { NotificationChannel } from './channel';

/** The one way to reach a user's open streams: one object per user, named by their id. */
export function liveConnectionsOf(namespace: DurableObjectNamespace<LiveConnections>, userId: string) {
  return namespace.get(namespace.idFromName(userId));
}

/** Pushes notifications to the recipient's open WebSockets (none open: nothing to do). */
export function liveChannel(namespace: DurableObjectNamespace<LiveConnections>): NotificationChannel {
  return {
    async deliver(recipientId, notification) {
      await liveConnectionsOf(namespace, recipientId).deliver(JSON.stringify(notification));
    },
  };
}
