import { configFrom } from '../api/config';
import { createDb } from '../db/client';
import { liveChannel } from './live-channel';
import type { NotificationDeps } from './record-event';

/** What the social-events consumer needs, from the Worker's bindings. */
export function notificationDeps(env: Env): NotificationDeps {
  const config = configFrom(env);
  return {
    db: createDb(config.DATABASE_URL, config.NEON_HTTP_ENDPOINT),
    channel: liveChannel(env.LIVE_CONNECTIONS),
  };
}
