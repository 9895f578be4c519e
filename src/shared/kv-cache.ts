/**
 * The KV cache tier, with the seed's key layout. KV is eventually consistent across locations (a
 * minute, give or take), so it serves only reads where that is harmless: anonymous readers of
 * public profiles and posts — the bulk of public traffic (shared links). Signed-in readers always
 * read Postgres, so nobody ever sees a stale result of their own write. Every write that changes
 * a cached value deletes its key.
 */
export const cacheKeys = {
  profile: (userId: string) => `profile:${userId}`,
  post: (postId: string) => `post:${postId}`,
};

export const cacheTtlSeconds = {
  profile: 60 * 60,
  post: 60 * 60,
};

/** Reads `key`, or loads, stores (in the background) and returns the value. Missing values are not cached. */
export async function readThrough<T>(
  cache: KVNamespace,
  key: string,
  ttlSeconds: number,
  load: () => Promise<T | undefined>,
  waitUntil: (work: Promise<unknown>) => void,
  revive: (stored: T) => T = (stored) => stored,
): Promise<T | undefined> {
  const stored = await cache.get<T>(key, 'json');
  if (stored !== null) return revive(stored);
  const fresh = await load();
  if (fresh !== undefined) waitUntil(cache.put(key, JSON.stringify(fresh), { expirationTtl: ttlSeconds }));
  return fresh;
}

export async function invalidate(cache: KVNamespace, keys: string[]): Promise<void> {
  await Promise.all(keys.map((key) => cache.delete(key)));
}
