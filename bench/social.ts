/**
 * The social part: feed reads for a reader following 10 accounts and one following 1 000 (the
 * ratio should stay near 1: read cost must not grow with the number followed), against a trivial
 * route of the same Worker; the same 1 000-follow reader again with blocks and mutes in place
 * (docs/safety.md: within 10 %); fan-out time for an author with 10 000 followers; 200 concurrent likes.
 */
import { localConnectionString } from '../dev/paths.ts';
import {
  insertFollowers,
  insertFollowing,
  insertReadyPosts,
  insertSafetyLoad,
  insertUsers,
  signIn,
  sqlClient,
} from '../dev/seed-sql.ts';
import { toPublicId } from '../src/shared/ids.ts';
import { benchSecret, ms, table, timeSequential, type Stack } from './harness.ts';

async function get(url: string, token?: string) {
  const response = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { data: Record<string, unknown> };
}

/** Requests per second with `clients` callers looping for `seconds`. */
async function throughput(seconds: number, clients: number, run: () => Promise<unknown>): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        await run();
        done += 1;
      }
    }),
  );
  return done / seconds;
}

export async function benchSocial(stack: Stack): Promise<void> {
  const sql = sqlClient(localConnectionString, stack.db.sqlEndpoint);
  const api = `${stack.url}/api/v1`;
  const stamp = Date.now().toString(36);

  console.log('\n== social: seeding 1 000 authors with 3 posts each, two readers ==');
  const authors = await insertUsers(sql, `a${stamp}_`, 1000);
  await insertReadyPosts(sql, authors, 3);
  const [few, many, guarded] = await insertUsers(sql, `r${stamp}_`, 3);
  await insertFollowing(sql, String(few), authors.slice(0, 10));
  await insertFollowing(sql, String(many), authors);
  // The same follows, plus 300 blocks made, 300 received and 300 mutes, over accounts not followed.
  await insertFollowing(sql, String(guarded), authors);
  const strangers = await insertUsers(sql, `x${stamp}_`, 900);
  await insertReadyPosts(sql, strangers.slice(0, 100), 1);
  await insertSafetyLoad(sql, String(guarded), strangers, 300);
  await sql.query('analyze blocks');
  await sql.query('analyze mutes');
  const [fewToken, manyToken, guardedToken] = await signIn(sql, benchSecret, [
    String(few),
    String(many),
    String(guarded),
  ]);

  const feed = (token: string | undefined) => () => get(`${api}/feed?limit=20`, token);
  const trivial = () => get(`${api}/instance`);
  // First reads build each timeline from Postgres; the figures are for the steady state after.
  for (const read of [feed(fewToken), feed(manyToken), feed(guardedToken), trivial])
    for (let i = 0; i < 5; i++) await read();

  const rounds = 60;
  const t10 = await timeSequential(rounds, feed(fewToken));
  const t1000 = await timeSequential(rounds, feed(manyToken));
  const tTrivial = await timeSequential(rounds, trivial);
  const tGuarded = await timeSequential(rounds, feed(guardedToken));
  const clients = 8;
  const rpsFeed = await throughput(5, clients, feed(manyToken));
  const rpsTrivial = await throughput(5, clients, trivial);

  console.log('\n== social: feed read latency (sequential) and throughput (8 concurrent clients, 5 s) ==');
  table([
    {
      route: 'GET /instance (trivial reference)',
      p50: ms(tTrivial.p50),
      p99: ms(tTrivial.p99),
      'req/s': rpsTrivial.toFixed(0),
    },
    { route: 'GET /feed following 10', p50: ms(t10.p50), p99: ms(t10.p99), 'req/s': '' },
    { route: 'GET /feed following 1 000', p50: ms(t1000.p50), p99: ms(t1000.p99), 'req/s': rpsFeed.toFixed(0) },
    { route: 'GET /feed following 1 000, 900 blocks/mutes', p50: ms(tGuarded.p50), p99: ms(tGuarded.p99), 'req/s': '' },
  ]);
  console.log(
    `feed latency with blocks and mutes / without: p50 ${(tGuarded.p50 / t1000.p50).toFixed(2)}x, p99 ${(tGuarded.p99 / t1000.p99).toFixed(2)}x (goal ≤ 1.10)`,
  );
  console.log(
    `feed latency, 1 000 followed / 10 followed: p50 ${(t1000.p50 / t10.p50).toFixed(2)}x, p99 ${(t1000.p99 / t10.p99).toFixed(2)}x (goal ≤ 1.3)`,
  );
  console.log(`feed throughput / trivial route: ${(rpsFeed / rpsTrivial).toFixed(2)} (goal ≥ 0.33)`);

  await benchFanOut(sql, api, stamp);
  await benchConcurrentLikes(sql, api, stamp, authors[0] ?? '');
}

async function benchFanOut(sql: ReturnType<typeof sqlClient>, api: string, stamp: string) {
  console.log('\n== social: fan-out to 10 000 followers ==');
  const [star] = await insertUsers(sql, `s${stamp}_`, 1);
  const fans = await insertUsers(sql, `f${stamp}_`, 10_000);
  await insertFollowers(sql, String(star), fans);
  // Sample followers from both ends of the follow order; build their timelines before the post.
  const sample = [...fans.slice(0, 3), ...fans.slice(-3)];
  const [starToken, ...sampleTokens] = await signIn(sql, benchSecret, [String(star), ...sample]);
  for (const token of sampleTokens) await get(`${api}/feed`, token);

  const [postId] = await insertReadyPosts(sql, [String(star)], 1, 0);
  await sql.query(`update posts set privacy = 'private' where id = $1`, [postId]);
  const publicId = toPublicId('post', String(postId));
  const start = performance.now();
  // Making a private post public fans it out, through the same queue as a newly ready post.
  const patched = await fetch(`${api}/images/${publicId}`, {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${starToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ privacy: 'public' }),
  });
  if (!patched.ok) throw new Error(`PATCH: ${patched.status}`);
  const pending = new Set(sampleTokens);
  while (pending.size && performance.now() - start < 300_000) {
    for (const token of [...pending]) {
      const page = (await get(`${api}/feed`, token)).data.posts as { postId: string }[];
      if (page.some((p) => p.postId === publicId)) pending.delete(token);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const elapsed = performance.now() - start;
  console.log(
    pending.size
      ? `fan-out did not reach ${pending.size} sampled followers within 300 s`
      : `fan-out to 10 000 followers: ${(elapsed / 1000).toFixed(1)} s until the last sampled follower saw the post (${((10_000 / elapsed) * 1000).toFixed(0)} timelines/s)`,
  );
}

async function benchConcurrentLikes(sql: ReturnType<typeof sqlClient>, api: string, stamp: string, author: string) {
  console.log('\n== social: 200 concurrent likes on one post ==');
  const likers = await insertUsers(sql, `l${stamp}_`, 200);
  const tokens = await signIn(sql, benchSecret, likers);
  const [postId] = await insertReadyPosts(sql, [author], 1, 0);
  const publicId = toPublicId('post', String(postId));
  const start = performance.now();
  const answers = await Promise.all(
    tokens.map((token) =>
      fetch(`${api}/posts/${publicId}/like`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } }),
    ),
  );
  const elapsed = performance.now() - start;
  const [row] = (await sql.query('select likes_count from posts where id = $1', [postId])) as { likes_count: number }[];
  const failed = answers.filter((a) => !a.ok).length;
  console.log(
    `200 concurrent likes: ${ms(elapsed)} in all, ${failed} failed, likesCount = ${row?.likes_count} (exact: ${row?.likes_count === 200 - failed})`,
  );
}
