import { configFrom } from '../api/config';
import { createDb } from '../db/client';
import { everyChannel } from './every-channel';
import { liveChannel } from './live-channel';
import type { PushDeps } from './push/deliver';
import { pushChannel } from './push/push-channel';
import type { NotificationDeps } from './record-event';

/** What the social-events consumer needs, from the Worker's bindings. */
export function notificationDeps(env: Env): NotificationDeps {
  const config = configFrom(env);
  const db = createDb(config.DATABASE_URL, config.NEON_HTTP_ENDPOINT);
  return {
    db,
    channel: everyChannel(liveChannel(env.LIVE_CONNECTIONS), pushChannel(db, env.PUSH_DELIVERIES)),
  };
}

/** What the push queue's consumer needs. */
export function pushDeps(env: Env): PushDeps {
  const config = configFrom(env);
  return {
    db: createDb(config.DATABASE_URL, config.NEON_HTTP_ENDPOINT),
    vapid: { publicKey: config.VAPID_PUBLIC_KEY, privateKey: config.VAPID_PRIVATE_KEY, subject: config.VAPID_SUBJECT },
    fetch: (input, init) => fetch(input, init),
  };
}
