/**
 * Bulk data for demos and benchmarks, written straight into Postgres with set-based SQL (thousands
 * of rows per statement), through the same Neon HTTP driver the Worker uses. Users share one
 * password hash, since hashing each (deliberately slow) would take minutes.
 */
import { neon, neonConfig } from '@neondatabase/serverless';
import { hashPassword } from '../src/auth/passwords.ts';
import { signAccessToken } from '../src/auth/access-tokens.ts';
import { toPublicId } from '../src/shared/ids.ts';

export type Sql = ReturnType<typeof neon>;

export function sqlClient(databaseUrl: string, fetchEndpoint: string): Sql {
  neonConfig.fetchEndpoint = fetchEndpoint;
  return neon(databaseUrl);
}

export const seedPassword = 'lumen demo password';

/** Creates `count` users named `${prefix}0…`, returns their ids in order. */
export async function insertUsers(sql: Sql, prefix: string, count: number): Promise<string[]> {
  const hash = await hashPassword(seedPassword);
  const rows = (await sql.query(
    `insert into users (username, email, password_hash, full_name)
     select $1 || n, $1 || n || '@example.com', $2, initcap($1) || ' ' || n
     from generate_series(0, $3 - 1) n
     returning id, username`,
    [prefix, hash, count],
  )) as { id: string; username: string }[];
  const byName = new Map(rows.map((r) => [r.username, r.id]));
  return Array.from({ length: count }, (_, n) => String(byName.get(`${prefix}${n}`)));
}

/** Every user in `followers` follows `authorId`; counters kept exact. */
export async function insertFollowers(sql: Sql, authorId: string, followers: string[]): Promise<void> {
  await sql.transaction([
    sql.query(
      `insert into follows (follower_id, following_id) select f, $2 from unnest($1::uuid[]) f on conflict do nothing`,
      [followers, authorId],
    ),
    sql.query(
      `update users set followers_count = (select count(*) from follows where following_id = $1) where id = $1`,
      [authorId],
    ),
    sql.query(
      `update users u set following_count = (select count(*) from follows where follower_id = u.id) where u.id = any($1::uuid[])`,
      [followers],
    ),
  ]);
}

/** `follower` follows every one of `authors`. */
export async function insertFollowing(sql: Sql, follower: string, authors: string[]): Promise<void> {
  await sql.transaction([
    sql.query(
      `insert into follows (follower_id, following_id) select $1, a from unnest($2::uuid[]) a on conflict do nothing`,
      [follower, authors],
    ),
    sql.query(
      `update users set following_count = (select count(*) from follows where follower_id = $1) where id = $1`,
      [follower],
    ),
    sql.query(
      `update users u set followers_count = (select count(*) from follows where following_id = u.id) where u.id = any($1::uuid[])`,
      [authors],
    ),
  ]);
}

/** One ready photo per post of the CTE `posts` (columns id, user_id), named as an upload names it. */
export function seededPhotos(posts: string): string {
  return `insert into media (user_id, post_id, position, status, original_key, image_name, format, file_size, width, height, metadata)
       select user_id, id, 0, 'ready', 'originals/post_' || replace(id::text, '-', ''), 'post_' || replace(id::text, '-', ''),
              'JPEG', 250000, 1080, 810, '{"camera":null,"exposure":null,"blurhash":"LEHV6nWB2yk8pyo0adR*.7kCMdnj"}'::jsonb
       from ${posts}`;
}

/** `perAuthor` ready posts for each author, spread over the last `days` days; returns post ids. */
export async function insertReadyPosts(sql: Sql, authors: string[], perAuthor: number, days = 7): Promise<string[]> {
  const rows = (await sql.query(
    `with inserted as (
       insert into posts (user_id, caption, tags, privacy, status, created_at)
       select a, 'Seeded photo ' || n || ' #seed', '{seed}', 'public', 'ready', now() - make_interval(secs => random() * $3 * 86400)
       from unnest($1::uuid[]) a cross join generate_series(1, $2) n
       returning id, user_id
     ), photos as (
       ${seededPhotos('inserted')}
     ), counted as (
       update users u set posts_count = posts_count + c.n
       from (select user_id, count(*) n from inserted group by user_id) c where u.id = c.user_id
     )
     select id from inserted`,
    [authors, perAuthor, days],
  )) as { id: string }[];
  return rows.map((r) => r.id);
}

/** Real sessions and access tokens for seeded users, signed with the Worker's secret. */
export async function signIn(sql: Sql, jwtSecret: string, userIds: string[]): Promise<string[]> {
  const sessions = (await sql.query(
    `insert into sessions (user_id) select u from unnest($1::uuid[]) with ordinality as t(u, i) order by i returning id, user_id`,
    [userIds],
  )) as { id: string; user_id: string }[];
  const sessionOf = new Map(sessions.map((s) => [s.user_id, s.id]));
  return Promise.all(
    userIds.map((id) =>
      signAccessToken({ current: jwtSecret }, { userId: toPublicId('user', id), sessionId: String(sessionOf.get(id)) }),
    ),
  );
}

/** `userId` blocks every user in `blocked` (follows between them are not touched: seed them apart). */
export async function insertBlocks(sql: Sql, userId: string, blocked: string[]): Promise<void> {
  await sql.query(
    `insert into blocks (blocker_id, blocked_id) select $1, b from unnest($2::uuid[]) b where b <> $1 on conflict do nothing`,
    [userId, blocked],
  );
}

/** Every user in `blockers` blocks `userId`. */
export async function insertBlockedBy(sql: Sql, userId: string, blockers: string[]): Promise<void> {
  await sql.query(
    `insert into blocks (blocker_id, blocked_id) select b, $1 from unnest($2::uuid[]) b where b <> $1 on conflict do nothing`,
    [userId, blockers],
  );
}

/** `userId` mutes every user in `muted`. */
export async function insertMutes(sql: Sql, userId: string, muted: string[]): Promise<void> {
  await sql.query(
    `insert into mutes (muter_id, muted_id) select $1, m from unnest($2::uuid[]) m where m <> $1 on conflict do nothing`,
    [userId, muted],
  );
}

/**
 * Gives `userId` the safety state of a heavy user, for the benchmarks' "with blocks and mutes"
 * mode: `count` accounts blocked, `count` blocking them, `count` muted, taken from `others`.
 */
export async function insertSafetyLoad(sql: Sql, userId: string, others: string[], count: number): Promise<void> {
  await insertBlocks(sql, userId, others.slice(0, count));
  await insertBlockedBy(sql, userId, others.slice(count, 2 * count));
  await insertMutes(sql, userId, others.slice(2 * count, 3 * count));
}
