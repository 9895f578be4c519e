/**
 * The processor's image pipeline: bytes in, the three served variants and a BlurHash out. Pure
 * functions of their input; storage, queues and the database are the caller's.
 *
 * Memory decides the order (docs/image-pipeline.md): the original variant is made without pixels
 * where it can be (a JPEG's own data, or turned in the DCT domain); pixels are decoded only as
 * large as the next step needs (display size, or a capped original to re-encode); the
 * thumbnail is made from the display variant; orientation is applied to the display and
 * thumbnail only, while a re-encoded original is read through an orientation walk.
 */
import { stripJpegMetadata } from '../../shared/image/jpeg-segments';
import { validateJpegStructure } from '../../shared/image/jpeg-validate';
import { encodeBlurhash } from './blurhash';
import {
  decodableOriginalSize,
  decodeImage,
  inspect,
  type DecodeReport,
  scaledDecoderAlongside,
  uprightOrientation,
  type Inspection,
  type Size,
  type SourceFormat,
} from './decode';
import { encodeOriginal, encodeVariant, iccProfileSegments, withIcc } from './encode';
import type { BaselineJpeg } from './jpeg-decoder';
import { canTranscode, decodePlanes, encodeTurnedPlanes, type JpegPlanes } from './jpeg-transcode';
import { planLosslessTransform, transformJpeg, type TransformPlan } from './jpeg-transform';
import { DISPLAY_LONG_SIDE, ORIGINAL_MAX_PIXELS, THUMBNAIL_LONG_SIDE } from './limits';
import { orient, swapsAxes, type Orientation } from './orient';
import type { Pixels } from './pixels';
import { pipelineProbe, type Stage } from './probe';
import { fitLongSide, fitPixels, resize, type ResizeFilter } from './resize';

export { initCodecs, type CodecModules } from './codecs';
export { UndecodableImageError, type UndecodableReason } from './errors';
export { FULL_DECODE_MAX_PIXELS, MAX_PIXELS, ORIGINAL_MAX_PIXELS } from './limits';
export { setPipelineProbe, type PipelineProbe, type Stage } from './probe';
export type { SourceFormat };

export type OriginalMethod = 'kept' | 'turned-losslessly' | 're-encoded';

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
  /** How the original was made: the source's own data, turned losslessly, or re-encoded from pixels. */
  originalMethod: OriginalMethod;
  blurhash: string;
  /** Milliseconds per stage; BlurHash counts as encoding. */
  timings: Record<Stage, number>;
}

/**
 * Lanczos3 keeps the most detail for the display variant, which people look at full size; the box
 * shrink (or DCT scaling) before it leaves the filter less than a factor of 3, where its ringing
 * stays invisible.
 */
const DISPLAY_FILTER: ResizeFilter = 'lanczos3';

/**
 * Mitchell for the thumbnail: at 320 px, Lanczos's overshoot shows as halos on high-contrast edges
 * (text, skylines); Mitchell has almost none, and its softer result also compresses smaller.
 */
const THUMBNAIL_FILTER: ResizeFilter = 'mitchell';

/**
 * A kept original at most this heavy, and no larger than the display, is served as the display
 * too. Re-encoding it would save little (a 640 × 480 camera JPEG is ~90 KB, its q80 re-encode
 * ~45 KB) at the cost of a second generation of loss and the encode's time while the uploader
 * waits; above this the display's bytes matter more than the milliseconds.
 */
const DISPLAY_REUSE_MAX_BYTES = 160 * 1024;

/** The stripped original already meets every promise of the display: upright, metadata-free, small. */
function originalServesAsDisplay(work: SourceWork): boolean {
  return (
    work.originalMethod === 'kept' &&
    Math.max(work.width, work.height) <= DISPLAY_LONG_SIDE &&
    work.original.bytes.length <= DISPLAY_REUSE_MAX_BYTES
  );
}

class StageClock {
  readonly timings: Record<Stage, number> = { decode: 0, orient: 0, resize: 0, encode: 0 };

  async time<T>(stage: Stage, work: () => T | Promise<T>): Promise<T> {
    pipelineProbe().stepStarted?.(stage);
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

interface SourceWork {
  /** Of the upright source. */
  width: number;
  height: number;
  original: Variant;
  originalMethod: OriginalMethod;
  /** The display-size image, still in stored orientation. */
  storedDisplay: Pixels;
}

/**
 * How the original variant is made, cheapest first: an upright JPEG keeps its own data (metadata
 * cut out); a turned baseline JPEG is turned losslessly in the DCT domain when that keeps every
 * pixel (never `jpegtran -trim`'s cut edge, see docs/image-pipeline.md), or else, at full size
 * within ORIGINAL_MAX_PIXELS, transcoded from its own component planes (jpeg-transcode.ts: its
 * sampling and quantisation tables, no RGBA); anything else is re-encoded from pixels, at most
 * ORIGINAL_MAX_PIXELS large.
 */
type OriginalPlan =
  | { kind: 'own-data' }
  | { kind: 'lossless'; jpeg: BaselineJpeg; transform: TransformPlan }
  | { kind: 'transcode'; jpeg: BaselineJpeg }
  | { kind: 're-encode'; size: Size };

/** CMYK and YCCK pixels become sRGB: their own data, and their CMYK colour profile, cannot be kept. */
function isInk(image: Inspection): boolean {
  return image.jpegColour === 'cmyk' || image.jpegColour === 'ycck';
}

/**
 * Keeping or turning a JPEG's own data serves its tables and scans as they are, so they must pass
 * libjpeg's checks (browsers decode with it); our decoder forgives more. Anything else is
 * re-encoded from pixels (or refused, if even our decoder cannot read it).
 */
function servesOwnData(input: Uint8Array, image: Inspection): boolean {
  return image.format === 'jpeg' && !isInk(image) && validateJpegStructure(input).ok;
}

function planOriginal(input: Uint8Array, image: Inspection, turn: Orientation): OriginalPlan {
  const ownData = servesOwnData(input, image);
  if (ownData && turn === 1) return { kind: 'own-data' };
  const lossless = image.baselineJpeg && ownData ? planLosslessTransform(image.baselineJpeg, turn) : null;
  // Only when no partial MCU would be trimmed: the original keeps every pixel the metadata reports.
  const keepsEveryPixel = lossless?.ok && lossless.plan.width === image.width && lossless.plan.height === image.height;
  if (image.baselineJpeg && lossless?.ok && keepsEveryPixel)
    return { kind: 'lossless', jpeg: image.baselineJpeg, transform: lossless.plan };
  // Partial MCUs on a moved edge: re-encoded from the planes, which keep every pixel at full size.
  if (
    image.baselineJpeg &&
    turn !== 1 &&
    canTranscode(image.baselineJpeg, turn) &&
    image.width * image.height <= ORIGINAL_MAX_PIXELS
  )
    return { kind: 'transcode', jpeg: image.baselineJpeg };
  return reEncodePlan(image);
}

function reEncodePlan(image: Inspection): OriginalPlan {
  return {
    kind: 're-encode',
    size: decodableOriginalSize(image, fitPixels(image.width, image.height, ORIGINAL_MAX_PIXELS)),
  };
}

/**
 * Everything that needs the source, in a function of its own so that decoded pixels become
 * unreachable the moment it returns, before the display and thumbnail are encoded. When the
 * original needs no pixels, only display-size pixels are ever decoded (a JPEG decodes straight to
 * about that size), and the original is cut from the file after them.
 */
async function useSource(
  input: Uint8Array,
  image: Inspection,
  turn: Orientation,
  icc: Uint8Array[],
  clock: StageClock,
  plan: OriginalPlan = planOriginal(input, image, turn),
): Promise<SourceWork> {
  const upright = (size: Size): Size => (swapsAxes(turn) ? { width: size.height, height: size.width } : size);
  const displayOf = (decoded: Pixels): Promise<Pixels> => {
    const size = fitLongSide(decoded.width, decoded.height, DISPLAY_LONG_SIDE);
    return clock.time('resize', () => resize(decoded, size.width, size.height, DISPLAY_FILTER));
  };
  /**
   * As the lossless path, the display's pixels come from the blocks the planes are read from; the
   * display-scale decode (12 MB at 12 MP) is garbage when this returns, before the encoder's output grows.
   */
  const readPlanes = async (jpeg: BaselineJpeg): Promise<{ planes: JpegPlanes; display: Pixels }> => {
    const alongside = scaledDecoderAlongside(jpeg, fitLongSide(image.width, image.height, DISPLAY_LONG_SIDE));
    const planes = await clock.time('decode', () => decodePlanes(input, jpeg, turn, alongside.decoder));
    return { planes, display: await displayOf(alongside.pixels) };
  };
  let original: Variant;
  let storedDisplay: Pixels;
  if (plan.kind === 're-encode') {
    const decoded = await clock.time('decode', () => decodeImage(input, image, plan.size, true));
    // The display first: its temporary buffers are gone before the encoder's output grows.
    storedDisplay = await displayOf(decoded);
    const sourceBytesPerPixel = input.length / (image.width * image.height);
    original = {
      bytes: await clock.time('encode', () => encodeOriginal(decoded, turn, icc, sourceBytesPerPixel)),
      ...upright(plan.size),
    };
  } else if (plan.kind === 'transcode') {
    const { planes, display } = await readPlanes(plan.jpeg);
    storedDisplay = display;
    // Same tables, same picture: about the source's size (new Huffman tables, a little rounding).
    const expectedBytes = input.length * 1.05;
    original = await clock.time('encode', () =>
      withIcc({ bytes: encodeTurnedPlanes(planes, expectedBytes), ...upright(image) }, icc),
    );
  } else if (plan.kind === 'lossless') {
    // One entropy decoding for both: the display's pixels are decoded from the blocks the transform reads.
    const alongside = scaledDecoderAlongside(plan.jpeg, fitLongSide(image.width, image.height, DISPLAY_LONG_SIDE));
    original = await clock.time('encode', () =>
      withIcc(transformJpeg(input, plan.jpeg, plan.transform, alongside.decoder), icc),
    );
    storedDisplay = await displayOf(alongside.pixels);
  } else {
    // The display first: decoding tells whether libjpeg reads the file's own data without a warning
    // (no stray bytes at a restart marker or after a progressive scan, which a damaged size
    // leaves); if not, it is re-encoded.
    const report: DecodeReport = { extraneousBytes: 0 };
    const decoded = await clock.time('decode', () =>
      decodeImage(input, image, fitLongSide(image.width, image.height, DISPLAY_LONG_SIDE), false, report),
    );
    if (report.extraneousBytes > 0) return useSource(input, image, turn, icc, clock, reEncodePlan(image));
    storedDisplay = await displayOf(decoded);
    original = await clock.time('encode', () => ({
      bytes: stripJpegMetadata(input),
      width: image.width,
      height: image.height,
    }));
  }
  // A transcoded original is re-encoded, from the source's planes rather than RGBA.
  const originalMethod =
    plan.kind === 'own-data' ? 'kept' : plan.kind === 'lossless' ? 'turned-losslessly' : 're-encoded';
  return { ...upright(image), original, originalMethod, storedDisplay };
}

/**
 * @param orientation EXIF orientation 1–8 of the source (anything else is treated as 1; ignored
 *   for HEIC and AVIF, see uprightOrientation); it is applied here, once: the decoders are always
 *   asked for the stored pixels.
 * @throws UndecodableImageError when the image is truncated, damaged, not of `format`, or larger
 *   than MAX_PIXELS (checked from the header, before decoding).
 */
export async function processImage(
  input: Uint8Array,
  format: SourceFormat,
  orientation: number,
): Promise<PipelineResult> {
  const image = inspect(input, format);
  const turn = uprightOrientation(input, format, orientation);
  const clock = new StageClock();
  const icc = isInk(image) ? [] : iccProfileSegments(input, format);
  const work = await useSource(input, image, turn, icc, clock);
  const { width, height, original, originalMethod, storedDisplay } = work;

  const thumbnailSize = fitLongSide(storedDisplay.width, storedDisplay.height, THUMBNAIL_LONG_SIDE);
  const storedThumbnail = await clock.time('resize', () =>
    resize(storedDisplay, thumbnailSize.width, thumbnailSize.height, THUMBNAIL_FILTER),
  );
  const display = await clock.time('orient', () => orient(storedDisplay, turn));
  const thumbnail = await clock.time('orient', () => orient(storedThumbnail, turn));
  const blurhash = await clock.time('encode', () => encodeBlurhash(thumbnail));
  const displayBytes = originalServesAsDisplay(work)
    ? original.bytes
    : await clock.time('encode', () => encodeVariant(display, icc));
  const thumbnailBytes = await clock.time('encode', () => encodeVariant(thumbnail, icc));

  return {
    width,
    height,
    thumbnail: variant(thumbnailBytes, thumbnail),
    display: variant(displayBytes, display),
    original,
    originalMethod,
    blurhash,
    timings: clock.timings,
  };
}
