/**
 * `/media`: photos as things of their own, uploaded one by one, processed at once, and attached
 * to a post by `POST /posts` (in src/api/routes/posts).
 */
import type { Context } from 'hono';
import {
  expireMediaUploadKey,
  findMediaByUploadKey,
  findOwnMedia,
  insertMedia,
  updateMediaAltText,
  type MediaSummary,
} from '../../../db/queries/media';
import type { MediaRow, PostPrivacy, PostStatus } from '../../../db/schema';
import { notFound } from '../../../shared/errors';
import { parsePublicId, toPublicId } from '../../../shared/ids';
import { r2Keys } from '../../../shared/images';
import { cacheKeys, invalidate } from '../../../shared/kv-cache';
import { createRouter, type AppEnv } from '../../app-env';
import { viewerOf } from '../../middleware/auth';
import { earlierUpload, insertUpload, type UploadKeys } from '../../upload-idempotency';
import { photoMetadata, variantUrls } from '../images/present';
import { enqueueProcessing, judgeUpload, storeOriginal } from '../images/upload';
import { getMedia, patchMedia, uploadMedia } from './photos.routes';

const accepted = (photo: Pick<MediaRow, 'id' | 'status'>) => ({
  mediaId: toPublicId('media', photo.id),
  processingStatus: photo.status,
});

type EarlierMedia = { media: MediaRow; response: Record<string, unknown> | null };

/** A retry with the same `Idempotency-Key` gets the first answer again, status and body. */
function replay(c: Context<AppEnv>, earlier: EarlierMedia) {
  const data = (earlier.response as ReturnType<typeof accepted> | null) ?? accepted(earlier.media);
  return c.json({ success: true as const, data }, 202);
}

/**
 * The uploader's view of a photo. URLs once its bytes can be served: it is ready and its post (if
 * any) is too; a photo not yet in a post is served as privately as a private post's.
 */
async function mediaDetail(
  c: Context<AppEnv>,
  photo: MediaRow,
  post: { privacy: PostPrivacy | null; status: PostStatus | null },
) {
  const servable = photo.status === 'ready' && (photo.postId === null || post.status === 'ready');
  const urls = servable
    ? await variantUrls(c.var.services.imageUrls, photo.imageName, post.privacy ?? 'private')
    : { imageUrl: null, displayUrl: null, thumbnailUrl: null };
  return {
    mediaId: toPublicId('media', photo.id),
    postId: photo.postId && toPublicId('post', photo.postId),
    processingStatus: photo.status,
    failureReason: photo.status === 'failed' ? photo.failureReason : null,
    altText: photo.altText,
    ...urls,
    metadata: photoMetadata(photo satisfies MediaSummary),
  };
}

async function ownMedia(c: Context<AppEnv>, publicId: string) {
  const id = parsePublicId('media', publicId);
  const found = id && (await findOwnMedia(c.var.services.db, id, viewerOf(c).userId));
  if (!found) throw notFound('Media');
  return found;
}

export const photoRoutes = createRouter()
  .openapi(uploadMedia, async (c) => {
    const { userId } = viewerOf(c);
    const { db, images, imageJobs } = c.var.services;
    const idempotencyKey = c.req.valid('header')['idempotency-key'];
    const form = c.req.valid('form');

    const keys: UploadKeys<EarlierMedia> = {
      find: (key) => findMediaByUploadKey(db, userId, key),
      expire: (key) => expireMediaUploadKey(db, userId, key),
    };
    const earlier = await earlierUpload(keys, idempotencyKey);
    if (earlier) return replay(c, earlier);

    const bytes = new Uint8Array(await form.image.arrayBuffer());
    const image = judgeUpload(bytes);
    const mediaId = crypto.randomUUID();
    const objects = r2Keys.forNewMedia(toPublicId('media', mediaId));
    await storeOriginal(images, objects.originalKey, bytes, image.format, userId);
    const photo = {
      id: mediaId,
      userId,
      altText: form.altText ?? null,
      ...objects,
      format: image.format,
      fileSize: bytes.byteLength,
    };
    const firstAnswer = accepted({ id: mediaId, status: 'processing' });
    const winner = await insertUpload(keys, idempotencyKey, {
      insert: () => insertMedia(db, photo, idempotencyKey ? { key: idempotencyKey, response: firstAnswer } : undefined),
      deleteOriginal: () => images.delete(objects.originalKey),
    });
    if (winner) return replay(c, winner);
    await enqueueProcessing(c, imageJobs, mediaId, objects.originalKey);
    return c.json({ success: true as const, data: firstAnswer }, 202);
  })
  .openapi(getMedia, async (c) => {
    const found = await ownMedia(c, c.req.valid('param').mediaId);
    const detail = await mediaDetail(c, found.media, { privacy: found.postPrivacy, status: found.postStatus });
    return c.json({ success: true as const, data: detail }, 200);
  })
  .openapi(patchMedia, async (c) => {
    const { mediaId } = c.req.valid('param');
    const found = await ownMedia(c, mediaId);
    const { altText } = c.req.valid('json');
    const updated = await updateMediaAltText(c.var.services.db, found.media.id, found.media.userId, altText);
    if (!updated) throw notFound('Media');
    // Post details are cached for anonymous readers; the photo's alt text is part of them.
    if (updated.postId) await invalidate(c.var.services.cache, [cacheKeys.post(updated.postId)]);
    const detail = await mediaDetail(
      c,
      { ...found.media, altText },
      { privacy: found.postPrivacy, status: found.postStatus },
    );
    return c.json({ success: true as const, data: detail }, 200);
  });
