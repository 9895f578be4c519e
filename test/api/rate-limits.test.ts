/**
 * Rate limits are exact and global: the limit plus a few requests sent at once let exactly the
 * limit through, and `RateLimit-Remaining` counts down through every value once.
 */
import { describe, expect, it } from 'vitest';
import { limits } from '../../src/shared/limits';
import { tinyImage } from '../fixtures/tiny-images';
import { call, uniqueClientIp } from '../helpers/api';
import { newUserData, quickUsers, registerUser } from '../helpers/factories';
import { readyPost } from '../helpers/processing';
import { uploadForm } from '../helpers/uploads';

const extra = 3;

/** Fires `count` requests at once and checks the answers against an exact limit. */
async function burst(count: number, send: (index: number) => Promise<Response>, limit: number, periodSeconds: number) {
  const answers = await Promise.all(Array.from({ length: count }, (_, index) => send(index)));
  const limited = answers.filter((answer) => answer.status === 429);
  const passed = answers.filter((answer) => answer.status !== 429);
  expect(passed).toHaveLength(limit);
  expect(limited).toHaveLength(count - limit);

  const remaining = passed.map((answer) => Number(answer.headers.get('RateLimit-Remaining'))).sort((a, b) => a - b);
  expect(remaining).toEqual(Array.from({ length: limit }, (_, i) => i));
  for (const answer of answers) {
    expect(answer.headers.get('RateLimit-Limit')).toBe(String(limit));
    const reset = Number(answer.headers.get('RateLimit-Reset'));
    expect(reset).toBeGreaterThan(0);
    expect(reset).toBeLessThanOrEqual(periodSeconds);
  }
  for (const answer of limited) {
    expect(answer.headers.get('RateLimit-Remaining')).toBe('0');
    expect(Number(answer.headers.get('Retry-After'))).toBe(Number(answer.headers.get('RateLimit-Reset')));
    expect((await answer.json<{ error: { code: string } }>()).error.code).toBe('RATE_LIMITED');
  }
  return passed;
}

describe('exact rate limits under concurrency', () => {
  it('lets exactly the auth limit of registrations through from one client IP', async () => {
    const ip = uniqueClientIp();
    const { limit, periodSeconds } = limits.rateLimits.auth;
    const passed = await burst(
      limit + extra,
      () => call('/api/v1/auth/register', { ip, json: newUserData() }),
      limit,
      periodSeconds,
    );
    expect(passed.every((answer) => answer.status === 201)).toBe(true);
  });

  it('counts login attempts per account across client IPs, failed ones included, with headers on the 401s', async () => {
    const user = await registerUser();
    const { limit, periodSeconds } = limits.rateLimits.loginPerAccount;
    const passed = await burst(
      limit + extra,
      () => call('/api/v1/auth/login', { json: { email: user.email.toUpperCase(), password: 'not the password' } }),
      limit,
      periodSeconds,
    );
    expect(passed.every((answer) => answer.status === 401)).toBe(true);
    // The account is protected, not the address: the right password from a fresh IP waits too.
    const right = await call('/api/v1/auth/login', { json: { email: user.email, password: user.password } });
    expect(right.status).toBe(429);
  });

  it('lets exactly the social limit of likes through for one user', async () => {
    const [author, fan] = await quickUsers(2);
    const postId = await readyPost(author!);
    const { limit, periodSeconds } = limits.rateLimits.social;
    const passed = await burst(
      limit + extra,
      () => call(`/api/v1/posts/${postId}/like`, { method: 'POST', token: fan!.accessToken }),
      limit,
      periodSeconds,
    );
    expect(passed.every((answer) => answer.status === 200)).toBe(true);
  });

  it('lets exactly the upload limit through for one user', async () => {
    const [user] = await quickUsers(1);
    const { limit, periodSeconds } = limits.rateLimits.uploads;
    const passed = await burst(
      limit + extra,
      () =>
        call('/api/v1/images/upload', {
          method: 'POST',
          token: user!.accessToken,
          body: uploadForm(tinyImage('jpeg-baseline-5x3')),
        }),
      limit,
      periodSeconds,
    );
    expect(passed.every((answer) => answer.status === 202)).toBe(true);
  });

  it('keeps one user’s count apart from another’s', async () => {
    const [first, second] = await quickUsers(2);
    const like = (token: string) => call(`/api/v1/posts/post_${'0'.repeat(32)}/like`, { method: 'POST', token });
    await like(first!.accessToken);
    const other = await like(second!.accessToken);
    expect(other.headers.get('RateLimit-Remaining')).toBe(String(limits.rateLimits.social.limit - 1));
  });
});
