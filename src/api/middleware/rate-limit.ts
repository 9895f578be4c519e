import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ApiError } from '../../shared/errors';
import type { AppEnv } from '../app-env';

export interface RateLimitPolicy {
  limit: number;
  periodSeconds: number;
}

/**
 * Limiting with the Workers Rate Limiting binding, per client IP or per user. The binding answers only
 * "allowed or not" (counted per Cloudflare location), so the headers are derived from the policy:
 * `RateLimit-Remaining` is stated only when it is known to be 0, and `Retry-After` is the whole
 * period, the longest the binding's window can still hold the caller back.
 */
function rateLimit(
  name: string,
  binding: (env: Env) => RateLimit,
  policy: RateLimitPolicy,
  keyOf: (c: Context<AppEnv>) => string,
) {
  return createMiddleware<AppEnv>(async function rateLimited(c, next) {
    const { success } = await binding(c.env).limit({ key: `${name}:${keyOf(c)}` });
    const headers = {
      'RateLimit-Limit': String(policy.limit),
      'RateLimit-Policy': `${policy.limit};w=${policy.periodSeconds}`,
    };
    if (!success) {
      throw new ApiError('RATE_LIMITED', `Too many attempts; try again in ${policy.periodSeconds} seconds`, {
        headers: {
          ...headers,
          'RateLimit-Remaining': '0',
          'RateLimit-Reset': String(policy.periodSeconds),
          'Retry-After': String(policy.periodSeconds),
        },
      });
    }
    await next();
    for (const [header, value] of Object.entries(headers)) c.res.headers.set(header, value);
  });
}

/** Cloudflare sets CF-Connecting-IP itself and overwrites any value a client sends. */
export const rateLimitByClientIp = (name: string, binding: (env: Env) => RateLimit, policy: RateLimitPolicy) =>
  rateLimit(name, binding, policy, (c) => c.req.header('CF-Connecting-IP') ?? 'unknown');

/** For signed-in writes; must come after `requireAuth`. */
export const rateLimitByUser = (name: string, binding: (env: Env) => RateLimit, policy: RateLimitPolicy) =>
  rateLimit(name, binding, policy, (c) => c.var.viewer?.userId ?? 'anonymous');
