import type { Db } from '../../db/client';
import { pushSubscriptionIdsOf } from '../../db/queries/push';
import { parsePublicId } from '../../shared/ids';
import type { PushJob } from '../../shared/push-jobs';
import type { NotificationChannel } from '../channel';

/**
 * Hands a new notification to the push queue, one message per subscription of the recipient, so
 * each device is retried (or given up on) on its own. Nothing is sent here: the queue's consumer
 * (`deliver.ts`) claims, encrypts and sends. A recipient with no subscription costs one index probe.
 */
export function pushChannel(db: Db, queue: Queue<PushJob>): NotificationChannel {
  return {
    async deliver(recipientId, notification) {
      const notificationId = parsePublicId('notif', notification.notificationId);
      if (!notificationId) return;
      const subscriptionIds = await pushSubscriptionIdsOf(db, recipientId);
      if (subscriptionIds.length === 0) return;
      await queue.sendBatch(subscriptionIds.map((subscriptionId) => ({ body: { notificationId, subscriptionId } })));
    },
  };
}
