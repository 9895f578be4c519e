import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { localConnectionString } from './dev/paths.ts';

// A fixed secret is fine here: test tokens sign nothing outside this run.
const testSecret = 'test-only-secret-0123456789abcdefghijklmnop';
// A fixed Web Push key pair, for tests only (a deployment sets its own as secrets; npm run dev makes one).
const testVapid = {
  VAPID_PUBLIC_KEY: 'BMJB3vvQdPBKqkdOE43oBkMf8g7mjeHYiaS9XOf5SLQB-faewcwnvgWjBsPfdPt8Q9Ht5eCaZzx3B0bodFxyJwU',
  VAPID_PRIVATE_KEY: 'eF_SQ3rr1cxxKaovbukakCaONxK8_zJAD0UUyD5anhk',
};

export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => {
      const database = { NEON_HTTP_ENDPOINT: inject('dbEndpoint'), DATABASE_URL: localConnectionString };
      const processor = inject('processorBuild');
      return {
        wrangler: { configPath: './wrangler.jsonc' },
        miniflare: {
          bindings: {
            ...database,
            JWT_SECRET: testSecret,
            // Low, so tests can make an author "too large to fan out" with a handful of followers.
            FANOUT_FOLLOWER_LIMIT: '3',
            ...testVapid,
            // The local push service (web-push-testing) is on http://localhost.
            PUSH_ENDPOINT_POLICY: 'public-or-loopback',
          },
          queueProducers: {
            IMAGE_JOBS: { queueName: 'lumen-image-jobs' },
            FEED_FANOUT: { queueName: 'lumen-feed-fanout' },
            SOCIAL_EVENTS: { queueName: 'lumen-social-events' },
            ACCOUNT_JOBS: { queueName: 'lumen-account-jobs' },
            PUSH_DELIVERIES: { queueName: 'lumen-push-deliveries' },
            DEAD_LETTERS: { queueName: 'lumen-image-jobs-dlq' },
          },
          // The processor Worker runs beside the API, as in `npm run dev`: it consumes the image
          // queue and shares the R2 bucket. It is bundled by the global setup (see docs/testing.md).
          workers: [
            {
              name: 'lumen-processor',
              modules: processor.modules,
              modulesRoot: processor.modulesRoot,
              compatibilityDate: '2026-11-01',
              compatibilityFlags: ['nodejs_compat'],
              bindings: database,
              r2Buckets: { IMAGES: 'lumen-images' },
              kvNamespaces: { CACHE: 'lumen-cache-local' },
              queueProducers: {
                IMAGE_JOBS: { queueName: 'lumen-image-jobs' },
                FEED_FANOUT: { queueName: 'lumen-feed-fanout' },
              },
              // As in src/processor/wrangler.jsonc: keep the two in step.
              queueConsumers: {
                'lumen-image-jobs': {
                  maxBatchSize: 1,
                  maxBatchTimeout: 0,
                  maxRetries: 3,
                  deadLetterQueue: 'lumen-image-jobs-dlq',
                },
                'lumen-image-jobs-dlq': { maxBatchSize: 10, maxBatchTimeout: 0, maxRetries: 3 },
              },
            },
          ],
        },
      };
    }),
  ],
  test: {
    globalSetup: ['./test/setup/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
