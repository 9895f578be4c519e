import type { Context } from 'hono';
import type { z } from '@hono/zod-openapi';
import { abandonPost, attachMedia, mediaForAttaching, updateFirstMediaAltText } from '../../../db/queries/media';
import { insertPost } from '../../../db/queries/posts';
import { ApiError, notFound } from '../../../shared/errors';
import { parsePublicId } from '../../../shared/ids';
import { limits } from '../../../shared/limits';
import type { AppEnv } from '../../app-env';
import { settleFromApi } from '../../post-settled';
import type { PostCreate } from '../../schemas/media';
import { tagsOf } from '../../schemas/posts';

const alreadyAttached = () => new ApiError('ALREADY_ATTACHED', 'A photo is already in a post; upload it again');

/** Each id must name one of the author's own photos not yet in a post: unknown or someone else's is a 404. */
async function checkAttachable(c: Context<AppEnv>, authorId: string, publicIds: string[]): Promise<string[]> {
  const ids = publicIds.map((publicId) => parsePublicId('media', publicId));
  const known = ids.every((id): id is string => id !== null);
  const rows = known ? await mediaForAttaching(c.var.services.db, ids) : [];
  const byId = new Map(rows.map((row) => [row.id, row]));
  for (const id of ids) {
    const row = id ? byId.get(id) : undefined;
    if (!row || row.userId !== authorId) throw notFound('Media');
  }
  if (rows.some((row) => row.postId !== null)) throw alreadyAttached();
  return ids as string[];
}

/**
 * `POST /posts`: the post, its photos attached in order, then its status settled from theirs.
 * Returns the new post's id and whether it is ready already.
 */
export async function createPost(c: Context<AppEnv>, authorId: string, body: z.infer<typeof PostCreate>) {
  const mediaIds = await checkAttachable(c, authorId, body.mediaIds);
  const tags = tagsOf(body.tags ?? [], body.caption);
  if (tags.length > limits.tags.maxCount) {
    throw new ApiError('VALIDATION_ERROR', `At most ${limits.tags.maxCount} tags, hashtags in the caption included`, {
      details: [{ field: 'tags', message: `${tags.length} tags given` }],
    });
  }
  const { db } = c.var.services;
  const postId = crypto.randomUUID();
  await insertPost(db, {
    id: postId,
    userId: authorId,
    caption: body.caption ?? null,
    tags,
    locationName: body.location?.name ?? null,
    latitude: body.location ? String(body.location.latitude) : null,
    longitude: body.location ? String(body.location.longitude) : null,
    privacy: body.privacy,
  });
  // Attaching is conditional on each photo still being unattached: a concurrent request may have won.
  if ((await attachMedia(db, postId, authorId, mediaIds)) < mediaIds.length) {
    await abandonPost(db, postId);
    throw alreadyAttached();
  }
  if (body.altText !== undefined) await updateFirstMediaAltText(db, postId, body.altText);
  const status = await settleFromApi(c, postId);
  return { postId, ready: status === 'ready' };
}
