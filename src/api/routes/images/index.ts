import type { Context } from 'hono';
import { updateFirstMediaAltText } from '../../../db/queries/media';
import {
  expireUploadKey,
  findPostByUploadKey,
  insertPostWithPhoto,
  updatePost,
  type PostChanges,
} from '../../../db/queries/posts';
import type { PostRow } from '../../../db/schema';
import { ApiError, notFound } from '../../../shared/errors';
import { parsePublicId, toPublicId } from '../../../shared/ids';
import { r2Keys } from '../../../shared/images';
import { limits } from '../../../shared/limits';
import { createRouter, type AppEnv } from '../../app-env';
import { cacheKeys, cacheTtlSeconds, invalidate, readThrough } from '../../../shared/kv-cache';
import { viewerOf } from '../../middleware/auth';
import { ownPost, visiblePost } from '../../post-access';
import { removePost } from '../../post-removal';
import { earlierUpload, insertUpload, type UploadKeys } from '../../upload-idempotency';
import { tagsOf } from '../../schemas/posts';
import { deletePostRoute, getPost, patchPost, upload } from './images.routes';
import { arrangePhotos } from './arrange-photos';
import { postDetail, variantUrls } from './present';
import { enqueueProcessing, estimatedProcessingSeconds, judgeUpload, storeOriginal } from './upload';

async function acceptedAnswer(
  c: Context<AppEnv>,
  post: Pick<PostRow, 'id' | 'privacy' | 'status'>,
  estimatedProcessingTime: number,
) {
  // A post made by this route has one photo, named after the post: its URLs are known at once.
  const { imageUrl, thumbnailUrl } = await variantUrls(
    c.var.services.imageUrls,
    toPublicId('post', post.id),
    post.privacy,
  );
  return {
    postId: toPublicId('post', post.id),
    imageUrl,
    thumbnailUrl,
    processingStatus: post.status,
    estimatedProcessingTime,
  };
}

/**
 * A retried upload gets the first answer again, status and body, as the contract's replay rule
 * says. Keys kept before answers were stored get one rebuilt from the post as it stands.
 */
type EarlierPost = { post: PostRow; response: Record<string, unknown> | null };

async function answerForRetry(c: Context<AppEnv>, earlier: EarlierPost) {
  const data =
    earlier.response ?? (await acceptedAnswer(c, earlier.post, earlier.post.status === 'processing' ? 2 : 0));
  return c.json({ success: true as const, data: data as Awaited<ReturnType<typeof acceptedAnswer>> }, 202);
}

export const imageRoutes = createRouter()
  .openapi(upload, async (c) => {
    const { userId } = viewerOf(c);
    const { db, images, imageJobs } = c.var.services;
    const idempotencyKey = c.req.valid('header')['idempotency-key'];
    const form = c.req.valid('form');

    const keys: UploadKeys<EarlierPost> = {
      find: (key) => findPostByUploadKey(db, userId, key),
      expire: (key) => expireUploadKey(db, userId, key),
    };
    const earlier = await earlierUpload(keys, idempotencyKey);
    if (earlier) return answerForRetry(c, earlier);

    const bytes = new Uint8Array(await form.image.arrayBuffer());
    const image = judgeUpload(bytes);
    const tags = tagsOf(form.tags ?? [], form.caption);
    if (tags.length > limits.tags.maxCount) {
      throw new ApiError('VALIDATION_ERROR', `At most ${limits.tags.maxCount} tags, hashtags in the caption included`, {
        details: [{ field: 'tags', message: `${tags.length} tags given` }],
      });
    }

    const postId = crypto.randomUUID();
    // The post's one photo keeps the post's own names in R2, as every post had before photos had rows.
    const objects = r2Keys.forNewMedia(toPublicId('post', postId));
    await storeOriginal(images, objects.originalKey, bytes, image.format, userId);
    const post = {
      id: postId,
      userId,
      caption: form.caption ?? null,
      tags,
      locationName: form.location?.name ?? null,
      latitude: form.location ? String(form.location.latitude) : null,
      longitude: form.location ? String(form.location.longitude) : null,
      privacy: form.privacy,
    };
    const mediaId = crypto.randomUUID();
    const photo = {
      id: mediaId,
      userId,
      altText: form.altText ?? null,
      ...objects,
      format: image.format,
      fileSize: bytes.byteLength,
    };
    const answer = await acceptedAnswer(c, { ...post, status: 'processing' }, estimatedProcessingSeconds(image));
    const winner = await insertUpload(keys, idempotencyKey, {
      insert: () =>
        insertPostWithPhoto(db, post, photo, idempotencyKey ? { key: idempotencyKey, response: answer } : undefined),
      deleteOriginal: () => images.delete(objects.originalKey),
    });
    if (winner) return answerForRetry(c, winner);
    await enqueueProcessing(c, imageJobs, mediaId, objects.originalKey);
    return c.json({ success: true as const, data: answer }, 202);
  })
  .openapi(getPost, async (c) => {
    const publicId = c.req.valid('param').postId;
    const load = async () => {
      const { post, audience } = await visiblePost(c, publicId);
      return postDetail(c.var.services.imageUrls, post, audience.isAuthor);
    };
    const id = parsePublicId('post', publicId);
    // Anonymous readers can only see public posts, whose URLs are stable: safe to share from KV.
    const detail =
      c.var.viewer || !id
        ? await load()
        : await readThrough(c.var.services.cache, cacheKeys.post(id), cacheTtlSeconds.post, load, (work) =>
            c.executionCtx.waitUntil(work),
          );
    if (!detail) throw notFound('Post');
    return c.json({ success: true as const, data: detail }, 200);
  })
  .openapi(patchPost, async (c) => {
    const post = await ownPost(c, c.req.valid('param').postId);
    const body = c.req.valid('json');
    const changes: PostChanges = {};
    if (body.caption !== undefined) changes.caption = body.caption;
    if (body.privacy !== undefined) changes.privacy = body.privacy;
    if (body.tags !== undefined || body.caption !== undefined) {
      const tags = tagsOf(body.tags ?? post.tags, body.caption === undefined ? post.caption : body.caption);
      if (tags.length > limits.tags.maxCount) {
        throw new ApiError(
          'VALIDATION_ERROR',
          `At most ${limits.tags.maxCount} tags, hashtags in the caption included`,
        );
      }
      changes.tags = tags;
    }
    if (body.location !== undefined) {
      changes.locationName = body.location?.name ?? null;
      changes.latitude = body.location ? String(body.location.latitude) : null;
      changes.longitude = body.location ? String(body.location.longitude) : null;
    }
    if (!(await updatePost(c.var.services.db, post.id, post.userId, changes))) throw notFound('Post');
    if (body.mediaIds !== undefined) await arrangePhotos(c, post.id, body.mediaIds);
    if (body.altText !== undefined) await updateFirstMediaAltText(c.var.services.db, post.id, body.altText);
    await invalidate(c.var.services.cache, [cacheKeys.post(post.id)]);
    // A post that stops being private reaches its author's followers now; one made private drops
    // out of their feeds at their next read, which re-checks visibility.
    if (post.privacy === 'private' && changes.privacy && changes.privacy !== 'private') {
      await c.var.services.fanOutQueue.send({ kind: 'fan-out', postId: post.id });
    }
    const { post: updated, audience } = await visiblePost(c, c.req.valid('param').postId);
    return c.json(
      { success: true as const, data: await postDetail(c.var.services.imageUrls, updated, audience.isAuthor) },
      200,
    );
  })
  .openapi(deletePostRoute, async (c) => {
    const post = await ownPost(c, c.req.valid('param').postId);
    if (!(await removePost(c.var.services, post))) throw notFound('Post');
    return c.json(
      { success: true as const, data: { postId: toPublicId('post', post.id), deleted: true as const } },
      200,
    );
  });
