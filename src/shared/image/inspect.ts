/**
 * What an upload is and whether the processor can decode it within its memory, from the headers
 * alone. The upload route and the processor both call `inspectImage`, so a file the API accepts is
 * one the processor takes, and the limits `GET /instance` publishes are the ones applied here.
 *
 * The pixel limit depends on the decoder a file needs, which depends on how it is coded, not only
 * on its format: a baseline JPEG streams one MCU row at a time, a progressive one keeps the low
 * frequencies of every block until its last scan; a PNG streams, interlaced or not; a lossy WebP streams, a lossless or transparent one
 * is decoded whole by libwebp. Pure and dependency-free (headers read by index), so it runs
 * unchanged in both Workers and in Node.
 */
import { sniffImage, type SniffResult, type SupportedImageFormat } from './format';
import { isStartOfFrame, MARKER, readSegmentAt } from './jpeg-segments';
import { limits } from '../limits';

/** How a file is coded, as far as its decoder (and so its pixel limit) is concerned. */
export type ImageCoding = keyof typeof limits.upload.maxPixelsPerFormat;

export type JpegColour = 'grey' | 'ycbcr' | 'rgb' | 'cmyk' | 'ycck';

export interface InspectedImage {
  format: SupportedImageFormat;
  coding: ImageCoding;
  /** As stored (before EXIF orientation or HEIF transforms). */
  width: number;
  height: number;
  /** The most pixels the processor accepts for this coding (the published limit). */
  maxPixels: number;
  /** How the processor decodes it, which decides what its memory grows with. */
  decoder: ImageDecoder;
  /** For JPEGs: the colour model of the components (CMYK and YCCK are converted to sRGB). */
  jpegColour: JpegColour | null;
}

export type Inspection =
  | ({ ok: true } & InspectedImage)
  | Exclude<SniffResult, { ok: true }>
  | ({ ok: false; reason: 'too-many-pixels'; description: string } & InspectedImage);

/**
 * `streaming`: rows flow out as they are decoded, memory independent of the size (baseline JPEG,
 * PNG — an interlaced one through one inflater per Adam7 pass —, lossy WebP, HEIC tile rows). `coefficients`: a progressive JPEG's scans are kept as the few low
 * frequencies the scaled output reads (jpeg-progressive.ts). `whole`: a WASM codec holds the full
 * RGBA image, so the coding gets a lower limit.
 */
export type ImageDecoder = 'streaming' | 'coefficients' | 'whole';

/** What each coding is called in a refusal. */
export const CODING_NAMES: Record<ImageCoding, string> = {
  jpeg: 'JPEG',
  jpegProgressive: 'progressive JPEG',
  jpegOther: 'arithmetic-coded, lossless or 12-bit JPEG',
  png: 'PNG',
  pngInterlaced: 'interlaced PNG',
  webp: 'WebP',
  webpAlpha: 'transparent or animated WebP',
  webpLossless: 'lossless WebP',
  heic: 'HEIC',
  avif: 'AVIF',
};

const DECODERS: Record<ImageCoding, ImageDecoder> = {
  jpeg: 'streaming',
  jpegProgressive: 'coefficients',
  jpegOther: 'whole',
  png: 'streaming',
  pngInterlaced: 'streaming',
  webp: 'streaming',
  webpAlpha: 'whole',
  webpLossless: 'whole',
  heic: 'streaming',
  avif: 'whole',
};

interface JpegLayout {
  /**
   * `jpeg`: one interleaved sequential Huffman scan of 8-bit samples, the streaming decoder's
   * scope; `jpegProgressive`: progressive Huffman of 8-bit samples, the coefficient decoder's;
   * `jpegOther`: anything else, left to mozjpeg.
   */
  coding: 'jpeg' | 'jpegProgressive' | 'jpegOther';
  colour: JpegColour;
}

const isSamplingFactor = (value: number): boolean => value === 1 || value === 2 || value === 4;

/** The colour model of a JPEG's components, by their count, the Adobe transform flag and their ids. */
export function jpegColourOf(componentIds: number[], adobeTransform: number | null): JpegColour {
  if (componentIds.length === 1) return 'grey';
  if (componentIds.length === 4) return adobeTransform === 2 ? 'ycck' : 'cmyk';
  if (adobeTransform !== null) return adobeTransform === 0 ? 'rgb' : 'ycbcr';
  return String.fromCharCode(...componentIds) === 'RGB' ? 'rgb' : 'ycbcr';
}

/**
 * Walks the segments to the first scan. The streaming decoder reads SOF0/SOF1 files of 8-bit
 * samples whose first scan holds every component, sampled by powers of two: what cameras, phones
 * and print workflows write; the coefficient decoder reads SOF2 (progressive Huffman) files of the
 * same kind: what editors and web tools export. Anything else (arithmetic, lossless, 12-bit, one
 * scan per component) goes to the whole-image decoder.
 */
function jpegLayout(bytes: Uint8Array): JpegLayout {
  let at = 2;
  let adobeTransform: number | null = null;
  let frame: { marker: number; precision: number; ids: number[]; factorsOk: boolean } | null = null;
  for (;;) {
    const read = readSegmentAt(bytes, at);
    if (!read.ok || read.segment.end > bytes.length) return { coding: 'jpegOther', colour: 'ycbcr' };
    const { marker, payloadStart: p, end } = read.segment;
    if (marker === MARKER.APP14 && end - p >= 12 && String.fromCharCode(...bytes.subarray(p, p + 5)) === 'Adobe')
      adobeTransform = bytes[p + 11] ?? null;
    else if (isStartOfFrame(marker) && frame === null) {
      const count = bytes[p + 5] ?? 0;
      const ids: number[] = [];
      let factorsOk = true;
      for (let i = 0; i < count; i++) {
        ids.push(bytes[p + 6 + i * 3] ?? 0);
        const factors = bytes[p + 7 + i * 3] ?? 0;
        factorsOk &&= isSamplingFactor(factors >> 4) && isSamplingFactor(factors & 15);
      }
      frame = { marker, precision: bytes[p] ?? 0, ids, factorsOk };
    } else if (marker === MARKER.SOS || marker === MARKER.EOI) {
      if (!frame) return { coding: 'jpegOther', colour: 'ycbcr' };
      const colour = jpegColourOf(frame.ids, adobeTransform);
      const readable =
        marker === MARKER.SOS && frame.precision === 8 && [1, 3, 4].includes(frame.ids.length) && frame.factorsOk;
      if (readable && (frame.marker === 0xc0 || frame.marker === 0xc1) && bytes[p] === frame.ids.length)
        return { coding: 'jpeg', colour };
      return { coding: readable && frame.marker === 0xc2 ? 'jpegProgressive' : 'jpegOther', colour };
    }
    at = end;
  }
}

/** Colour type, then compression, filter and interlace method, after width and height in IHDR. */
const PNG_INTERLACE_OFFSET = 28;

/** VP8X feature flags (byte 20): an alpha channel, an animation. */
const VP8X_ALPHA = 0x10;
const VP8X_ANIMATION = 0x02;

/**
 * Lossy (one `VP8 ` frame, no transparency: what phones and cameras write, streamed), lossy with
 * transparency or animated (libwebp), or lossless (libwebp).
 */
function webpCoding(bytes: Uint8Array): 'webp' | 'webpAlpha' | 'webpLossless' {
  const chunk = String.fromCharCode(...bytes.subarray(12, 16));
  if (chunk === 'VP8L') return 'webpLossless';
  if (chunk !== 'VP8X') return 'webp';
  const flags = bytes[20] ?? 0;
  let coding: 'webp' | 'webpAlpha' = flags & (VP8X_ALPHA | VP8X_ANIMATION) ? 'webpAlpha' : 'webp';
  // An extended file names its image chunk after the optional ICCP/ANIM/ALPH chunks.
  for (let at = 30; at + 8 <= bytes.length;) {
    const name = String.fromCharCode(...bytes.subarray(at, at + 4));
    if (name === 'VP8L') return 'webpLossless';
    if (name === 'VP8 ') return coding;
    if (name === 'ALPH' || name === 'ANIM' || name === 'ANMF') coding = 'webpAlpha';
    const size =
      (bytes[at + 4] ?? 0) | ((bytes[at + 5] ?? 0) << 8) | ((bytes[at + 6] ?? 0) << 16) | ((bytes[at + 7] ?? 0) << 24);
    at += 8 + (size >>> 0) + (size & 1);
  }
  return coding;
}

function codingOf(bytes: Uint8Array, format: SupportedImageFormat, layout: JpegLayout | null): ImageCoding {
  switch (format) {
    case 'jpeg':
      return layout?.coding ?? 'jpegOther';
    case 'png':
      return bytes[PNG_INTERLACE_OFFSET] === 1 ? 'pngInterlaced' : 'png';
    case 'webp':
      return webpCoding(bytes);
    default:
      return format;
  }
}

/** Format, size and decoder of an upload, and whether it is within the processor's limits; never throws. */
export function inspectImage(bytes: Uint8Array): Inspection {
  const sniffed = sniffImage(bytes);
  if (!sniffed.ok) return sniffed;
  const layout = sniffed.format === 'jpeg' ? jpegLayout(bytes) : null;
  const coding = codingOf(bytes, sniffed.format, layout);
  const maxPixels = limits.upload.maxPixelsPerFormat[coding];
  const image: InspectedImage = {
    format: sniffed.format,
    coding,
    width: sniffed.width,
    height: sniffed.height,
    maxPixels,
    decoder: DECODERS[coding],
    jpegColour: layout?.colour ?? null,
  };
  const { maxSidePixels } = limits.upload;
  if (image.width > maxSidePixels || image.height > maxSidePixels) {
    const description = `Photos are limited to ${maxSidePixels} pixels on a side`;
    return { ok: false, reason: 'too-many-pixels', description, ...image };
  }
  if (image.width * image.height <= maxPixels) return { ok: true, ...image };
  const megapixels = maxPixels / 1e6;
  const description =
    maxPixels === limits.upload.maxPixels
      ? `Photos are limited to ${megapixels} megapixels`
      : `${CODING_NAMES[coding]} photos are limited to ${megapixels} megapixels`;
  return { ok: false, reason: 'too-many-pixels', description, ...image };
}
