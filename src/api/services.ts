import { createMiddleware } from 'hono/factory';
import type { SigningKeys } from '../auth/access-tokens';
import { createDb, type Db } from '../db/client';
import type { AccountJob } from '../shared/account-jobs';
import type { FanOutJob } from '../shared/feed-messages';
import type { ImageJob } from '../shared/queue-messages';
import type { SocialEvent } from '../shared/social-events';
import type { AppEnv } from './app-env';
import { configFrom } from './config';
import { cursorCodec, type CursorCodec } from './cursors';
import { imageUrlSigner, type ImageUrlSigner } from './image-urls';
import { toPublicId } from '../shared/ids';
import type { PushEndpointPolicy } from '../notifications/push/endpoint-policy';

/** What handlers need from the outside world, built once per request and read from `c.var`. */
export interface Services {
  db: Db;
  signingKeys: SigningKeys;
  /** Base for absolute URLs handed to clients, without a trailing slash. */
  publicBaseUrl: string;
  images: R2Bucket;
  imageJobs: Queue<ImageJob>;
  imageUrls: ImageUrlSigner;
  cursors: CursorCodec;
  timelines: Env['TIMELINES'];
  fanOutQueue: Queue<FanOutJob>;
  /** Authors with more followers than this are merged into feeds at read time. */
  fanOutLimit: number;
  cache: KVNamespace;
  /** Account erasure steps and data exports, run in the background (src/account). */
  accountJobs: Queue<AccountJob>;
  /** Which Web Push endpoints subscriptions may name (production: public https hosts only). */
  pushEndpointPolicy: PushEndpointPolicy;
  /** Tells the notifications side what happened; never for one's own post or account. */
  publish(event: SocialEvent): Promise<void>;
}

export const provideServices = createMiddleware<AppEnv>(async function provideServices(c, next) {
  const config = configFrom(c.env);
  const publicBaseUrl = (config.PUBLIC_BASE_URL || new URL(c.req.url).origin).replace(/\/+$/, '');
  c.set('services', {
    db: createDb(config.DATABASE_URL, config.NEON_HTTP_ENDPOINT),
    signingKeys: { current: config.JWT_SECRET, previous: config.JWT_PREVIOUS_SECRET },
    publicBaseUrl,
    images: c.env.IMAGES,
    imageJobs: c.env.IMAGE_JOBS,
    // Read lazily: the viewer is known only once the auth middleware, which runs later, has run.
    imageUrls: imageUrlSigner(publicBaseUrl, config.JWT_SECRET, () => {
      const viewer = c.var.viewer;
      return viewer && toPublicId('user', viewer.userId);
    }),
    cursors: cursorCodec(config.JWT_SECRET),
    timelines: c.env.TIMELINES,
    fanOutQueue: c.env.FEED_FANOUT,
    fanOutLimit: config.FANOUT_FOLLOWER_LIMIT,
    cache: c.env.CACHE,
    accountJobs: c.env.ACCOUNT_JOBS,
    pushEndpointPolicy: config.PUSH_ENDPOINT_POLICY,
    publish: async (event) => {
      if (event.actorId === event.recipientId) return;
      // A lost event costs a notification, never the action itself: log it and carry on.
      await (c.env.SOCIAL_EVENTS as Queue<SocialEvent>).send(event).catch((error: unknown) => {
        console.error(
          JSON.stringify({ requestId: c.var.requestId, event: event.kind, error: `publish failed: ${String(error)}` }),
        );
      });
    },
  });
  await next();
});
