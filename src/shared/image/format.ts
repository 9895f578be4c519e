/**
 * Image format detection and header-only dimension reading.
 *
 * Decides what an upload is from its magic bytes and reads its pixel size from the header without
 * decoding anything, so a hostile "30000×30000" header is answered (and can be refused) before any
 * pixel memory is committed. Reads bytes only by index and never past the header fields it needs;
 * never throws, whatever the input.
 */
import { readHeif } from './heif';
import { isJpegStart, isStartOfFrame, MARKER, readSegmentAt } from './jpeg-segments';

export type SupportedImageFormat = 'jpeg' | 'png' | 'webp' | 'heic' | 'avif';

/**
 * Recognised only so that the rejection can say what the file was (a HEIF whose picture is
 * neither HEVC nor AV1, or an image sequence, is still `heif`/`heic`/`avif` here).
 */
export type UnsupportedImageFormat =
  'heic' | 'heif' | 'avif' | 'jxl' | 'gif' | 'tiff' | 'bmp' | 'svg' | 'xml' | 'text' | 'video' | 'unknown';

/**
 * Width and height are as stored: for a JPEG whose EXIF orientation is 5–8 (or a HEIF turned a
 * quarter by `irot`) the displayed picture is height×width (see orientedSize in exif.ts).
 */
export type SniffResult =
  | { ok: true; format: SupportedImageFormat; width: number; height: number }
  | { ok: false; reason: 'unsupported'; detected: UnsupportedImageFormat }
  | { ok: false; reason: 'truncated' | 'corrupt'; format: SupportedImageFormat };

type DimensionsResult = Extract<SniffResult, { ok: true }> | Extract<SniffResult, { reason: 'truncated' | 'corrupt' }>;

function byteAt(bytes: Uint8Array, offset: number): number {
  return bytes[offset] ?? 0;
}

function uint16BE(bytes: Uint8Array, offset: number): number {
  return byteAt(bytes, offset) * 0x100 + byteAt(bytes, offset + 1);
}

function uint16LE(bytes: Uint8Array, offset: number): number {
  return byteAt(bytes, offset) + byteAt(bytes, offset + 1) * 0x100;
}

function uint24LE(bytes: Uint8Array, offset: number): number {
  return uint16LE(bytes, offset) + byteAt(bytes, offset + 2) * 0x10000;
}

function uint32BE(bytes: Uint8Array, offset: number): number {
  return uint16BE(bytes, offset) * 0x10000 + uint16BE(bytes, offset + 2);
}

function uint32LE(bytes: Uint8Array, offset: number): number {
  return uint16LE(bytes, offset) + uint16LE(bytes, offset + 2) * 0x10000;
}

function hasAscii(bytes: Uint8Array, offset: number, text: string): boolean {
  if (offset + text.length > bytes.length) return false;
  for (let i = 0; i < text.length; i++) {
    if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  }
  return true;
}

function hasBytes(bytes: Uint8Array, offset: number, expected: readonly number[]): boolean {
  if (offset + expected.length > bytes.length) return false;
  return expected.every((value, i) => bytes[offset + i] === value);
}

function asciiAt(bytes: Uint8Array, offset: number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(byteAt(bytes, offset + i));
  return text;
}

function measured(format: SupportedImageFormat, width: number, height: number): DimensionsResult {
  if (width < 1 || height < 1) return { ok: false, reason: 'corrupt', format };
  return { ok: true, format, width, height };
}

function truncated(format: SupportedImageFormat): DimensionsResult {
  return { ok: false, reason: 'truncated', format };
}

function corrupt(format: SupportedImageFormat): DimensionsResult {
  return { ok: false, reason: 'corrupt', format };
}

/** Walks marker segments by their lengths to the first frame header, reading 4 bytes per segment. */
function jpegDimensions(bytes: Uint8Array): DimensionsResult {
  let pos = 2;
  for (;;) {
    const read = readSegmentAt(bytes, pos);
    if (!read.ok) return { ok: false, reason: read.problem, format: 'jpeg' };
    const { marker, payloadStart, end } = read.segment;
    if (isStartOfFrame(marker)) {
      // Frame header: sample precision (1 byte), then height and width (2 bytes each).
      if (end - payloadStart < 5) return corrupt('jpeg');
      if (payloadStart + 5 > bytes.length) return truncated('jpeg');
      return measured('jpeg', uint16BE(bytes, payloadStart + 3), uint16BE(bytes, payloadStart + 1));
    }
    // Image data or the end of the image before any frame header: nothing says how big it is.
    if (marker === MARKER.SOS || marker === MARKER.EOI) return corrupt('jpeg');
    pos = end;
  }
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;
const PNG_IHDR_LENGTH = 13;
const PNG_MAX_DIMENSION = 0x7fffffff;

/** The first chunk must be IHDR: length 13, then width and height as 4-byte big-endian values. */
function pngDimensions(bytes: Uint8Array): DimensionsResult {
  if (bytes.length < 16) return truncated('png');
  if (uint32BE(bytes, 8) !== PNG_IHDR_LENGTH || !hasAscii(bytes, 12, 'IHDR')) return corrupt('png');
  if (bytes.length < 24) return truncated('png');
  const width = uint32BE(bytes, 16);
  const height = uint32BE(bytes, 20);
  if (width > PNG_MAX_DIMENSION || height > PNG_MAX_DIMENSION) return corrupt('png');
  return measured('png', width, height);
}

const WEBP_CHUNK_DATA = 20;
const VP8_START_CODE = [0x9d, 0x01, 0x2a] as const;
const VP8L_SIGNATURE = 0x2f;

/** Lossy bitstream: a key frame's header carries 14-bit sizes (the top 2 bits are upscaling hints). */
function vp8Dimensions(bytes: Uint8Array): DimensionsResult {
  const p = WEBP_CHUNK_DATA;
  if (bytes.length < p + 10) return truncated('webp');
  const isKeyFrame = (byteAt(bytes, p) & 0x01) === 0;
  if (!isKeyFrame || !hasBytes(bytes, p + 3, VP8_START_CODE)) return corrupt('webp');
  return measured('webp', uint16LE(bytes, p + 6) & 0x3fff, uint16LE(bytes, p + 8) & 0x3fff);
}

/** Lossless bitstream: signature byte, then width−1 and height−1 as 14-bit fields and a 3-bit version. */
function vp8lDimensions(bytes: Uint8Array): DimensionsResult {
  const p = WEBP_CHUNK_DATA;
  if (bytes.length < p + 5) return truncated('webp');
  if (byteAt(bytes, p) !== VP8L_SIGNATURE) return corrupt('webp');
  const bits = uint32LE(bytes, p + 1);
  const version = Math.floor(bits / 2 ** 29);
  if (version !== 0) return corrupt('webp');
  return measured('webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
}

/** Extended format: flags and reserved bytes, then canvas width−1 and height−1 as 24-bit values. */
function vp8xDimensions(bytes: Uint8Array): DimensionsResult {
  const p = WEBP_CHUNK_DATA;
  if (bytes.length < p + 10) return truncated('webp');
  return measured('webp', uint24LE(bytes, p + 4) + 1, uint24LE(bytes, p + 7) + 1);
}

function webpDimensions(bytes: Uint8Array): DimensionsResult {
  if (bytes.length < 16) return truncated('webp');
  if (hasAscii(bytes, 12, 'VP8 ')) return vp8Dimensions(bytes);
  if (hasAscii(bytes, 12, 'VP8L')) return vp8lDimensions(bytes);
  if (hasAscii(bytes, 12, 'VP8X')) return vp8xDimensions(bytes);
  return corrupt('webp');
}

const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
const HEIF_BRANDS = new Set(['mif1', 'msf1', 'mif2']);
const VIDEO_BRAND_PREFIXES = ['iso', 'mp4', 'avc1', 'M4V', 'qt  ', '3gp', '3g2', 'dash'];
const MAX_COMPATIBLE_BRANDS = 32;

/** ISO base media files (HEIF, AVIF, MP4, MOV) declare what they are in the brands of their ftyp box. */
function classifyFtypBrands(bytes: Uint8Array): UnsupportedImageFormat {
  if (bytes.length < 12) return 'unknown';
  const boxEnd = Math.min(uint32BE(bytes, 0), bytes.length, 16 + 4 * MAX_COMPATIBLE_BRANDS);
  const brands = [asciiAt(bytes, 8, 4)];
  for (let offset = 16; offset + 4 <= boxEnd; offset += 4) brands.push(asciiAt(bytes, offset, 4));
  // The major brand decides; compatible brands only refine a generic HEIF major brand.
  const major = brands[0] ?? '';
  if (AVIF_BRANDS.has(major)) return 'avif';
  if (HEIC_BRANDS.has(major)) return 'heic';
  if (brands.some((brand) => AVIF_BRANDS.has(brand))) return 'avif';
  if (brands.some((brand) => HEIC_BRANDS.has(brand))) return 'heic';
  if (brands.some((brand) => HEIF_BRANDS.has(brand))) return 'heif';
  if (VIDEO_BRAND_PREFIXES.some((prefix) => major.startsWith(prefix))) return 'video';
  return 'unknown';
}

const BMP_DIB_HEADER_SIZES = new Set([12, 16, 40, 52, 56, 64, 108, 124]);

/** "BM" alone is too weak (plenty of text starts with it), so the DIB header size must also fit. */
function isBmp(bytes: Uint8Array): boolean {
  return hasAscii(bytes, 0, 'BM') && bytes.length >= 18 && BMP_DIB_HEADER_SIZES.has(uint32LE(bytes, 14));
}

function isTiff(bytes: Uint8Array): boolean {
  // Classic TIFF (42) and BigTIFF (43), in either byte order.
  return (
    hasBytes(bytes, 0, [0x49, 0x49, 0x2a, 0x00]) ||
    hasBytes(bytes, 0, [0x4d, 0x4d, 0x00, 0x2a]) ||
    hasBytes(bytes, 0, [0x49, 0x49, 0x2b, 0x00]) ||
    hasBytes(bytes, 0, [0x4d, 0x4d, 0x00, 0x2b])
  );
}

function isJpegXl(bytes: Uint8Array): boolean {
  const codestream = hasBytes(bytes, 0, [0xff, 0x0a]);
  const container = hasBytes(bytes, 0, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a]);
  return codestream || container;
}

const TEXT_WINDOW = 4096;

/** Length of the UTF-8 sequence starting at `offset`, 0 if invalid; a sequence cut off by the window end counts as valid. */
function utf8SequenceLength(bytes: Uint8Array, offset: number, limit: number): number {
  const lead = byteAt(bytes, offset);
  const length =
    lead < 0x80
      ? 1
      : lead >= 0xc2 && lead <= 0xdf
        ? 2
        : lead >= 0xe0 && lead <= 0xef
          ? 3
          : lead >= 0xf0 && lead <= 0xf4
            ? 4
            : 0;
  for (let i = 1; i < length && offset + i < limit; i++) {
    if ((byteAt(bytes, offset + i) & 0xc0) !== 0x80) return 0;
  }
  return length;
}

function isControlCharacter(byte: number): boolean {
  const isWhitespaceControl = byte === 0x09 || byte === 0x0a || byte === 0x0c || byte === 0x0d;
  return (byte < 0x20 && !isWhitespaceControl) || byte === 0x7f;
}

/** Valid UTF-8 with no control characters other than whitespace, judged on the first few KiB. */
function looksLikeText(bytes: Uint8Array, from: number): boolean {
  const limit = Math.min(bytes.length, from + TEXT_WINDOW);
  if (limit <= from) return false;
  for (let offset = from; offset < limit;) {
    if (isControlCharacter(byteAt(bytes, offset))) return false;
    const length = utf8SequenceLength(bytes, offset, limit);
    if (length === 0) return false;
    offset += length;
  }
  return true;
}

function containsAsciiIgnoringCase(bytes: Uint8Array, from: number, limit: number, needle: string): boolean {
  for (let offset = from; offset + needle.length <= limit; offset++) {
    let matches = true;
    for (let i = 0; i < needle.length && matches; i++) {
      // Setting bit 0x20 lower-cases ASCII letters and leaves '<' alone.
      matches = (byteAt(bytes, offset + i) | 0x20) === (needle.charCodeAt(i) | 0x20);
    }
    if (matches) return true;
  }
  return false;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

function classifyText(bytes: Uint8Array): UnsupportedImageFormat {
  let from = hasBytes(bytes, 0, UTF8_BOM) ? UTF8_BOM.length : 0;
  if (!looksLikeText(bytes, from)) return 'unknown';
  const limit = Math.min(bytes.length, from + TEXT_WINDOW);
  while (from < limit && [0x09, 0x0a, 0x0c, 0x0d, 0x20].includes(byteAt(bytes, from))) from++;
  if (byteAt(bytes, from) !== 0x3c /* '<' */) return 'text';
  // SVG usually hides behind an XML declaration, comments and a doctype, so look past the start.
  if (containsAsciiIgnoringCase(bytes, from, limit, '<svg')) return 'svg';
  if (hasAscii(bytes, from, '<?xml')) return 'xml';
  return 'text';
}

function detectUnsupported(bytes: Uint8Array): UnsupportedImageFormat {
  if (hasAscii(bytes, 4, 'ftyp')) return classifyFtypBrands(bytes);
  if (hasAscii(bytes, 0, 'GIF87a') || hasAscii(bytes, 0, 'GIF89a')) return 'gif';
  if (isTiff(bytes)) return 'tiff';
  if (isBmp(bytes)) return 'bmp';
  if (isJpegXl(bytes)) return 'jxl';
  return classifyText(bytes);
}

/**
 * A HEIF file whose primary picture is HEVC (HEIC) or AV1 (AVIF) coded, judged by that item, not
 * only by the brands: its size is the primary item's (a grid's output size), read from `meta`.
 */
function heifDimensions(bytes: Uint8Array, brand: UnsupportedImageFormat): SniffResult {
  const claimed: SupportedImageFormat = brand === 'avif' ? 'avif' : 'heic';
  const read = readHeif(bytes);
  if (!read.ok) {
    // A generic HEIF brand promises no picture at all (image sequences use it too).
    if (read.problem === 'unsupported' || brand === 'heif')
      return { ok: false, reason: 'unsupported', detected: brand };
    return { ok: false, reason: read.problem, format: claimed };
  }
  return measured(read.image.codec === 'av1' ? 'avif' : 'heic', read.image.width, read.image.height);
}

const HEIF_FAMILY = new Set<UnsupportedImageFormat>(['heic', 'heif', 'avif']);

/** Identifies the format and reads the stored pixel size from the header alone. */
export function sniffImage(bytes: Uint8Array): SniffResult {
  if (isJpegStart(bytes) && bytes[2] === 0xff) return jpegDimensions(bytes);
  if (hasBytes(bytes, 0, PNG_SIGNATURE)) return pngDimensions(bytes);
  if (hasAscii(bytes, 0, 'RIFF') && hasAscii(bytes, 8, 'WEBP')) return webpDimensions(bytes);
  const detected = detectUnsupported(bytes);
  if (HEIF_FAMILY.has(detected)) return heifDimensions(bytes, detected);
  return { ok: false, reason: 'unsupported', detected };
}
