import { createDb } from '../db/client';
import { runFanOutJob, type FanOutDeps } from '../feed/fan-out';
import type { FanOutJob } from '../shared/feed-messages';
import { createApp } from './app';
import { configFrom } from './config';

export { Timeline } from '../durable-objects/timeline';

const app = createApp();

export function fanOutDeps(env: Env): FanOutDeps {
  const config = configFrom(env);
  return {
    db: createDb(config.DATABASE_URL, config.NEON_HTTP_ENDPOINT),
    timelines: env.TIMELINES,
    fanOutQueue: env.FEED_FANOUT as Queue<FanOutJob>,
    fanOutLimit: config.FANOUT_FOLLOWER_LIMIT,
  };
}

export default {
  fetch: app.fetch,

  /**
   * Feed fan-out messages, run side by side (they are I/O: timeline writes). Each is acked or
   * retried on its own, and the handler never throws, so one failure never replays the batch.
   */
  async queue(batch, env) {
    const deps = fanOutDeps(env);
    await Promise.all(
      batch.messages.map(async (message) => {
        try {
          await runFanOutJob(deps, message.body);
          message.ack();
        } catch (error) {
          console.error(JSON.stringify({ fanOut: message.body.kind, attempt: message.attempts, error: String(error) }));
          message.retry({ delaySeconds: Math.min(2 ** message.attempts, 300) });
        }
      }),
    );
  },
} satisfies ExportedHandler<Env, FanOutJob>;
