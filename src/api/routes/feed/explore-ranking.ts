/**
 * The explore ranking, cached in KV. Computing it scans a week of posts, so it is recomputed at
 * most every 30 minutes (the seed's `popular_posts`, 30 min). Each computation is stored as its own
 * snapshot, and a cursor names the snapshot it pages through: a client walking the pages never
 * sees a post twice or misses one because the ranking was refreshed between two of its requests.
 * KV may serve a snapshot a minute stale in other locations, which is harmless for a ranking.
 */
import type { Db } from '../../../db/client';
import { popularPostIds } from '../../../db/queries/feed';

const currentKey = 'popular_posts';
const snapshotKey = (id: string) => `popular_posts:${id}`;
const rankingTtlSeconds = 30 * 60;
// A snapshot outlives its turn as current, so that clients mid-walk can finish their walk.
const snapshotTtlSeconds = 2 * 60 * 60;
const rankingSize = 500;

export interface Ranking {
  snapshot: string;
  postIds: string[];
}

export async function currentRanking(db: Db, cache: KVNamespace): Promise<Ranking> {
  const snapshot = await cache.get(currentKey);
  if (snapshot) {
    const postIds = await cache.get<string[]>(snapshotKey(snapshot), 'json');
    if (postIds) return { snapshot, postIds };
  }
  const fresh = { snapshot: crypto.randomUUID(), postIds: await popularPostIds(db, rankingSize) };
  await cache.put(snapshotKey(fresh.snapshot), JSON.stringify(fresh.postIds), { expirationTtl: snapshotTtlSeconds });
  await cache.put(currentKey, fresh.snapshot, { expirationTtl: rankingTtlSeconds });
  return fresh;
}

/** The snapshot a cursor names; if it has expired, the current one (the walk restarts). */
export async function rankingSnapshot(db: Db, cache: KVNamespace, snapshot: string): Promise<Ranking> {
  const postIds = await cache.get<string[]>(snapshotKey(snapshot), 'json');
  return postIds ? { snapshot, postIds } : currentRanking(db, cache);
}
