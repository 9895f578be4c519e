import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { RateLimitVerdict } from '../../durable-objects/rate-limiter';
import { ApiError } from '../../shared/errors';
import type { AppEnv } from '../app-env';

export interface RateLimitPolicy {
  limit: number;
  periodSeconds: number;
}

/**
 * Counts one request against `name`'s limit for `key`, in that key's own Durable Object (exact and
 * global, see src/durable-objects/rate-limiter.ts), and throws 429 with `Retry-After` when the
 * window is full. The verdict is kept on the request, so its `RateLimit-*` headers go out on
 * whatever the route answers, an error included.
 */
export async function countRequest(
  c: Context<AppEnv>,
  name: string,
  policy: RateLimitPolicy,
  key: string,
): Promise<void> {
  const limiter = c.env.RATE_LIMITERS.get(c.env.RATE_LIMITERS.idFromName(`${name}:${key}`));
  const verdict = await limiter.hit(policy.limit, policy.periodSeconds);
  const tightest = c.get('rateLimit');
  if (!tightest || verdict.remaining < tightest.remaining || !verdict.allowed) c.set('rateLimit', verdict);
  if (!verdict.allowed) {
    throw new ApiError('RATE_LIMITED', `Too many requests; try again in ${verdict.resetSeconds} seconds`, {
      headers: { ...rateLimitHeaders(verdict), 'Retry-After': String(verdict.resetSeconds) },
    });
  }
}

function rateLimitHeaders(verdict: RateLimitVerdict): Record<string, string> {
  return {
    'RateLimit-Limit': String(verdict.limit),
    'RateLimit-Remaining': String(verdict.remaining),
    'RateLimit-Reset': String(verdict.resetSeconds),
  };
}

function rateLimit(name: string, policy: RateLimitPolicy, keyOf: (c: Context<AppEnv>) => string) {
  return createMiddleware<AppEnv>(async function rateLimited(c, next) {
    await countRequest(c, name, policy, keyOf(c));
    await next();
    // A route may have counted the request against a second, tighter key (login per account).
    const verdict = c.get('rateLimit');
    if (verdict)
      for (const [header, value] of Object.entries(rateLimitHeaders(verdict))) c.res.headers.set(header, value);
  });
}

/** Cloudflare sets CF-Connecting-IP itself and overwrites any value a client sends. */
export const rateLimitByClientIp = (name: string, policy: RateLimitPolicy) =>
  rateLimit(name, policy, (c) => c.req.header('CF-Connecting-IP') ?? 'unknown');

/** For signed-in writes; must come after `requireAuth`. */
export const rateLimitByUser = (name: string, policy: RateLimitPolicy) =>
  rateLimit(name, policy, (c) => c.var.viewer?.userId ?? 'anonymous');
