import type { Db } from '../db/client';
import { findMediaForProcessing, markMediaFailed, markMediaReady, settlePost } from '../db/queries/media';
import { postIsReady } from '../db/queries/posts';
import type { ImageMetadata, PostStatus } from '../db/schema';
import { cacheKeys, invalidate } from '../shared/kv-cache';
import type { FanOutJob } from '../shared/feed-messages';
import { cameraName, readExif, type CameraExif } from '../shared/image/exif';
import { sniffImage } from '../shared/image/format';
import { r2Keys, variantSizes } from '../shared/images';
import { limits } from '../shared/limits';
import { PermanentFailure } from './failures';
import { processImage, UndecodableImageError } from './pipeline';
import { StageMarks } from './stage-marks';

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

async function bytesOf(object: R2ObjectBody | null): Promise<Uint8Array> {
  if (!object) throw new PermanentFailure('The uploaded file is missing from storage');
  return new Uint8Array(await object.arrayBuffer());
}

type Settled = Awaited<ReturnType<typeof settlePost>>;

/**
 * What follows a post's settling: its cached copies go and, if it just became ready, it is fanned
 * out. `statusEvent` (the uploader's live status) rides the same send: one round trip, and the
 * cache deletes beside it.
 */
async function announce(deps: ProcessorDeps, postId: string | null, settled: Settled, statusEvent?: FanOutJob) {
  const messages: FanOutJob[] = [];
  if (postId && settled?.status === 'ready') messages.push({ kind: 'fan-out', postId });
  if (statusEvent) messages.push(statusEvent);
  await Promise.all([
    postId && settled && invalidate(deps.cache, [cacheKeys.profile(settled.userId), cacheKeys.post(postId)]),
    messages.length > 0 && deps.fanOut.sendBatch(messages.map((body) => ({ body }))),
  ]);
}

/**
 * After a photo settled: brings its post in line (ready when all its photos are, failed when one
 * fails) and, if the post just became ready, refreshes caches and fans it out. Safe to repeat.
 */
export async function settlePostOf(deps: ProcessorDeps, postId: string): Promise<PostStatus | undefined> {
  const settled = await settlePost(deps.db, postId);
  await announce(deps, postId, settled);
  return settled?.status;
}

/** The uploader's open streams hear of it (through the API Worker, which holds them); a lost message costs only that. */
async function tellUploader(deps: ProcessorDeps, mediaId: string, postSettled: boolean): Promise<void> {
  await deps.fanOut.send({ kind: 'media-updated', mediaId, postSettled }).catch((error: unknown) => {
    console.error(JSON.stringify({ worker: 'processor', mediaId, error: `status event not sent: ${String(error)}` }));
  });
}

/**
 * Turns a processing photo into a ready one: decode, orient, resize, encode, store the variants,
 * then mark it ready and settle its post. Safe to run twice on the same job: a photo that is no
 * longer processing is left alone, variants are overwritten with identical bytes, and only one
 * run settles the post.
 */
export async function processMedia(
  deps: ProcessorDeps,
  mediaId: string,
  marks = new StageMarks(),
  originalKey?: string,
): Promise<'ready' | 'skipped'> {
  const { db, images, fanOut } = deps;
  // The row and the file at once when the job names the file: one wait instead of two.
  const [photo, early] = await Promise.all([
    findMediaForProcessing(db, mediaId),
    originalKey === undefined ? null : images.get(originalKey),
  ]);
  if (photo?.status === 'ready' && photo.postId) {
    // A redelivery after the photo became ready: the first run may have died before settling its
    // post or sending the fan-out. Fanning out twice is harmless (timelines ignore repeats).
    const settled = await settlePostOf(deps, photo.postId);
    if (!settled && (await postIsReady(db, photo.postId))) await fanOut.send({ kind: 'fan-out', postId: photo.postId });
    return 'skipped';
  }
  if (!photo || photo.status !== 'processing') return 'skipped';

  const bytes = await bytesOf(originalKey === photo.originalKey ? early : await images.get(photo.originalKey));
  marks.mark('read');
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
  marks.mark('processing');

  await Promise.all(
    variantSizes.map((size) =>
      images.put(r2Keys.variant(photo.imageName, size), result[size].bytes, {
        httpMetadata: { contentType: 'image/jpeg' },
      }),
    ),
  );
  marks.mark('stored');
  const { readied, settled } = await markMediaReady(db, photo.id, {
    width: result.width,
    height: result.height,
    metadata: { camera: cameraName(exif.make, exif.model), exposure: exposureOf(exif), blurhash: result.blurhash },
  });
  // A failed send retries the job, whose redelivery fans the post out again; the status event is lost then.
  const statusEvent = readied && {
    kind: 'media-updated' as const,
    mediaId: photo.id,
    postSettled: settled !== undefined,
  };
  await announce(deps, readied?.postId ?? photo.postId, settled, statusEvent);
  marks.mark('markedReady');
  if (!readied && !(await findMediaForProcessing(db, photo.id))) {
    // Deleted while we worked: the delete removed what existed then; remove what we just wrote.
    await images.delete(r2Keys.variantsOf(photo));
  }
  return readied ? 'ready' : 'skipped';
}

/** A photo that cannot be processed: it fails, and so does its post. */
export async function failMedia(deps: ProcessorDeps, mediaId: string, reason: string): Promise<void> {
  const failed = await markMediaFailed(deps.db, mediaId, reason);
  const settled = failed?.postId ? await settlePostOf(deps, failed.postId) : undefined;
  if (failed) await tellUploader(deps, mediaId, settled !== undefined);
}
