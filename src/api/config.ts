import { z } from 'zod';

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
