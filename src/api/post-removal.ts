import { mediaObjectsOfPost } from '../db/queries/media';
import { deletePost } from '../db/queries/posts';
import { r2Keys } from '../shared/images';
import { cacheKeys, invalidate } from '../shared/kv-cache';
import type { Services } from './services';

/**
 * Takes a post down everywhere: every stored image object of every photo, then the row (its likes, comments,
 * notifications go by cascade, the author's postsCount in the same statement), then its cached
 * copies. Its author deleting it and a moderator removing it are the same act.
 */
export async function removePost(services: Services, post: { id: string; userId: string }): Promise<boolean> {
  // Bytes first: if the row's delete then fails, a retry still finds the post and finishes.
  const photos = await mediaObjectsOfPost(services.db, post.id);
  await services.images.delete(photos.flatMap((photo) => r2Keys.ofMedia(photo)));
  const deleted = await deletePost(services.db, post.id, post.userId);
  await invalidate(services.cache, [cacheKeys.post(post.id), cacheKeys.profile(post.userId)]);
  return deleted;
}
