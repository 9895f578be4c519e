/**
 * What a login costs. The password hash (scrypt N=2^14, r=8, p=5) dominates by design; the
 * reference is the health route, one database round trip through the same Worker and driver.
 */
import { limits } from '../src/shared/limits.ts';
import { ms, postJson, table, timeSequential, type Stack } from './harness.ts';

export async function benchAuth(stack: Stack): Promise<void> {
  const api = `${stack.url}/api/v1`;
  const password = 'benchmark password 1234';
  const rounds = 30;
  // Logins are limited per account too: enough accounts that none reaches its limit here.
  const accounts = Math.ceil(rounds / limits.rateLimits.loginPerAccount.limit);
  const emails: string[] = [];
  for (let i = 0; i < accounts; i++) {
    const email = `bench-${Date.now()}-${i}@example.com`;
    await postJson(
      `${api}/auth/register`,
      { username: `bench_${Date.now()}_${i}`, email, password },
      { 'CF-Connecting-IP': `2001:db8::1:${i}` },
    );
    emails.push(email);
  }

  // Warm both paths so neither pays the isolate's first-request costs.
  await fetch(`${api}/health`);
  const health = await timeSequential(rounds, () => fetch(`${api}/health`).then((r) => r.arrayBuffer()));
  // A fresh client address per attempt keeps the login rate limit (10/min/IP) out of the figures.
  const login = await timeSequential(rounds, (i) =>
    postJson(
      `${api}/auth/login`,
      { email: emails[i % accounts], password },
      { 'CF-Connecting-IP': `2001:db8::${(i + 2).toString(16)}` },
    ),
  );

  console.log('\n== auth: cost of a login (scrypt N=2^14, r=8, p=5) ==');
  table([
    { route: 'GET /health (reference)', p50: ms(health.p50), p99: ms(health.p99) },
    { route: 'POST /auth/login', p50: ms(login.p50), p99: ms(login.p99) },
  ]);
  console.log(
    `login / health (p50): ${(login.p50 / health.p50).toFixed(1)}x; login - health ≈ ${ms(login.p50 - health.p50)} of hashing and session writes`,
  );
}
