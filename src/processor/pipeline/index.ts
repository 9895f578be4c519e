/**
 * The processor's image pipeline: bytes in, the three served variants and a BlurHash out. Pure
 * functions of their input; storage, queues and the database are the caller's.
 *
 * Order matters for memory (docs/image-pipeline.md): the full-resolution pixels are used for the
 * original and, once, as the source of the display variant, then dropped; the thumbnail is made
 * from the display variant; orientation is applied to those two small images only (the original
 * is encoded through an orientation walk instead of from a rotated copy).
 */
import { encodeBlurhash } from './blurhash';
import { decodeImage, type SourceFormat } from './decode';
import { encodeOriginal, encodeVariants, iccProfileSegments } from './encode';
import { DISPLAY_LONG_SIDE, THUMBNAIL_LONG_SIDE } from './limits';
import { orient, swapsAxes, toOrientation, type Orientation } from './orient';
import type { Pixels } from './pixels';
import { pipelineProbe, type Stage } from './probe';
import { fitLongSide, resize, type ResizeFilter } from './resize';

export { initCodecs, type CodecModules } from './codecs';
export { UndecodableImageError, type UndecodableReason } from './errors';
export { MAX_PIXELS } from './limits';
export { setPipelineProbe, type PipelineProbe, type Stage } from './probe';
export type { SourceFormat };

/** JPEG bytes without EXIF, XMP, GPS, maker notes or comments, and its upright size. */
export interface Variant {
  bytes: Uint8Array;
  width: number;
  height: number;
}


export interface PipelineResult {
  /** Of the upright image, at full resolution. */
  width: number;
  height: number;
  thumbnail: Variant;
  display: Variant;
  original: Variant;
  blurhash: string;
  /** Milliseconds per stage; BlurHash counts as encoding. */
  timings: Record<Stage, number>;
}

/**
 * Lanczos3 keeps the most detail for the display variant, which people look at full size; the box
 * shrink before it leaves at most a factor of 4 for the filter, where its ringing stays invisible.
 */
const DISPLAY_FILTER: ResizeFilter = 'lanczos3';

/**
 * Mitchell for the thumbnail: at 320 px, Lanczos's overshoot shows as halos on high-contrast edges
 * (text, skylines); Mitchell has almost none, and its softer result also compresses smaller.
 */
const THUMBNAIL_FILTER: ResizeFilter = 'mitchell';

class StageClock {
  readonly timings: Record<Stage, number> = { decode: 0, orient: 0, resize: 0, encode: 0 };

  async time<T>(stage: Stage, work: () => T | Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.timings[stage] += performance.now() - start;
      pipelineProbe().stepEnded?.(stage);
    }
  }
}

function variant(bytes: Uint8Array, pixels: Pixels): Variant {
  return { bytes, width: pixels.width, height: pixels.height };
}

interface FullResolutionWork {
  width: number;
  height: number;
  originalBytes: Uint8Array;
  /** The display-size image, still in stored orientation. */
  storedDisplay: Pixels;
}

/**
 * Everything that needs the full-resolution pixels, in a function of its own so that they become
 * unreachable the moment it returns, before the display and thumbnail are encoded.
 */
async function useFullResolution(
  input: Uint8Array,
  format: SourceFormat,
  turn: Orientation,
  icc: Uint8Array[],
  clock: StageClock,
): Promise<FullResolutionWork> {
  const full = await clock.time('decode', () => decodeImage(input, format));
  const originalBytes = await clock.time('encode', () => encodeOriginal(input, format, turn, full, icc));
  // Sizes are fitted in stored orientation: a longest side is the same either way round.
  const displaySize = fitLongSide(full.width, full.height, DISPLAY_LONG_SIDE);
  const storedDisplay = await clock.time('resize', () => resize(full, displaySize.width, displaySize.height, DISPLAY_FILTER));
  return {
    width: swapsAxes(turn) ? full.height : full.width,
    height: swapsAxes(turn) ? full.width : full.height,
    originalBytes,
    storedDisplay,
  };
}

/**
 * @param orientation EXIF orientation 1–8 of the source (anything else is treated as 1); it is
 *   applied here, once: the decoders are always asked for the stored pixels.
 * @throws UndecodableImageError when the image is truncated, damaged, not of `format`, or larger
 *   than MAX_PIXELS (checked from the header, before decoding).
 */
export async function processImage(input: Uint8Array, format: SourceFormat, orientation: number): Promise<PipelineResult> {
  const turn = toOrientation(orientation);
  const clock = new StageClock();
  const icc = iccProfileSegments(input, format);
  const { width, height, originalBytes, storedDisplay } = await useFullResolution(input, format, turn, icc, clock);

  const thumbnailSize = fitLongSide(storedDisplay.width, storedDisplay.height, THUMBNAIL_LONG_SIDE);
  const storedThumbnail = await clock.time('resize', () =>
    resize(storedDisplay, thumbnailSize.width, thumbnailSize.height, THUMBNAIL_FILTER),
  );
  const display = await clock.time('orient', () => orient(storedDisplay, turn));
  const thumbnail = await clock.time('orient', () => orient(storedThumbnail, turn));
  const blurhash = await clock.time('encode', () => encodeBlurhash(thumbnail));
  const [displayBytes, thumbnailBytes] = await clock.time('encode', () => encodeVariants(display, thumbnail, icc));

  return {
    width,
    height,
    thumbnail: variant(thumbnailBytes, thumbnail),
    display: variant(displayBytes, display),
    original: { bytes: originalBytes, width, height },
    blurhash,
    timings: clock.timings,
  };
}
