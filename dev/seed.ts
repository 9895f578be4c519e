/**
 * `npm run seed`: fills the running `npm run dev` platform with a realistic community for demos —
 * users with power-law follower counts (a few stars, a long tail), and photos uploaded through the
 * real API, so each one goes through the processor and the feed fan-out like any other.
 *   --users N (default 1000)   --posts N (default 1500)   --parallel N (default 4)
 * Every seeded account's password is "lumen demo password".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encodePng } from '../test/fixtures/images/png-writer.ts';
import { photoLikePicture } from '../test/fixtures/images/patterns.ts';
import { localConnectionString, projectRoot } from './paths.ts';
import { runningStack } from './running-stack.ts';
import { insertUsers, seedPassword, signIn, sqlClient, type Sql } from './seed-sql.ts';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '1000' },
    posts: { type: 'string', default: '1500' },
    parallel: { type: 'string', default: '4' },
  },
});
const userCount = Number(values.users);
const postCount = Number(values.posts);
const parallel = Number(values.parallel);

const stack = runningStack();
if (!stack) {
  console.error('Start the platform first (`npm run dev`), then run `npm run seed` in another terminal.');
  process.exit(1);
}
const jwtSecret = /^JWT_SECRET=(.*)$/m.exec(readFileSync(join(projectRoot, '.dev.vars'), 'utf8'))?.[1];
if (!jwtSecret) throw new Error('.dev.vars has no JWT_SECRET; run `npm run dev` once to create it');

const words = [
  'sunrise',
  'harbour',
  'forest',
  'citylights',
  'portrait',
  'street',
  'mountains',
  'coffee',
  'rain',
  'film',
];
const pick = <T>(items: T[], n: number) => items[n % items.length] as T;

/** Follower counts that fall off like a power law: user k (0-based) gets about n/(k+1) followers. */
async function insertPowerLawFollows(sql: Sql, userIds: string[]): Promise<void> {
  await sql.transaction([
    sql.query(
      `insert into follows (follower_id, following_id)
       select f.id, a.id
       from unnest($1::uuid[]) with ordinality as a(id, rank)
       cross join lateral (
         select id from unnest($1::uuid[]) as f(id)
         where f.id <> a.id order by random() limit greatest(1, floor(cardinality($1::uuid[]) * 0.6 / a.rank))::int
       ) f
       on conflict do nothing`,
      [userIds],
    ),
    sql.query(
      `update users u set followers_count = (select count(*) from follows where following_id = u.id),
                          following_count = (select count(*) from follows where follower_id = u.id)
       where u.id = any($1::uuid[])`,
      [userIds],
    ),
  ]);
}

async function uploadPhoto(url: string, token: string, n: number): Promise<void> {
  const width = 640 + (n % 3) * 160;
  const height = n % 4 === 0 ? 800 : 480;
  const png = await encodePng(photoLikePicture(width, height, n + 1), { colourType: 'rgb' });
  const form = new FormData();
  form.append('image', new File([new Uint8Array(png)], `seed-${n}.png`, { type: 'image/png' }));
  form.append('caption', `Seeded photo ${n} #${pick(words, n)} #${pick(words, n * 7 + 3)}`);
  form.append('privacy', n % 10 === 0 ? 'followers' : 'public');
  const response = await fetch(`${url}/api/v1/images/upload`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
    body: form,
  });
  if (response.status !== 202) throw new Error(`upload ${n}: ${response.status} ${await response.text()}`);
}

const sql = sqlClient(localConnectionString, stack.sqlEndpoint);
const prefix = `demo${Date.now().toString(36).slice(-4)}_`;
console.log(`Seeding ${userCount} users (${prefix}0 … ${prefix}${userCount - 1}, password "${seedPassword}")…`);
const userIds = await insertUsers(sql, prefix, userCount);
await insertPowerLawFollows(sql, userIds);
const tokens = await signIn(sql, jwtSecret, userIds);

console.log(`Uploading ${postCount} generated photos through the API…`);
// Stars post more: author k is picked with weight 1/(k+1).
const weights = userIds.map((_, k) => 1 / (k + 1));
const total = weights.reduce((a, b) => a + b, 0);
const authorOf = (n: number) => {
  let target = (((n * 2654435761) % 1_000_003) / 1_000_003) * total;
  for (let k = 0; k < weights.length; k++) if ((target -= weights[k] ?? 0) <= 0) return k;
  return weights.length - 1;
};
let next = 0;
let done = 0;
await Promise.all(
  Array.from({ length: parallel }, async () => {
    while (next < postCount) {
      const n = next++;
      await uploadPhoto(stack.url, tokens[authorOf(n)] ?? '', n);
      if (++done % 100 === 0) console.log(`  ${done}/${postCount}`);
    }
  }),
);
console.log(
  `Done. Sign in as ${prefix}0@example.com (the most followed) with "${seedPassword}"; processing finishes in the background.`,
);
