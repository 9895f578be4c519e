import type { Context } from 'hono';
import { sniffImage, type SniffResult, type SupportedImageFormat } from '../../../shared/image/format';
import { toPublicId } from '../../../shared/ids';
import type { ImageJob } from '../../../shared/queue-messages';
import type { AppEnv } from '../../app-env';
import { ApiError } from '../../../shared/errors';
import { limits } from '../../../shared/limits';
import type { ImageFormat } from '../../../db/schema';
import { UndecodableImageError } from '../../../processor/pipeline/errors';
import { readBaselineHeader } from '../../../processor/pipeline/jpeg-decoder';
import { readPngInfo } from '../../../processor/pipeline/png-decoder';

const formatNames: Record<SupportedImageFormat, ImageFormat> = {
  jpeg: 'JPEG',
  png: 'PNG',
  webp: 'WEBP',
  heic: 'HEIC',
  avif: 'AVIF',
};

export interface AcceptedImage {
  format: ImageFormat;
  width: number;
  height: number;
}

function refusal(sniffed: Exclude<SniffResult, { ok: true }>): ApiError {
  if (sniffed.reason === 'unsupported') {
    const what =
      sniffed.detected === 'unknown'
        ? 'This file is not an image we recognise'
        : `${sniffed.detected.toUpperCase()} files are not supported`;
    return new ApiError('UNSUPPORTED_MEDIA_TYPE', `${what}; upload a JPEG, PNG, WebP, HEIC or AVIF photo`, {
      details: { detected: sniffed.detected, accepted: limits.upload.formats },
    });
  }
  return new ApiError(
    'UNPROCESSABLE',
    `The ${sniffed.format.toUpperCase()} file is ${sniffed.reason}; it cannot be decoded`,
    {
      details: { format: sniffed.format, problem: sniffed.reason },
    },
  );
}

/**
 * Judges an upload by its bytes before anything is stored: the format by magic bytes, the pixel
 * count from the header, so a small file claiming 30000×30000 pixels is refused without decoding.
 */
export function judgeUpload(bytes: Uint8Array): AcceptedImage {
  if (bytes.byteLength > limits.upload.maxBytes) {
    throw new ApiError('PAYLOAD_TOO_LARGE', `Photos are limited to ${limits.upload.maxBytes / 1024 / 1024} MiB`, {
      details: { maxBytes: limits.upload.maxBytes, receivedBytes: bytes.byteLength },
    });
  }
  const sniffed = sniffImage(bytes);
  if (!sniffed.ok) throw refusal(sniffed);
  const pixels = sniffed.width * sniffed.height;
  if (pixels > limits.upload.maxPixels) {
    throw new ApiError('IMAGE_TOO_LARGE', `Photos are limited to ${limits.upload.maxPixels / 1e6} megapixels`, {
      details: { maxPixels: limits.upload.maxPixels, width: sniffed.width, height: sniffed.height },
    });
  }
  if (pixels === 0) throw refusal({ ok: false, reason: 'corrupt', format: sniffed.format });
  if (pixels > limits.upload.maxPixelsWholeDecode && needsWholeImageDecode(bytes, sniffed.format)) {
    throw new ApiError(
      'IMAGE_TOO_LARGE',
      `Progressive JPEGs, WebP, AVIF and interlaced PNGs are limited to ${limits.upload.maxPixelsWholeDecode / 1e6} megapixels`,
      { details: { maxPixels: limits.upload.maxPixelsWholeDecode, width: sniffed.width, height: sniffed.height } },
    );
  }
  const formatLimit = sniffed.format === 'avif' ? limits.upload.maxPixelsPerFormat.avif : null;
  if (formatLimit !== null && pixels > formatLimit) {
    throw new ApiError('IMAGE_TOO_LARGE', `AVIF photos are limited to ${formatLimit / 1e6} megapixels`, {
      details: { maxPixels: formatLimit, width: sniffed.width, height: sniffed.height },
    });
  }
  return { format: formatNames[sniffed.format], width: sniffed.width, height: sniffed.height };
}

/**
 * Whether the processor must hold the whole decoded image at once (it streams baseline JPEGs,
 * non-interlaced PNGs and HEIC): the same header reading it does, so the upload answers what it would.
 */
function needsWholeImageDecode(bytes: Uint8Array, format: SupportedImageFormat): boolean {
  if (format === 'webp' || format === 'avif') return true;
  // HEIC streams one row of tiles at a time.
  if (format === 'heic') return false;
  if (format === 'jpeg') return !readBaselineHeader(bytes).ok;
  try {
    return readPngInfo(bytes).interlaced;
  } catch (error) {
    if (error instanceof UndecodableImageError) throw refusal({ ok: false, reason: 'corrupt', format });
    throw error;
  }
}

/** Seconds the processor is expected to take, from the pixel count (see docs/image-pipeline.md). */
export function estimatedProcessingSeconds(image: AcceptedImage): number {
  return Math.ceil(2 + (image.width * image.height) / 4_000_000);
}

/** The upload's bytes, private in R2 under the photo's original key. */
export async function storeOriginal(
  images: R2Bucket,
  key: string,
  bytes: Uint8Array,
  format: ImageFormat,
  userId: string,
): Promise<void> {
  await images.put(key, bytes, {
    httpMetadata: { contentType: `image/${format.toLowerCase()}` },
    customMetadata: { userId: toPublicId('user', userId) },
  });
}

/** Queues a photo's processing. If the send fails the photo is still safe: the stuck-media sweep queues it again. */
export async function enqueueProcessing(
  c: Context<AppEnv>,
  imageJobs: Queue<ImageJob>,
  mediaId: string,
  originalKey: string,
) {
  await imageJobs.send({ kind: 'process-media', mediaId, originalKey }).catch((error: unknown) => {
    console.error(
      JSON.stringify({ requestId: c.var.requestId, mediaId, error: `queue send failed: ${String(error)}` }),
    );
  });
}
