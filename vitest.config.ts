import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { localConnectionString } from './dev/paths.ts';

export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: './wrangler.jsonc' },
      miniflare: {
        bindings: {
          NEON_HTTP_ENDPOINT: inject('dbEndpoint'),
          DATABASE_URL: localConnectionString,
          // A fixed secret is fine here: test tokens sign nothing outside this run.
          JWT_SECRET: 'test-only-secret-0123456789abcdefghijklmnop',
        },
      },
    })),
  ],
  test: {
    globalSetup: ['./test/setup/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
