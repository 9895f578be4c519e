import { z } from 'zod';
import { pushEndpointPolicies } from '../notifications/push/endpoint-policy';

/**
 * String configuration and secrets, validated once per isolate: a missing or weak secret fails
 * loudly on the first request instead of producing tokens anyone could forge.
 */
const configSchema = z.object({
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters'),
  JWT_PREVIOUS_SECRET: z.string().min(32).optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL'),
  NEON_HTTP_ENDPOINT: z.union([z.literal(''), z.url()]).default(''),
  PUBLIC_BASE_URL: z.union([z.literal(''), z.url()]).default(''),
  // Parsed strictly: z.coerce would turn an empty string into 0 and merge every author at read time.
  FANOUT_FOLLOWER_LIMIT: z.string().regex(/^\d+$/, 'FANOUT_FOLLOWER_LIMIT must be a whole number').transform(Number),
  // The Web Push key pair: an uncompressed P-256 point (65 bytes) and its private scalar (32 bytes), base64url.
  VAPID_PUBLIC_KEY: z.string().regex(/^[A-Za-z0-9_-]{87}$/, 'VAPID_PUBLIC_KEY must be a base64url P-256 public key'),
  VAPID_PRIVATE_KEY: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'VAPID_PRIVATE_KEY must be a base64url P-256 private key'),
  VAPID_SUBJECT: z.string().regex(/^(mailto:|https:\/\/)/, 'VAPID_SUBJECT must be a mailto: or https: URL'),
  PUSH_ENDPOINT_POLICY: z.enum(pushEndpointPolicies),
});

export type Config = z.infer<typeof configSchema>;

const cache = new WeakMap<object, Config>();

export function configFrom(env: Env): Config {
  let config = cache.get(env);
  if (!config) {
    const parsed = configSchema.safeParse(env);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
      throw new Error(`Invalid Worker configuration: ${problems.join('; ')}`);
    }
    config = parsed.data;
    cache.set(env, config);
  }
  return config;
}
