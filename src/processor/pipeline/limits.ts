/**
 * What the processor accepts and produces. docs/image-pipeline.md has the measurements behind
 * each number.
 */
import { variantLongestSide } from '../../shared/images';

/**
 * The largest image (stored width × height) the processor decodes. Above it a job fails before
 * any decoding, whatever the API let through.
 */
export const MAX_PIXELS = 50_000_000;

export const THUMBNAIL_LONG_SIDE = variantLongestSide.thumbnail;
export const DISPLAY_LONG_SIDE = variantLongestSide.display;

/** mozjpeg at 80 is visually lossless at these sizes and keeps the most-served bytes small. */
export const VARIANT_QUALITY = 80;

/**
 * The original is what people download to keep: 90, at or above the quality of the phone and
 * camera files it is re-encoded from, so a re-encode adds no visible loss.
 */
export const ORIGINAL_QUALITY = 90;
