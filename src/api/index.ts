import { accountJobDeps } from '../account/deps';
import { runAccountJob } from '../account/run-job';
import { sweepAccountJobs } from '../account/sweep';
import { createDb } from '../db/client';
import { runFanOutJob, type FanOutDeps } from '../feed/fan-out';
import { notificationDeps, pushDeps } from '../notifications/deps';
import { consumePushBatch, recordDeadPushes } from '../notifications/push/deliver';
import { recordSocialEvent } from '../notifications/record-event';
import type { AccountJob } from '../shared/account-jobs';
import { deliverStatusEvents } from '../notifications/status-events';
import type { FanOutJob } from '../shared/feed-messages';
import type { PushJob } from '../shared/push-jobs';
import type { SocialEvent } from '../shared/social-events';
import { createApp } from './app';
import { configFrom } from './config';

export { LiveConnections } from '../durable-objects/live-connections';
export { RateLimiter } from '../durable-objects/rate-limiter';
export { Timeline } from '../durable-objects/timeline';

const app = createApp();

export function fanOutDeps(env: Env): FanOutDeps {
  const config = configFrom(env);
  return {
    db: createDb(config.DATABASE_URL, config.NEON_HTTP_ENDPOINT),
    timelines: env.TIMELINES,
    fanOutQueue: env.FEED_FANOUT,
    fanOutLimit: config.FANOUT_FOLLOWER_LIMIT,
  };
}

/**
 * Runs a batch's messages side by side (they are I/O). Each is acked or retried on its own with
 * backoff, and the handler never throws, so one failure never replays the whole batch.
 */
async function settleEach<Body>(batch: MessageBatch<Body>, handle: (body: Body) => Promise<unknown>): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        await handle(message.body);
        message.ack();
      } catch (error) {
        console.error(JSON.stringify({ queue: batch.queue, attempt: message.attempts, error: String(error) }));
        message.retry({ delaySeconds: Math.min(2 ** message.attempts, 300) });
      }
    }),
  );
}

/** The queues this Worker consumes, by name. */
const consumers: Record<string, (batch: MessageBatch<unknown>, env: Env) => Promise<void>> = {
  'lumen-feed-fanout': (batch, env) => {
    const deps = fanOutDeps(env);
    const statusDeps = { db: deps.db, connections: env.LIVE_CONNECTIONS };
    return settleEach(batch as MessageBatch<FanOutJob>, (job) =>
      job.kind === 'media-updated' ? deliverStatusEvents(statusDeps, job) : runFanOutJob(deps, job),
    );
  },
  'lumen-social-events': (batch, env) => {
    const deps = notificationDeps(env);
    return settleEach(batch as MessageBatch<SocialEvent>, (event) => recordSocialEvent(deps, event));
  },
  'lumen-account-jobs': (batch, env) => {
    const deps = accountJobDeps(env);
    return settleEach(batch as MessageBatch<AccountJob>, (job) => runAccountJob(deps, job));
  },
  // Settled message by message too, but retried after the push service's Retry-After when it gives one.
  'lumen-push-deliveries': (batch, env) => consumePushBatch(pushDeps(env), batch as MessageBatch<PushJob>),
  'lumen-push-deliveries-dlq': (batch, env) => recordDeadPushes(pushDeps(env).db, batch as MessageBatch<PushJob>),
};

export default {
  fetch: app.fetch,

  async queue(batch, env) {
    const consume = consumers[batch.queue];
    if (!consume) {
      console.error(JSON.stringify({ queue: batch.queue, error: 'no consumer for this queue; retrying later' }));
      batch.retryAll({ delaySeconds: 60 });
      return;
    }
    await consume(batch, env);
  },

  async scheduled(_controller, env) {
    console.log(JSON.stringify({ sweep: 'account-jobs', ...(await sweepAccountJobs(accountJobDeps(env))) }));
  },
} satisfies ExportedHandler<Env>;
