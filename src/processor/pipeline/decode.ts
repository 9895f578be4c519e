/**
 * Decoding, with every refusal made before any pixel memory is committed where it can be.
 */
import { sniffImage } from '../../shared/image/format';
import { checkJpegIntegrity } from '../../shared/image/jpeg-segments';
import { withJpegDecoder, withWebpDecoder, type DecodedRgba } from './codecs';
import { UndecodableImageError } from './errors';
import { MAX_PIXELS } from './limits';
import { compositeOnWhite, type Pixels } from './pixels';
import { decodePng } from './png-decoder';

export type SourceFormat = 'jpeg' | 'png' | 'webp';

/**
 * libjpeg reports data it could not decode only as warnings, then fills the rest of the picture
 * with grey and "succeeds". These are the warnings that mean pixels are missing.
 */
const JPEG_DATA_LOSS = /premature end|corrupt jpeg data: (?!\d+ extraneous bytes)|huffman/i;

/** Stored (not oriented) size from the header; refuses what cannot or must not be decoded. */
export function checkHeader(input: Uint8Array, format: SourceFormat): { width: number; height: number } {
  const sniffed = sniffImage(input);
  if (!sniffed.ok) {
    const reason = sniffed.reason === 'truncated' ? 'truncated' : sniffed.reason === 'corrupt' ? 'corrupt' : 'format-mismatch';
    throw new UndecodableImageError(reason, `The file is not a readable ${format.toUpperCase()} image (${sniffed.reason})`);
  }
  if (sniffed.format !== format) {
    throw new UndecodableImageError('format-mismatch', `The file is ${sniffed.format.toUpperCase()}, not ${format.toUpperCase()}`);
  }
  if (sniffed.width * sniffed.height > MAX_PIXELS) {
    throw new UndecodableImageError(
      'too-many-pixels',
      `The image has ${sniffed.width}×${sniffed.height} pixels; the processor accepts at most ${MAX_PIXELS / 1e6} megapixels`,
    );
  }
  return { width: sniffed.width, height: sniffed.height };
}

/** A view of the codec's result as our pixel type, without copying. */
function asPixels(image: DecodedRgba): Pixels {
  return { data: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength), width: image.width, height: image.height };
}

function requireSize(pixels: Pixels, expected: { width: number; height: number }): Pixels {
  if (pixels.width !== expected.width || pixels.height !== expected.height) {
    throw new UndecodableImageError('corrupt', 'The decoded image does not have the size its header announces');
  }
  return pixels;
}

async function decodeJpeg(input: Uint8Array): Promise<Pixels> {
  const integrity = checkJpegIntegrity(input);
  if (!integrity.ok) {
    const reason = integrity.problem === 'corrupt' ? 'corrupt' : 'truncated';
    throw new UndecodableImageError(reason, `The JPEG data is incomplete (${integrity.problem})`);
  }
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

async function decodeWebp(input: Uint8Array): Promise<Pixels> {
  return withWebpDecoder(({ codec }) => {
    let image: DecodedRgba | null;
    try {
      image = codec.decode(input);
    } catch (error) {
      throw new UndecodableImageError('corrupt', 'The WebP data cannot be decoded', { cause: error });
    }
    if (!image) throw new UndecodableImageError('corrupt', 'The WebP data cannot be decoded (animated, truncated or damaged)');
    return asPixels(image);
  });
}

/** Full-resolution RGBA in stored orientation, opaque (transparency flattened onto white). */
export async function decodeImage(input: Uint8Array, format: SourceFormat): Promise<Pixels> {
  const size = checkHeader(input, format);
  switch (format) {
    case 'jpeg':
      return requireSize(await decodeJpeg(input), size);
    case 'png':
      return requireSize(compositeOnWhite(await decodePng(input)), size);
    case 'webp':
      return requireSize(compositeOnWhite(await decodeWebp(input)), size);
  }
}
