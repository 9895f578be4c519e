import type { Db } from '../db/client';
import { findPostForProcessing, markPostReady } from '../db/queries/posts';
import type { ImageMetadata } from '../db/schema';
import { cacheKeys, invalidate } from '../shared/kv-cache';
import type { FanOutJob } from '../shared/feed-messages';
import { cameraName, readExif, type CameraExif } from '../shared/image/exif';
import { sniffImage } from '../shared/image/format';
import { toPublicId } from '../shared/ids';
import { r2Keys, variantSizes } from '../shared/images';
import { limits } from '../shared/limits';
import { PermanentFailure } from './failures';
import { processImage, UndecodableImageError } from './pipeline';

export interface ProcessorDeps {
  db: Db;
  images: R2Bucket;
  fanOut: Queue<FanOutJob>;
  cache: KVNamespace;
}

function exposureOf(exif: CameraExif): ImageMetadata['exposure'] {
  const exposure = {
    lens: exif.lensModel,
    fNumber: exif.fNumber,
    exposureTime: exif.exposureTime,
    iso: exif.iso,
    focalLength: exif.focalLength,
  };
  return Object.values(exposure).every((value) => value === null) ? null : exposure;
}

async function readOriginal(images: R2Bucket, publicId: string): Promise<Uint8Array> {
  const object = await images.get(r2Keys.original(publicId));
  if (!object) throw new PermanentFailure('The uploaded file is missing from storage');
  return new Uint8Array(await object.arrayBuffer());
}

/**
 * Turns a processing post into a ready one: decode, orient, resize, encode, store the variants,
 * then mark it ready. Safe to run twice on the same job: a post that is no longer processing is
 * left alone, variants are overwritten with identical bytes, and only one run counts the post.
 */
export async function processPost(
  { db, images, fanOut, cache }: ProcessorDeps,
  postId: string,
): Promise<'ready' | 'skipped'> {
  const post = await findPostForProcessing(db, postId);
  if (post?.status === 'ready') {
    // A redelivery after the post became ready: the first run may have died before its fan-out
    // was sent. Fanning out twice is harmless (timelines ignore repeats); never fanning out is not.
    await fanOut.send({ kind: 'fan-out', postId });
    return 'skipped';
  }
  if (!post || post.status !== 'processing') return 'skipped';
  const publicId = toPublicId('post', post.id);

  const bytes = await readOriginal(images, publicId);
  // The API judged the header already; judge again, since this is what protects the isolate's memory.
  const sniffed = sniffImage(bytes);
  if (!sniffed.ok) throw new PermanentFailure(`The file is not a supported image (${sniffed.reason})`);
  if (sniffed.width * sniffed.height > limits.upload.maxPixels)
    throw new PermanentFailure('The image has too many pixels');

  const exif = readExif(bytes);
  let result;
  try {
    result = await processImage(bytes, sniffed.format, exif.orientation);
  } catch (error) {
    if (error instanceof UndecodableImageError) throw new PermanentFailure(error.message, { cause: error });
    throw error;
  }

  await Promise.all(
    variantSizes.map((size) =>
      images.put(r2Keys.variant(publicId, size), result[size].bytes, { httpMetadata: { contentType: 'image/jpeg' } }),
    ),
  );
  const readied = await markPostReady(db, post.id, {
    width: result.width,
    height: result.height,
    metadata: { camera: cameraName(exif.make, exif.model), exposure: exposureOf(exif), blurhash: result.blurhash },
  });
  if (readied) {
    await invalidate(cache, [cacheKeys.profile(post.userId), cacheKeys.post(post.id)]);
    await fanOut.send({ kind: 'fan-out', postId: post.id });
  }
  if (!readied && !(await findPostForProcessing(db, post.id))) {
    // Deleted while we worked: the delete removed what existed then; remove what we just wrote.
    await images.delete(variantSizes.map((size) => r2Keys.variant(publicId, size)));
  }
  return readied ? 'ready' : 'skipped';
}
