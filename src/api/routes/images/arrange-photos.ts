import type { Context } from 'hono';
import { arrangePostMedia, mediaOfPostInOrder } from '../../../db/queries/media';
import { ApiError } from '../../../shared/errors';
import { parsePublicId } from '../../../shared/ids';
import { r2Keys } from '../../../shared/images';
import type { AppEnv } from '../../app-env';
import { settleFromApi } from '../../post-settled';

/**
 * `PATCH /images/{postId}` with `mediaIds`: the post keeps exactly those of its photos, in that
 * order; the others are deleted with their bytes (bytes first, so a failed update can be retried).
 * Removing a photo that was processing or failed may settle the post.
 */
export async function arrangePhotos(c: Context<AppEnv>, postId: string, publicIds: string[]): Promise<void> {
  const { db, images } = c.var.services;
  const current = await mediaOfPostInOrder(db, postId);
  const ids = publicIds.map((publicId) => parsePublicId('media', publicId));
  const own = new Set(current.map((photo) => photo.id));
  const strangers = publicIds.filter((_, i) => {
    const id = ids[i];
    return !id || !own.has(id);
  });
  if (strangers.length) {
    throw new ApiError('VALIDATION_ERROR', 'mediaIds may only name photos of this post', {
      details: [{ field: 'mediaIds', message: `not photos of this post: ${strangers.join(', ')}` }],
    });
  }
  const kept = new Set(ids);
  const removed = current.filter((photo) => !kept.has(photo.id));
  if (removed.length) await images.delete(removed.flatMap((photo) => r2Keys.ofMedia(photo)));
  await arrangePostMedia(db, postId, ids as string[]);
  await settleFromApi(c, postId);
}
