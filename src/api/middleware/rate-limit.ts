import { createMiddleware } from 'hono/factory';
import { ApiError } from '../../shared/errors';
import type { AppEnv } from '../app-env';

export interface RateLimitPolicy {
  limit: number;
  periodSeconds: number;
}

/**
 * Per-client-IP limiting with the Workers Rate Limiting binding. The binding answers only
 * "allowed or not" (counted per Cloudflare location), so the headers are derived from the policy:
 * `RateLimit-Remaining` is stated only when it is known to be 0, and `Retry-After` is the whole
 * period, the longest the binding's window can still hold the caller back.
 */
export function rateLimitByClientIp(binding: (env: Env) => RateLimit, policy: RateLimitPolicy) {
  return createMiddleware<AppEnv>(async function rateLimitByClientIp(c, next) {
    // Cloudflare sets CF-Connecting-IP itself and overwrites any value a client sends.
    const ip = c.req.header('CF-Connecting-IP') ?? 'unknown';
    const { success } = await binding(c.env).limit({ key: `${c.req.routePath}:${ip}` });
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
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  });
}
