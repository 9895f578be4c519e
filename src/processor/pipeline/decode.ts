/**
 * Decoding, planned from the header so that memory is bounded before any pixel exists.
 *
 * Three kinds of decoder (inspect's `decoder`):
 * - streaming (baseline JPEG, PNG, lossy WebP, in TypeScript; HEIC, tile row by
 *   tile row through libde265): rows flow into a sink that is only as large as the image the pipeline
 *   needs, never the full-size source; a JPEG is also scaled in the DCT domain first. Memory does
 *   not grow with the source's pixel count.
 * - coefficients (progressive JPEG, in TypeScript): every scan is read into a store of the low
 *   frequencies the scaled output needs, then replayed like a baseline file (jpeg-progressive.ts).
 * - whole-image (unusual JPEG through mozjpeg, lossless, transparent or animated WebP through
 *   libwebp, AVIF through libavif): the full-size RGBA image exists, in WASM memory and again in JavaScript for
 *   the WASM codecs. These get lower pixel limits (limits.upload.maxPixelsPerFormat).
 */
import { CODING_NAMES, inspectImage, type InspectedImage } from '../../shared/image/inspect';
import { readHeif, type HeifImage } from '../../shared/image/heif';
import { checkJpegIntegrity } from '../../shared/image/jpeg-segments';
import { withAvifDecoder, withJpegDecoder, withWebpDecoder, type DecodedRgba } from './codecs';
import { UndecodableImageError } from './errors';
import { decodeHevcHeif } from './hevc-decoder';
import { coefficientStoreBytes, decodeProgressiveJpeg, readProgressiveFrame } from './jpeg-progressive';
import {
  decodeBaselineJpeg,
  readBaselineHeader,
  scaledBlockDecoder,
  scaledSize,
  type BaselineJpeg,
  type BlockDecoder,
  type DctScale,
  type JpegFrame,
} from './jpeg-decoder';
import { COEFFICIENT_STORE_MAX_BYTES } from './limits';
import { toOrientation, type Orientation } from './orient';
import { compositeOnWhite, type Pixels } from './pixels';
import { decodePng } from './png-decoder';
import { resize } from './resize';
import { OnWhiteSink, PixelsSink, ResizingSink } from './row-sinks';
import { decodeLossyWebp } from './webp-decoder';

export type SourceFormat = 'jpeg' | 'png' | 'webp' | 'heic' | 'avif';

export interface Size {
  width: number;
  height: number;
}

/** What the header says (the shared inspection, which the upload route applied too), and the decoder's reading of it. */
export interface Inspection extends InspectedImage {
  /** Set when the TypeScript JPEG decoder streams the file. */
  baselineJpeg: BaselineJpeg | null;
  /** Set for a progressive JPEG, which the coefficient decoder reads. */
  progressiveJpeg: JpegFrame | null;
  /** Set for HEIC and AVIF: the container's description of the picture. */
  heif: HeifImage | null;
}

/**
 * libjpeg reports data it could not decode only as warnings, then fills the rest of the picture
 * with grey and "succeeds". These are the warnings that mean pixels are missing.
 */
const JPEG_DATA_LOSS = /premature end|corrupt jpeg data: (?!\d+ extraneous bytes)|huffman/i;

/** Refuses, before any pixel memory exists, what the shared inspection says cannot or must not be decoded. */
function inspectOrRefuse(input: Uint8Array, format: SourceFormat): InspectedImage {
  const inspected = inspectImage(input);
  if (!inspected.ok && inspected.reason === 'too-many-pixels') {
    throw new UndecodableImageError(
      'too-many-pixels',
      `The image has ${inspected.width}×${inspected.height} pixels; ${inspected.description} (at most ${inspected.maxPixels / 1e6} megapixels for ${CODING_NAMES[inspected.coding]} files)`,
    );
  }
  if (!inspected.ok) {
    const reason =
      inspected.reason === 'truncated' ? 'truncated' : inspected.reason === 'corrupt' ? 'corrupt' : 'format-mismatch';
    throw new UndecodableImageError(
      reason,
      `The file is not a readable ${format.toUpperCase()} image (${inspected.reason})`,
    );
  }
  if (inspected.format !== format) {
    throw new UndecodableImageError(
      'format-mismatch',
      `The file is ${inspected.format.toUpperCase()}, not ${format.toUpperCase()}`,
    );
  }
  return inspected;
}

/**
 * How the stored picture is turned upright: a HEIF's `irot`/`imir` transforms (its EXIF
 * orientation is informative only, as in libheif and browsers, and applying both would turn it
 * twice); the EXIF orientation for every other format.
 */
export function uprightOrientation(input: Uint8Array, format: SourceFormat, exifOrientation: number): Orientation {
  if (format !== 'heic' && format !== 'avif') return toOrientation(exifOrientation);
  const heif = readHeif(input);
  return heif.ok ? heif.image.orientation : 1;
}

/** Reads headers only and refuses what cannot or must not be decoded: no pixel memory yet. */
export function inspect(input: Uint8Array, format: SourceFormat): Inspection {
  const image = inspectOrRefuse(input, format);
  let baselineJpeg: BaselineJpeg | null = null;
  let progressiveJpeg: JpegFrame | null = null;
  let heif: HeifImage | null = null;
  if (format === 'heic' || format === 'avif') {
    const read = readHeif(input);
    // inspectImage() has read the same container successfully.
    heif = read.ok ? read.image : null;
  } else if (format === 'jpeg') {
    const integrity = checkJpegIntegrity(input);
    if (!integrity.ok) {
      throw new UndecodableImageError(
        integrity.problem === 'corrupt' ? 'corrupt' : 'truncated',
        `The JPEG data is incomplete (${integrity.problem})`,
      );
    }
    // The layout is one these decoders read, so what they cannot take is a broken header.
    const damaged = (detail: string) => new UndecodableImageError('corrupt', `The JPEG header is damaged (${detail})`);
    if (image.decoder === 'streaming') {
      const header = readBaselineHeader(input);
      if (!header.ok) throw damaged(header.unsupported);
      baselineJpeg = header.jpeg;
    } else if (image.decoder === 'coefficients') {
      const frame = readProgressiveFrame(input);
      if (!frame.ok) throw damaged(frame.unsupported);
      progressiveJpeg = frame.frame;
    }
  }
  return { ...image, baselineJpeg, progressiveJpeg, heif };
}

/** A view of a codec's result as our pixel type, without copying. */
function asPixels(image: DecodedRgba): Pixels {
  return {
    data: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength),
    width: image.width,
    height: image.height,
  };
}

function requireSize(pixels: Pixels, expected: Size): Pixels {
  if (pixels.width !== expected.width || pixels.height !== expected.height) {
    throw new UndecodableImageError('corrupt', 'The decoded image does not have the size its header announces');
  }
  return pixels;
}

async function decodeWithMozjpeg(input: Uint8Array): Promise<Pixels> {
  return withJpegDecoder(({ codec, warnings }) => {
    let image: DecodedRgba | null;
    try {
      // Orientation is applied by the pipeline, on the smallest buffer that needs it.
      image = codec.decode(input, false);
    } catch (error) {
      throw new UndecodableImageError('corrupt', 'The JPEG data cannot be decoded', { cause: error });
    }
    const loss = warnings.find((warning) => JPEG_DATA_LOSS.test(warning));
    if (loss) throw new UndecodableImageError('truncated', `The JPEG data is damaged: ${loss}`);
    if (!image) throw new UndecodableImageError('corrupt', 'The JPEG data cannot be decoded');
    return asPixels(image);
  });
}

async function decodeWithLibwebp(input: Uint8Array): Promise<Pixels> {
  return withWebpDecoder(({ codec }) => {
    let image: DecodedRgba | null;
    try {
      image = codec.decode(input);
    } catch (error) {
      throw new UndecodableImageError('corrupt', 'The WebP data cannot be decoded', { cause: error });
    }
    if (!image)
      throw new UndecodableImageError('corrupt', 'The WebP data cannot be decoded (animated, truncated or damaged)');
    return compositeOnWhite(asPixels(image));
  });
}

async function decodeWithLibavif(input: Uint8Array): Promise<Pixels> {
  return withAvifDecoder(({ codec }) => {
    let image: DecodedRgba | null;
    try {
      image = codec.decode(input, 8);
    } catch (error) {
      throw new UndecodableImageError('corrupt', 'The AVIF data cannot be decoded', { cause: error });
    }
    if (!image) throw new UndecodableImageError('corrupt', 'The AVIF data cannot be decoded (truncated or damaged)');
    return compositeOnWhite(asPixels(image));
  });
}

/** The smallest DCT scale whose output still covers `target`, as sharp's shrink-on-load picks it. */
function dctScaleFor(source: Size, target: Size): DctScale {
  for (const scale of [1, 2, 4] as const) {
    if (scaledSize(source.width, scale) >= target.width && scaledSize(source.height, scale) >= target.height)
      return scale;
  }
  return 8;
}

/** A sink that ends at `target` exactly (`exact`) or simply keeps what the decoder produces. */
function sinkFor(decoded: Size, target: Size, exact: boolean): PixelsSink | ResizingSink {
  if (!exact || (decoded.width === target.width && decoded.height === target.height))
    return new PixelsSink(decoded.width, decoded.height);
  // A triangle over the factor left (below 2 for JPEGs, whose DCT scale took the rest) averages
  // every source row into the result, and keeps the ring of rows short.
  return new ResizingSink(decoded.width, decoded.height, target.width, target.height, 'triangle');
}

/**
 * A baseline JPEG decoded at the DCT scale that covers `target` (as `decodeImage` does it), by
 * blocks that another pass reads — the lossless transform's —, so the file is entropy-decoded
 * once for both. `pixels` holds the stored picture once that pass has ended.
 */
export function scaledDecoderAlongside(jpeg: BaselineJpeg, target: Size): { decoder: BlockDecoder; pixels: Pixels } {
  const scale = dctScaleFor(jpeg, target);
  const sink = new PixelsSink(scaledSize(jpeg.width, scale), scaledSize(jpeg.height, scale));
  return { decoder: scaledBlockDecoder(jpeg, scale, sink), pixels: sink.pixels };
}

async function decodeStreaming(
  input: Uint8Array,
  image: Inspection,
  target: Size,
  exact: boolean,
  report: DecodeReport,
): Promise<Pixels> {
  if (image.baselineJpeg) {
    const scale = dctScaleFor(image, target);
    const decoded = { width: scaledSize(image.width, scale), height: scaledSize(image.height, scale) };
    const sink = sinkFor(decoded, target, exact);
    report.extraneousBytes = decodeBaselineJpeg(input, image.baselineJpeg, scale, sink);
    return sink.pixels;
  }
  // HEVC and VP8 have no scaled decoding: a HEIC or WebP is always resized while it streams, never held whole.
  const sink = sinkFor(image, target, exact || image.format !== 'png');
  if (image.heif) await decodeHevcHeif(input, image.heif, sink);
  else if (image.format === 'webp') decodeLossyWebp(input, sink);
  else decodePng(input, new OnWhiteSink(sink, image.width));
  return sink.pixels;
}

/** What a decode found that libjpeg would warn about, though the pixels are whole. */
export interface DecodeReport {
  /**
   * JPEG bytes a reader skips with an "extraneous bytes" warning: left unused at restart markers,
   * or between a progressive file's scans and after them.
   */
  extraneousBytes: number;
}

/**
 * The size a re-encoded original is decoded at: `capped`, unless a progressive JPEG's
 * coefficients at the scale that covers it would not fit COEFFICIENT_STORE_MAX_BYTES; then the
 * largest DCT scale that fits, exactly (a 24 MP progressive photo turned by EXIF: 6 MP).
 */
export function decodableOriginalSize(image: Inspection, capped: Size): Size {
  const frame = image.progressiveJpeg;
  if (!frame) return capped;
  let scale = dctScaleFor(image, capped);
  if (coefficientStoreBytes(frame, scale) <= COEFFICIENT_STORE_MAX_BYTES) return capped;
  while (scale > 1 && coefficientStoreBytes(frame, scale) > COEFFICIENT_STORE_MAX_BYTES)
    scale = (scale / 2) as DctScale;
  return { width: scaledSize(image.width, scale), height: scaledSize(image.height, scale) };
}

function decodeProgressive(
  input: Uint8Array,
  frame: JpegFrame,
  target: Size,
  exact: boolean,
  report: DecodeReport,
): Pixels {
  const scale = dctScaleFor(frame, target);
  const sink = sinkFor(
    { width: scaledSize(frame.width, scale), height: scaledSize(frame.height, scale) },
    target,
    exact,
  );
  report.extraneousBytes = decodeProgressiveJpeg(input, frame, scale, sink);
  return sink.pixels;
}

async function decodeWhole(input: Uint8Array, image: Inspection): Promise<Pixels> {
  if (image.format === 'jpeg') return decodeWithMozjpeg(input);
  if (image.format === 'webp') return decodeWithLibwebp(input);
  // Every PNG and HEIC streams: what is left is AVIF.
  return decodeWithLibavif(input);
}

/**
 * Opaque RGBA in stored orientation, either exactly `target` (`exact`, for a re-encoded original)
 * or at least `target` and as small as the decoder can cheaply make it (for display sizes).
 * `report` receives what a JPEG decoder found that libjpeg would warn about.
 */
export async function decodeImage(
  input: Uint8Array,
  image: Inspection,
  target: Size,
  exact: boolean,
  report: DecodeReport = { extraneousBytes: 0 },
): Promise<Pixels> {
  if (image.decoder === 'streaming') return decodeStreaming(input, image, target, exact, report);
  if (image.progressiveJpeg) return decodeProgressive(input, image.progressiveJpeg, target, exact, report);
  const whole = requireSize(await decodeWhole(input, image), image);
  if (!exact || (whole.width === target.width && whole.height === target.height)) return whole;
  return resize(whole, target.width, target.height, 'triangle');
}
