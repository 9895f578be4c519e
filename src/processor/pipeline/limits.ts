/**
 * What the processor accepts and produces. docs/image-pipeline.md has the measurements behind
 * each number.
 */
import { variantLongestSide } from '../../shared/images';
import { limits } from '../../shared/limits';

/**
 * The largest image (stored width × height) the processor decodes: the contract's limit. Baseline
 * JPEGs and non-interlaced PNGs stream through decoders whose memory does not grow with it.
 */
export const MAX_PIXELS = limits.upload.maxPixels;

/**
 * The limit for files only a whole-image decoder reads (arithmetic-coded or 12-bit JPEG through
 * mozjpeg, WebP, interlaced PNG): those hold the full RGBA image twice (WASM memory and its
 * JavaScript copy). Measured: 92 MB for 6 MP of noise (the worst case), 122 MB for 8 MP.
 */
export const FULL_DECODE_MAX_PIXELS = limits.upload.maxPixelsWholeDecode;

/** AVIF's own lower limit: libavif's whole-image decode (see shared/limits). */
export const AVIF_MAX_PIXELS = limits.upload.maxPixelsPerFormat.avif;

/**
 * A re-encoded original (PNG, WebP, progressive JPEG, a turned JPEG that cannot be turned
 * losslessly) has at most this many pixels: they must exist at once, 4 bytes each, for the
 * encoder's orientation walk. 12.6 MP keeps every 12 MP phone photo (4080 × 3072 and smaller) at
 * full size. JPEGs that keep their own data or turn losslessly keep their full size anyway.
 */
export const ORIGINAL_MAX_PIXELS = 12_600_000;

export const THUMBNAIL_LONG_SIDE = variantLongestSide.thumbnail;
export const DISPLAY_LONG_SIDE = variantLongestSide.display;

/**
 * 80, with mozjpeg's tables (jpeg-encoder.ts MOZJPEG_LIKE), is visually lossless at these sizes and
 * keeps the most-served bytes small.
 */
export const VARIANT_QUALITY = 80;

/**
 * The original is what people download to keep: 90, at or above the quality of the phone and
 * camera files it is re-encoded from, so a re-encode adds no visible loss.
 */
export const ORIGINAL_QUALITY = 90;

/**
 * The most quantised DCT coefficients the lossless transform may hold (2 bytes each, every block
 * of the file): 48 MB is a 16 MP 4:2:0 photo, about 3 bytes per pixel. Larger turned JPEGs are
 * re-encoded through the streaming decoder instead.
 */
/**
 * The most a progressive JPEG's coefficient store may hold (jpeg-progressive.ts): 40 MB keeps all
 * 64 coefficients of a 12 MP 4:2:0 photo (37 MB with its non-zero bits), so a turned 12 MP
 * progressive photo is re-encoded at full size; with its 49 MB of re-encode pixels and the file
 * that is about 95 MB. Larger ones are decoded for the original at the largest DCT scale that fits.
 */
export const COEFFICIENT_STORE_MAX_BYTES = 40 * 1024 * 1024;

export const LOSSLESS_TRANSFORM_MAX_BYTES = 48 * 1024 * 1024;
