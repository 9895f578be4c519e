import type { Context } from 'hono';
import type { SniffResult, SupportedImageFormat } from '../../../shared/image/format';
import { inspectImage } from '../../../shared/image/inspect';
import { toPublicId } from '../../../shared/ids';
import type { ImageJob } from '../../../shared/queue-messages';
import type { AppEnv } from '../../app-env';
import { ApiError } from '../../../shared/errors';
import { limits } from '../../../shared/limits';
import type { ImageFormat } from '../../../db/schema';

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
 * count from the header against the limit of the decoder the processor will use (the same
 * inspection it applies), so a small file claiming 30000×30000 pixels is refused without decoding.
 */
export function judgeUpload(bytes: Uint8Array): AcceptedImage {
  if (bytes.byteLength > limits.upload.maxBytes) {
    throw new ApiError('PAYLOAD_TOO_LARGE', `Photos are limited to ${limits.upload.maxBytes / 1024 / 1024} MiB`, {
      details: { maxBytes: limits.upload.maxBytes, receivedBytes: bytes.byteLength },
    });
  }
  const inspected = inspectImage(bytes);
  if (!inspected.ok && inspected.reason === 'too-many-pixels') {
    const { maxPixels, width, height, coding } = inspected;
    throw new ApiError('IMAGE_TOO_LARGE', inspected.description, { details: { maxPixels, width, height, coding } });
  }
  if (!inspected.ok) throw refusal(inspected);
  return { format: formatNames[inspected.format], width: inspected.width, height: inspected.height };
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
