import type { Context } from 'hono';
import { settlePost } from '../db/queries/media';
import type { PostStatus } from '../db/schema';
import { cacheKeys, invalidate } from '../shared/kv-cache';
import type { AppEnv } from './app-env';

/**
 * Brings a post's status in line with its photos after the API changed which photos it has, and
 * does what a post becoming ready needs: fresh caches and the fan-out to followers' timelines.
 * Returns the post's new status when this call changed it.
 */
export async function settleFromApi(c: Context<AppEnv>, postId: string): Promise<PostStatus | undefined> {
  const { db, cache, fanOutQueue } = c.var.services;
  const settled = await settlePost(db, postId);
  if (!settled) return undefined;
  await invalidate(cache, [cacheKeys.post(postId), cacheKeys.profile(settled.userId)]);
  if (settled.status === 'ready') await fanOutQueue.send({ kind: 'fan-out', postId });
  return settled.status;
}
