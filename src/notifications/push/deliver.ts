/**
 * The push queue's consumer: sends one notification to one subscription, at most once.
 *
 * The delivery is claimed (a `push_deliveries` row inserted ON CONFLICT DO NOTHING) *before* the
 * push is sent. A redelivered message finds the claim and sends nothing, and so does a Worker
 * that died after sending but before recording the outcome: "at most once" wins over "at least
 * once", since a lost like notification costs less than a phone buzzing twice. The opposite order
 * (send, then record) would send again every time the record was lost. Only a send known to have
 * failed (429, 5xx, a network error) is left in `retry`, which the next attempt may claim again.
 */
import type { Db } from '../../db/client';
import { claimPushDelivery, forgetPushSubscription, settlePushDelivery } from '../../db/queries/push';
import type { PushJob } from '../../shared/push-jobs';
import { presentNotification } from '../present';
import { pushOptionsFor, pushPayload } from './payload';
import { webPushRequest, type VapidKeys } from './web-push';

export interface PushDeps {
  db: Db;
  vapid: VapidKeys;
  fetch: typeof fetch;
}

export type PushOutcome =
  { result: 'sent' | 'skipped' | 'gone' | 'refused' } | { result: 'retry'; delaySeconds: number | undefined };

/** Queues wait at most 12 hours before a retry (the platform's limit on `delaySeconds`). */
const maxDelaySeconds = 12 * 3600;

/** `Retry-After` in seconds, given as seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header.trim()) : (Date.parse(header) - now) / 1000;
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(Math.max(Math.ceil(seconds), 1), maxDelaySeconds);
}

export async function deliverPush(deps: PushDeps, job: PushJob): Promise<PushOutcome> {
  const { notificationId, subscriptionId } = job;
  const claimed = await claimPushDelivery(deps.db, notificationId, subscriptionId);
  if (!claimed) return { result: 'skipped' };
  const notification = presentNotification(claimed.notification);
  const request = await webPushRequest(
    claimed.subscription,
    pushPayload(notification),
    pushOptionsFor(notification.type),
    deps.vapid,
  );
  let response: Response;
  try {
    response = await deps.fetch(claimed.subscription.endpoint, request);
  } catch (error) {
    console.error(JSON.stringify({ push: subscriptionId, error: `push service unreachable: ${String(error)}` }));
    await settlePushDelivery(deps.db, notificationId, subscriptionId, 'retry', null);
    return { result: 'retry', delaySeconds: undefined };
  }
  const status = response.status;
  const retryAfter = response.headers.get('Retry-After');
  await response.body?.cancel();
  if (status >= 200 && status < 300) {
    await settlePushDelivery(deps.db, notificationId, subscriptionId, 'sent', status);
    return { result: 'sent' };
  }
  if (status === 404 || status === 410) {
    // The subscription expired or was withdrawn by the user: never send to it again.
    await forgetPushSubscription(deps.db, subscriptionId);
    return { result: 'gone' };
  }
  if (status === 429 || status >= 500) {
    await settlePushDelivery(deps.db, notificationId, subscriptionId, 'retry', status);
    return { result: 'retry', delaySeconds: retryAfterSeconds(retryAfter) };
  }
  // Any other answer (400 bad keys, 401/403 a VAPID mismatch, 413) will not change by retrying.
  console.error(
    JSON.stringify({ push: subscriptionId, notification: notificationId, error: `push refused: ${status}` }),
  );
  await settlePushDelivery(deps.db, notificationId, subscriptionId, 'failed', status);
  return { result: 'refused' };
}

/** Exponential backoff when the push service named no delay: 2, 4, 8 … seconds, at most 5 minutes. */
const backoffSeconds = (attempts: number) => Math.min(2 ** attempts, 300);

/**
 * Settles each message on its own (never throwing, so one failure never replays the batch):
 * acked when done, retried after the push service's `Retry-After` or with backoff. After the
 * queue's `max_retries` a message goes to the dead-letter queue (`recordDeadPush`).
 */
export async function consumePushBatch(deps: PushDeps, batch: MessageBatch<PushJob>): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        const outcome = await deliverPush(deps, message.body);
        if (outcome.result === 'retry') {
          message.retry({ delaySeconds: outcome.delaySeconds ?? backoffSeconds(message.attempts) });
        } else {
          message.ack();
        }
      } catch (error) {
        console.error(JSON.stringify({ queue: batch.queue, attempt: message.attempts, error: String(error) }));
        message.retry({ delaySeconds: backoffSeconds(message.attempts) });
      }
    }),
  );
}

/** The dead-letter queue's consumer: the delivery gave up; say so in its record and in the log. */
export async function recordDeadPushes(db: Db, batch: MessageBatch<PushJob>): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      const { notificationId, subscriptionId } = message.body;
      try {
        await settlePushDelivery(db, notificationId, subscriptionId, 'failed', null);
        console.error(JSON.stringify({ push: subscriptionId, notification: notificationId, error: 'push gave up' }));
        message.ack();
      } catch (error) {
        console.error(JSON.stringify({ queue: batch.queue, error: String(error) }));
        message.retry({ delaySeconds: backoffSeconds(message.attempts) });
      }
    }),
  );
}
