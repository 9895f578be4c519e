/**
 * What an exact, global rate limit costs a request: one call to the key's Durable Object.
 *
 * The limited request is a like of a post that does not exist (session check, the limiter, one
 * lookup, 404); its reference, measured interleaved in the same run, is the same session check and
 * lookup without a limiter (that post's comments). Their difference is the limiter's price. A plain
 * request (`GET /instance`, no database) is printed as the floor.
 */
import { ms, postJson, table, type Stack, type Timing } from './harness.ts';

function summary(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length, count: sorted.length };
}

async function timed(run: () => Promise<Response>): Promise<number> {
  const start = performance.now();
  const response = await run();
  await response.arrayBuffer();
  return performance.now() - start;
}

export async function benchRateLimits(stack: Stack): Promise<void> {
  const api = `${stack.url}/api/v1`;
  const rounds = 200;
  // The social limit is 120 a minute per user: a few users keep every measured like under it.
  const users: string[] = [];
  for (let i = 0; i < 3; i++) {
    const { data } = await postJson(
      `${api}/auth/register`,
      { username: `rl_${Date.now()}_${i}`, email: `rl-${Date.now()}-${i}@example.com`, password: 'benchmark pass 1' },
      { 'CF-Connecting-IP': `2001:db8::9:${i}` },
    );
    users.push(String(data.accessToken));
  }
  const missingPost = `post_${'0'.repeat(32)}`;
  const plain = () => fetch(`${api}/instance`);
  const unlimited = (token: string) =>
    fetch(`${api}/posts/${missingPost}/comments`, { headers: { Authorization: `Bearer ${token}` } });
  const limited = (token: string) =>
    fetch(`${api}/posts/${missingPost}/like`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });

  for (let i = 0; i < 10; i++) await Promise.all([plain(), unlimited(users[0]!)]);
  const samples = { plain: [] as number[], unlimited: [] as number[], limited: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    const token = users[i % users.length]!;
    samples.plain.push(await timed(plain));
    samples.unlimited.push(await timed(() => unlimited(token)));
    samples.limited.push(await timed(() => limited(token)));
  }
  const [p, u, l] = [summary(samples.plain), summary(samples.unlimited), summary(samples.limited)];
  console.log('\n== rate limits: the price of an exact, global count (a Durable Object call) ==');
  table([
    { request: 'GET /instance (plain, no database)', p50: ms(p.p50), p99: ms(p.p99) },
    { request: 'GET /posts/{missing}/comments (auth + lookup, reference)', p50: ms(u.p50), p99: ms(u.p99) },
    { request: 'POST /posts/{missing}/like (auth + rate limit + lookup)', p50: ms(l.p50), p99: ms(l.p99) },
  ]);
  console.log(
    `limited / reference (p50): ${(l.p50 / u.p50).toFixed(2)}x; the limiter adds ≈ ${ms(l.p50 - u.p50)} per request (p50)`,
  );
}
