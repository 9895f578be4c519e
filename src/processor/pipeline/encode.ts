/**
 * JPEG encoding of pixels, all through the streaming encoder: a re-encoded original with the
 * Annex K tables, the display and thumbnail with mozjpeg's. None writes metadata: the files hold
 * JFIF, tables and scans only (plus the source's ICC colour profile, see below); tests check every
 * variant with the metadata stripper as the oracle.
 */
import { readHeif } from '../../shared/image/heif';
import { MARKER, isJpegStart, readSegmentAt } from '../../shared/image/jpeg-segments';
import type { SourceFormat } from './decode';
import { encodeJpeg, MOZJPEG_LIKE } from './jpeg-encoder';
import { ORIGINAL_QUALITY, VARIANT_QUALITY } from './limits';
import { orientedWalk, type Orientation } from './orient';
import type { Pixels } from './pixels';

const ICC_IDENTIFIER = 'ICC_PROFILE\0';

function isIccSegment(bytes: Uint8Array, payloadStart: number, end: number): boolean {
  if (end - payloadStart < ICC_IDENTIFIER.length) return false;
  for (let i = 0; i < ICC_IDENTIFIER.length; i++)
    if (bytes[payloadStart + i] !== ICC_IDENTIFIER.charCodeAt(i)) return false;
  return true;
}

/**
 * The source JPEG's ICC profile segments, whole. Pixels are passed through in the source's colour
 * space (nothing here converts colour), so a Display P3 phone photo needs its profile in every
 * variant to show the same colours as its original. A colour profile describes a colour space,
 * not a person or a place; the metadata stripper keeps it for the same reason.
 */
export function iccProfileSegments(source: Uint8Array, format: SourceFormat): Uint8Array[] {
  if (format === 'heic' || format === 'avif') {
    const heif = readHeif(source);
    return heif.ok && heif.image.icc ? iccAsSegments(heif.image.icc) : [];
  }
  if (format !== 'jpeg' || !isJpegStart(source)) return [];
  const segments: Uint8Array[] = [];
  let at = 2;
  for (;;) {
    const read = readSegmentAt(source, at);
    if (!read.ok || read.segment.end > source.length) return segments;
    const { marker, start, payloadStart, end } = read.segment;
    if (marker === MARKER.SOS || marker === MARKER.EOI) return segments;
    if (marker === MARKER.APP2 && isIccSegment(source, payloadStart, end)) segments.push(source.subarray(start, end));
    at = end;
  }
}

/** A segment holds at most 65 533 payload bytes; the identifier and sequence bytes take 14. */
const ICC_CHUNK = 65_519;

/** A raw ICC profile (a HEIF's `colr` box) as the APP2 segments of ICC.1 Annex B.4. */
function iccAsSegments(profile: Uint8Array): Uint8Array[] {
  const count = Math.ceil(profile.length / ICC_CHUNK);
  if (count === 0 || count > 255) return [];
  const segments: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const chunk = profile.subarray(i * ICC_CHUNK, (i + 1) * ICC_CHUNK);
    const length = 2 + ICC_IDENTIFIER.length + 2 + chunk.length;
    const segment = new Uint8Array(2 + length);
    segment.set([0xff, MARKER.APP2, length >> 8, length & 0xff]);
    for (let c = 0; c < ICC_IDENTIFIER.length; c++) segment[4 + c] = ICC_IDENTIFIER.charCodeAt(c);
    segment.set([i + 1, count], 4 + ICC_IDENTIFIER.length);
    segment.set(chunk, 4 + ICC_IDENTIFIER.length + 2);
    segments.push(segment);
  }
  return segments;
}

/** Inserts segments after SOI and the JFIF APP0 that both encoders write first. */
function withSegmentsAfterJfif(jpeg: Uint8Array, segments: Uint8Array[]): Uint8Array {
  if (segments.length === 0) return jpeg;
  const app0 = readSegmentAt(jpeg, 2);
  const at = app0.ok && app0.segment.marker === MARKER.APP0 ? app0.segment.end : 2;
  const out = new Uint8Array(jpeg.length + segments.reduce((sum, segment) => sum + segment.length, 0));
  out.set(jpeg.subarray(0, at));
  let offset = at;
  for (const segment of segments) {
    out.set(segment, offset);
    offset += segment.length;
  }
  out.set(jpeg.subarray(at), offset);
  return out;
}

/** A variant with the source's ICC profile added after its JFIF segment. */
export function withIcc<T extends { bytes: Uint8Array }>(variant: T, icc: Uint8Array[]): T {
  return { ...variant, bytes: withSegmentsAfterJfif(variant.bytes, icc) };
}

/**
 * A re-encoded original, read through the orientation walk so that no turned copy of the largest
 * image is ever made. `sourceBytesPerPixel` predicts its size: re-encoding a JPEG at about its own
 * quality gives about its own density (a PNG's is capped at a byte per pixel, noise at quality 90).
 */
export function encodeOriginal(
  pixels: Pixels,
  orientation: Orientation,
  icc: Uint8Array[],
  sourceBytesPerPixel: number,
): Uint8Array {
  const walk = orientedWalk(pixels.width, pixels.height, orientation);
  const expectedBytes = Math.min(1, 1.2 * sourceBytesPerPixel) * pixels.width * pixels.height;
  return withSegmentsAfterJfif(encodeJpeg(pixels, ORIGINAL_QUALITY, walk, expectedBytes), icc);
}

/**
 * A display or thumbnail: baseline, 4:2:0 like sharp's default, Huffman tables optimised for the
 * image. mozjpeg's trellis quantisation and progressive scans made files 3–6 % smaller at equal PSNR
 * but cost 2–4× the time (trellis cannot be switched off through @jsquash), and these variants are
 * made while the uploader waits.
 */
export function encodeVariant(pixels: Pixels, icc: Uint8Array[]): Uint8Array {
  const walk = orientedWalk(pixels.width, pixels.height, 1);
  return withSegmentsAfterJfif(encodeJpeg(pixels, VARIANT_QUALITY, walk, undefined, MOZJPEG_LIKE), icc);
}
