/**
 * Search: 20 000 users and 100 000 posts with varied names, captions and tags (set-based SQL),
 * then latency p50/p99 of user and post searches through the Worker, and each search query's plan
 * (EXPLAIN ANALYZE through the same Neon HTTP driver) to show which index serves it. Each search
 * is timed twice: for a viewer with no blocks or mutes, and for one with 500 blocks made, 500
 * received and 500 mutes (docs/safety.md: within 10 %).
 */
import { sql, type SQL } from 'drizzle-orm';
import { localConnectionString } from '../dev/paths.ts';
import { insertSafetyLoad, insertUsers, seededPhotos, signIn, sqlClient, type Sql } from '../dev/seed-sql.ts';
import { createDb } from '../src/db/client.ts';
import { postSearchQuery, userSearchQuery } from '../src/db/queries/search.ts';
import { benchSecret, ms, table, timeSequential, type Stack } from './harness.ts';

const firstNames = ['María', 'José', 'Zoë', 'Chloé', 'Łukasz', 'Søren', 'Ana', 'John', 'Mei', 'Ömer', 'Renée', 'Marco'];
const lastNames = ['García', 'Müller', 'Brûlé', 'Nowak', 'Jensen', 'Smith', 'Rossi', 'Öztürk', 'Dubois', 'Silva'];
const words = [
  'sunset',
  'beach',
  'city',
  'night',
  'café',
  'mountain',
  'river',
  'portrait',
  'street',
  'forest',
  'snow',
  'harbour',
  'market',
  'bridge',
  'garden',
  'desert',
  'rain',
  'golden',
  'hour',
  'crème',
  'brûlée',
  'coffee',
  'train',
  'lake',
];
const tags = [
  'travel',
  'food',
  'nature',
  'night',
  'city',
  'portrait',
  'bw',
  'film',
  'street',
  'summer',
  'winter',
  'café',
];

const pgArray = (values: string[]) => `array[${values.map((v) => `'${v}'`).join(',')}]`;

async function seed(sqlc: Sql, prefix: string, users: number, posts: number): Promise<string[]> {
  const ids = await insertUsers(sqlc, prefix, users);
  await sqlc.query(
    `update users set full_name = (${pgArray(firstNames)})[1 + (hashtext(id::text) & 1023) % ${firstNames.length}]
       || ' ' || (${pgArray(lastNames)})[1 + (hashtext(username) & 1023) % ${lastNames.length}],
       followers_count = (hashtext(id::text) & 4095)
     where id = any($1::uuid[])`,
    [ids],
  );
  // Captions of three to five words, one to three tags, 80 % public, 15 % followers, 5 % private.
  await sqlc.query(
    `with w as (select ${pgArray(words)} as words, ${pgArray(tags)} as tags)
     , inserted as (
     insert into posts (user_id, caption, tags, privacy, status, likes_count, created_at)
     select ($1::uuid[])[1 + n % array_length($1::uuid[], 1)],
            initcap(w.words[1 + (n * 7) % 24]) || ' ' || w.words[1 + (n * 13) % 23] || ' ' || w.words[1 + (n / 3) % 24]
              || case when n % 2 = 0 then ' by the ' || w.words[1 + (n / 7) % 24] else '' end || ' #' || w.tags[1 + n % 12],
            array_remove(array[w.tags[1 + n % 12], case when n % 3 > 0 then w.tags[1 + (n / 5) % 12] end,
                               case when n % 4 = 0 then w.tags[1 + (n / 11) % 12] end], null),
            case when n % 20 = 0 then 'private' when n % 20 < 4 then 'followers' else 'public' end,
            'ready', n % 500, now() - (n % 365 || ' days')::interval - (n || ' seconds')::interval
     from generate_series(1, $2) n, w
     returning id, user_id)
     ${seededPhotos('inserted')}`,
    [ids, posts],
  );
  await sqlc.query('analyze users');
  await sqlc.query('analyze posts');
  await sqlc.query('analyze media');
  return ids;
}

async function get(url: string, token: string) {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { data: { pagination: { total: number } } };
}

export async function benchSearch(stack: Stack): Promise<void> {
  const sqlc = sqlClient(localConnectionString, stack.db.sqlEndpoint);
  const db = createDb(localConnectionString, stack.db.sqlEndpoint);
  const api = `${stack.url}/api/v1`;
  const stamp = Date.now().toString(36);

  console.log('\n== search: seeding 20 000 users and 100 000 posts ==');
  const started = performance.now();
  const users = await seed(sqlc, `s${stamp}_`, 20_000, 100_000);
  console.log(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const viewer = String(users[0]);
  const guarded = String(users[1]);
  await insertSafetyLoad(sqlc, guarded, users.slice(2), 500);
  await sqlc.query('analyze blocks');
  await sqlc.query('analyze mutes');
  const [token, guardedToken] = (await signIn(sqlc, benchSecret, [viewer, guarded])) as [string, string];

  const page = { limit: 20, offset: 0 };
  const cases: { name: string; path: string; query: SQL }[] = [
    {
      name: 'users q=brule (accent-folded substring)',
      path: 'search/users?q=brule',
      query: userSearchQuery('brule', viewer, page),
    },
    {
      name: `users q=${stamp}_1234 (rare)`,
      path: `search/users?q=s${stamp}_1234`,
      query: userSearchQuery(`s${stamp}_1234`, viewer, page),
    },
    {
      name: 'posts q=creme brulee (relevant)',
      path: 'search/posts?q=creme%20brulee',
      query: postSearchQuery({ words: 'creme brulee', sort: 'relevant' }, viewer, page),
    },
    {
      name: 'posts q=sunset harbour (recent)',
      path: 'search/posts?q=sunset%20harbour&sort=recent',
      query: postSearchQuery({ words: 'sunset harbour', sort: 'recent' }, viewer, page),
    },
    {
      name: 'posts tags=film,night',
      path: 'search/posts?tags=film,night',
      query: postSearchQuery({ tags: ['film', 'night'], sort: 'recent' }, viewer, page),
    },
  ];

  const rows = [];
  for (const c of cases) {
    for (let i = 0; i < 3; i++) await get(`${api}/${c.path}`, token);
    for (let i = 0; i < 3; i++) await get(`${api}/${c.path}`, guardedToken);
    const total = (await get(`${api}/${c.path}`, token)).data.pagination.total;
    const timing = await timeSequential(40, () => get(`${api}/${c.path}`, token));
    const guardedTiming = await timeSequential(40, () => get(`${api}/${c.path}`, guardedToken));
    rows.push({
      search: c.name,
      total,
      p50: ms(timing.p50),
      p99: ms(timing.p99),
      'p50 with blocks+mutes': ms(guardedTiming.p50),
      ratio: `${(guardedTiming.p50 / timing.p50).toFixed(2)}x`,
    });
  }
  console.log('\n== search: latency through the Worker (sequential, 40 each, page of 20, signed in) ==');
  console.log('   "with blocks+mutes": a viewer with 500 blocks made, 500 received, 500 mutes (goal: ratio ≤ 1.10)');
  table(rows);

  for (const c of cases) {
    const plan = await db.execute<{ 'QUERY PLAN': string }>(
      sql`explain (analyze, costs off, timing off, summary on) ${c.query}`,
    );
    console.log(`\n-- EXPLAIN ANALYZE: ${c.name}`);
    for (const line of plan.rows) console.log(line['QUERY PLAN']);
  }
}
