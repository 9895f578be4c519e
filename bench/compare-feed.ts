/**
 * `npm run bench:compare-feed -- <checkout>`: the feed's cost in this code against another checkout
 * of the project (an older commit with its own node_modules, e.g. `git worktree add` + `npm ci`),
 * both stacks running at once and their requests alternated (A B B A …), so that what else the
 * machine does weighs on both alike. Each stack is seeded the same way by its own seeding code (its
 * own schema), and each version's feed is also put against its own trivial route.
 *
 * Written for the several-photos issue's goal (the feed no more than 10 % slower than before media);
 * it works for any two versions whose bench harness and seeding functions have these shapes.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { localConnectionString } from '../dev/paths.ts';
import * as ourSeeding from '../dev/seed-sql.ts';
import * as ourHarness from './harness.ts';

type Seeding = Pick<typeof ourSeeding, 'sqlClient' | 'insertUsers' | 'insertReadyPosts' | 'insertFollowing' | 'signIn'>;
type Harness = Pick<typeof ourHarness, 'startStack' | 'benchSecret'>;

interface Version {
  name: string;
  stack: ourHarness.Stack;
  /** GET /feed for a reader following 10, one following 1 000, and GET /instance. */
  routes: Record<Route, () => Promise<void>>;
  samples: Record<Route, number[]>;
}
const routeNames = ['trivial', 'feed10', 'feed1000'] as const;
type Route = (typeof routeNames)[number];

async function load(checkout: string): Promise<{ harness: Harness; seeding: Seeding }> {
  const url = (path: string) => pathToFileURL(resolve(checkout, path)).href;
  return {
    harness: (await import(url('bench/harness.ts'))) as Harness,
    seeding: (await import(url('dev/seed-sql.ts'))) as Seeding,
  };
}

async function fetchOk(url: string, token?: string): Promise<void> {
  const response = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  await response.arrayBuffer();
}

async function prepare(name: string, harness: Harness, seeding: Seeding): Promise<Version> {
  const stack = await harness.startStack();
  const sql = seeding.sqlClient(localConnectionString, stack.db.sqlEndpoint);
  const authors = await seeding.insertUsers(sql, 'a_', 1000);
  await seeding.insertReadyPosts(sql, authors, 3);
  const [few, many] = await seeding.insertUsers(sql, 'r_', 2);
  await seeding.insertFollowing(sql, String(few), authors.slice(0, 10));
  await seeding.insertFollowing(sql, String(many), authors);
  const [fewToken, manyToken] = await seeding.signIn(sql, harness.benchSecret, [String(few), String(many)]);
  const api = `${stack.url}/api/v1`;
  const routes: Version['routes'] = {
    trivial: () => fetchOk(`${api}/instance`),
    feed10: () => fetchOk(`${api}/feed?limit=20`, fewToken),
    feed1000: () => fetchOk(`${api}/feed?limit=20`, manyToken),
  };
  // First reads build each timeline from Postgres; what is compared is the steady state after.
  for (const route of routeNames) for (let i = 0; i < 10; i++) await routes[route]();
  return { name, stack, routes, samples: { trivial: [], feed10: [], feed1000: [] } };
}

async function timeOnce(version: Version, route: Route): Promise<void> {
  const started = performance.now();
  await version.routes[route]();
  version.samples[route].push(performance.now() - started);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

async function main() {
  const checkout = process.argv[2];
  if (!checkout) {
    console.error('usage: npm run bench:compare-feed -- <path of another checkout, with node_modules>');
    process.exit(2);
  }
  const rounds = Number(process.env.BENCH_ROUNDS ?? 200);
  const other = await load(checkout);
  console.log(`\n== feed: this code against ${checkout}, ${rounds} alternated rounds ==`);
  const [ours, theirs] = await Promise.all([
    prepare('this code', ourHarness, ourSeeding),
    prepare('reference', other.harness, other.seeding),
  ]);
  try {
    for (let round = 0; round < rounds; round++) {
      // A B, then B A: neither version is always the one measured right after the other.
      const order = round % 2 === 0 ? [ours, theirs] : [theirs, ours];
      for (const route of routeNames) for (const version of order) await timeOnce(version, route);
    }
    const rows = [ours, theirs].map((version) => ({
      version: version.name,
      'GET /instance p50': `${median(version.samples.trivial).toFixed(1)} ms`,
      'feed (10) p50': `${median(version.samples.feed10).toFixed(1)} ms`,
      'feed (1 000) p50': `${median(version.samples.feed1000).toFixed(1)} ms`,
      'feed (10) / trivial': (median(version.samples.feed10) / median(version.samples.trivial)).toFixed(2),
      'feed (1 000) / trivial': (median(version.samples.feed1000) / median(version.samples.trivial)).toFixed(2),
    }));
    console.table(rows);
    for (const route of ['feed10', 'feed1000'] as const) {
      const ratio = median(ours.samples[route]) / median(theirs.samples[route]);
      const normalised =
        median(ours.samples[route]) /
        median(ours.samples.trivial) /
        (median(theirs.samples[route]) / median(theirs.samples.trivial));
      console.log(
        `${route === 'feed10' ? 'feed following 10' : 'feed following 1 000'}: this code / reference p50 ${ratio.toFixed(2)}x, ` +
          `each against its own trivial route ${normalised.toFixed(2)}x (goal ≤ 1.10)`,
      );
    }
  } finally {
    await Promise.all([ours.stack.close(), theirs.stack.close()]);
  }
}

await main();
