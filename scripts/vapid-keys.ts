/**
 * `npm run vapid-keys`: prints a fresh Web Push (VAPID) key pair for a deployment, to be stored
 * with `wrangler secret put VAPID_PUBLIC_KEY` and `wrangler secret put VAPID_PRIVATE_KEY`. Keep the
 * pair: a new one invalidates every browser's existing push subscription.
 */
import { generateVapidKeys } from '../dev/dev-vars.ts';

const keys = generateVapidKeys();
console.log(`VAPID_PUBLIC_KEY=${keys.VAPID_PUBLIC_KEY}\nVAPID_PRIVATE_KEY=${keys.VAPID_PRIVATE_KEY}`);
