/**
 * Structural walking of JPEG files without decoding them.
 *
 * A JPEG is SOI, then marker segments (tables, frame header, application data), then one or more
 * scans (an SOS segment followed by entropy-coded data, which may contain RST markers and 0xFF00
 * byte stuffing), then EOI. Anything after EOI is not part of the image: cameras and phones put
 * previews, depth maps, gain maps and even videos there.
 *
 * Pure and dependency-free so it runs unchanged in workerd and Node.
 */

export const MARKER = {
  SOI: 0xd8,
  EOI: 0xd9,
  SOS: 0xda,
  DQT: 0xdb,
  DNL: 0xdc,
  DRI: 0xdd,
  DHP: 0xde,
  EXP: 0xdf,
  DHT: 0xc4,
  JPG: 0xc8,
  DAC: 0xcc,
  APP0: 0xe0,
  APP1: 0xe1,
  APP2: 0xe2,
  APP14: 0xee,
  COM: 0xfe,
  TEM: 0x01,
} as const;

export interface JpegSegment {
  marker: number;
  /** Offset of the 0xFF that introduces the marker code (after any fill bytes). */
  start: number;
  /** First payload byte, just past the 2-byte length; equals `end` for standalone markers. */
  payloadStart: number;
  /** Offset just past the segment as its length field declares; may exceed the data when truncated. */
  end: number;
}

export type SegmentRead = { ok: true; segment: JpegSegment } | { ok: false; problem: 'truncated' | 'corrupt' };

export function isJpegStart(bytes: Uint8Array): boolean {
  return bytes[0] === 0xff && bytes[1] === MARKER.SOI;
}

/** SOF0–SOF15, excluding the three codes in that range that are not frame headers. */
export function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== MARKER.DHT && marker !== MARKER.JPG && marker !== MARKER.DAC;
}

function isStandalone(marker: number): boolean {
  return marker === MARKER.TEM || (marker >= 0xd0 && marker <= MARKER.EOI);
}

function isRestart(marker: number): boolean {
  return marker >= 0xd0 && marker <= 0xd7;
}

function readUint16BE(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
}

/**
 * Reads the marker at `pos` (which must be 0xFF, optionally followed by more 0xFF fill bytes) and,
 * unless it is standalone, its length. Only the marker and length bytes are touched, so a segment
 * that claims more bytes than exist is still reported: the caller decides whether it needs them.
 */
export function readSegmentAt(bytes: Uint8Array, pos: number): SegmentRead {
  if (pos >= bytes.length) return { ok: false, problem: 'truncated' };
  if (bytes[pos] !== 0xff) return { ok: false, problem: 'corrupt' };
  let codeAt = pos + 1;
  while (codeAt < bytes.length && bytes[codeAt] === 0xff) codeAt++;
  if (codeAt >= bytes.length) return { ok: false, problem: 'truncated' };
  const marker = bytes[codeAt] ?? 0;
  const start = codeAt - 1;
  // 0xFF00 is byte stuffing, which only exists inside entropy-coded data.
  if (marker === 0x00) return { ok: false, problem: 'corrupt' };
  if (isStandalone(marker)) {
    return { ok: true, segment: { marker, start, payloadStart: codeAt + 1, end: codeAt + 1 } };
  }
  if (codeAt + 2 >= bytes.length) return { ok: false, problem: 'truncated' };
  const length = readUint16BE(bytes, codeAt + 1);
  // The length counts its own two bytes, so anything smaller cannot be valid.
  if (length < 2) return { ok: false, problem: 'corrupt' };
  return { ok: true, segment: { marker, start, payloadStart: codeAt + 3, end: codeAt + 1 + length } };
}

/** Markers that legitimately end a run of entropy-coded data; any other 0xFFxx there is damage. */
function endsEntropyCodedData(marker: number): boolean {
  return (
    marker === MARKER.EOI ||
    marker === MARKER.SOS ||
    marker === MARKER.DHT ||
    marker === MARKER.DAC ||
    marker === MARKER.DQT ||
    marker === MARKER.DNL ||
    marker === MARKER.DRI ||
    marker === MARKER.COM ||
    (marker >= MARKER.APP0 && marker <= 0xef)
  );
}

interface EntropyRun {
  /** Offset of the 0xFF of the marker that ends the run, or the data length if none does. */
  end: number;
  restartMarkers: number;
}

function scanEntropyCodedData(bytes: Uint8Array, from: number): EntropyRun {
  let restartMarkers = 0;
  let pos = from;
  for (;;) {
    const ff = bytes.indexOf(0xff, pos);
    if (ff < 0) return { end: bytes.length, restartMarkers };
    let codeAt = ff + 1;
    while (codeAt < bytes.length && bytes[codeAt] === 0xff) codeAt++;
    if (codeAt >= bytes.length) return { end: bytes.length, restartMarkers };
    const code = bytes[codeAt] ?? 0;
    if (isRestart(code)) restartMarkers++;
    if (endsEntropyCodedData(code)) return { end: codeAt - 1, restartMarkers };
    pos = codeAt + 1;
  }
}

type JpegPart =
  { kind: 'segment'; segment: JpegSegment } | { kind: 'entropy'; start: number; end: number; restartMarkers: number };

interface JpegLayout {
  /** Everything from just after SOI up to and including EOI, in file order. */
  parts: JpegPart[];
  ending: 'eoi' | 'truncated' | 'corrupt';
  scanCount: number;
}

/**
 * Walks the whole file: marker segments are skipped by their declared length (so an EOI inside an
 * embedded EXIF thumbnail is never mistaken for the image's own), entropy-coded data is scanned for
 * the next real marker, and the walk stops at the first EOI that follows it.
 */
function readJpegLayout(bytes: Uint8Array): JpegLayout {
  const parts: JpegPart[] = [];
  let scanCount = 0;
  if (!isJpegStart(bytes)) return { parts, ending: 'corrupt', scanCount };
  let pos = 2;
  for (;;) {
    const read = readSegmentAt(bytes, pos);
    if (!read.ok) return { parts, ending: read.problem, scanCount };
    const { segment } = read;
    if (segment.end > bytes.length) return { parts, ending: 'truncated', scanCount };
    parts.push({ kind: 'segment', segment });
    if (segment.marker === MARKER.EOI) return { parts, ending: 'eoi', scanCount };
    pos = segment.end;
    if (segment.marker === MARKER.SOS) {
      scanCount++;
      const run = scanEntropyCodedData(bytes, pos);
      parts.push({ kind: 'entropy', start: pos, end: run.end, restartMarkers: run.restartMarkers });
      if (run.end >= bytes.length) return { parts, ending: 'truncated', scanCount };
      pos = run.end;
    }
  }
}

/**
 * True when the image's own EOI is present after at least one scan.
 *
 * Rule: bytes after that EOI are ignored rather than treated as damage, because cameras routinely
 * append previews (this corpus's Olympus file), MPF secondary images, gain maps and motion-photo
 * videos there; checking only the last two bytes of the file would reject those and would also
 * accept a truncated file that happens to carry an appended preview.
 */
export function hasEndOfImage(bytes: Uint8Array): boolean {
  const layout = readJpegLayout(bytes);
  return layout.ending === 'eoi' && layout.scanCount > 0;
}

export type JpegIntegrity =
  { ok: true } | { ok: false; problem: 'corrupt' | 'truncated' | 'missing-restart-intervals' };

interface FrameComponent {
  id: number;
  h: number;
  v: number;
}

interface Frame {
  width: number;
  height: number;
  components: FrameComponent[];
}

function parseFrame(bytes: Uint8Array, segment: JpegSegment): Frame {
  const p = segment.payloadStart;
  const count = bytes[p + 5] ?? 0;
  const components: FrameComponent[] = [];
  for (let i = 0; i < count && p + 6 + i * 3 + 2 < segment.end; i++) {
    const sampling = bytes[p + 7 + i * 3] ?? 0;
    components.push({ id: bytes[p + 6 + i * 3] ?? 0, h: sampling >> 4, v: sampling & 0x0f });
  }
  return { height: readUint16BE(bytes, p + 1), width: readUint16BE(bytes, p + 3), components };
}

/**
 * How many restart intervals a scan must contain: an interleaved scan counts MCUs of the largest
 * sampling factors, a single-component scan counts that component's 8×8 blocks (ITU T.81 A.2).
 * Returns null when the headers are too odd to tell.
 */
function codingUnitsInScan(frame: Frame, scanComponentIds: number[]): number | null {
  const hMax = Math.max(...frame.components.map((c) => c.h));
  const vMax = Math.max(...frame.components.map((c) => c.v));
  if (frame.width === 0 || frame.height === 0 || !(hMax > 0) || !(vMax > 0)) return null;
  if (scanComponentIds.length > 1) {
    return Math.ceil(frame.width / (8 * hMax)) * Math.ceil(frame.height / (8 * vMax));
  }
  const component = frame.components.find((c) => c.id === scanComponentIds[0]);
  if (!component || component.h === 0 || component.v === 0) return null;
  const blocksWide = Math.ceil(Math.ceil((frame.width * component.h) / hMax) / 8);
  const blocksHigh = Math.ceil(Math.ceil((frame.height * component.v) / vMax) / 8);
  return blocksWide * blocksHigh;
}

function scanComponentIds(bytes: Uint8Array, sos: JpegSegment): number[] {
  const count = bytes[sos.payloadStart] ?? 0;
  const ids: number[] = [];
  for (let i = 0; i < count && sos.payloadStart + 1 + i * 2 < sos.end; i++) {
    ids.push(bytes[sos.payloadStart + 1 + i * 2] ?? 0);
  }
  return ids;
}

/**
 * Decode-free completeness check. Beyond a missing EOI it catches data lost from the middle of a
 * scan when the encoder used restart intervals: every interval but the last ends in an RST marker,
 * so fewer markers than intervals means entropy-coded data is missing even though the file still
 * ends in EOI (as in the corpus's corrupted.jpg). Extra markers are not flagged: they are not
 * evidence of loss. Scans without restart intervals cannot be checked this way.
 */
export function checkJpegIntegrity(bytes: Uint8Array): JpegIntegrity {
  const layout = readJpegLayout(bytes);
  if (layout.ending === 'truncated') return { ok: false, problem: 'truncated' };
  if (layout.ending === 'corrupt' || layout.scanCount === 0) return { ok: false, problem: 'corrupt' };
  let frame: Frame | null = null;
  let restartInterval = 0;
  let expectedRestarts: number | null = null;
  for (const part of layout.parts) {
    if (part.kind === 'entropy') {
      if (expectedRestarts !== null && part.restartMarkers < expectedRestarts) {
        return { ok: false, problem: 'missing-restart-intervals' };
      }
      continue;
    }
    const { segment } = part;
    if (isStartOfFrame(segment.marker)) frame = parseFrame(bytes, segment);
    if (segment.marker === MARKER.DRI) restartInterval = readUint16BE(bytes, segment.payloadStart);
    if (segment.marker === MARKER.SOS) {
      const units = frame && restartInterval > 0 ? codingUnitsInScan(frame, scanComponentIds(bytes, segment)) : null;
      expectedRestarts = units === null ? null : Math.ceil(units / restartInterval) - 1;
    }
  }
  return { ok: true };
}

function payloadStartsWith(bytes: Uint8Array, segment: JpegSegment, identifier: string): boolean {
  if (segment.payloadStart + identifier.length > segment.end) return false;
  for (let i = 0; i < identifier.length; i++) {
    if (bytes[segment.payloadStart + i] !== identifier.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Which header segments survive metadata stripping. An allow-list, so that unknown or future
 * metadata containers are dropped by default. APP14 "Adobe" is kept although not metadata in the
 * privacy sense: it carries the colour-transform flag, and without it decoders misread RGB and
 * CMYK JPEGs (this corpus's landscape_1.jpg and portrait_1.jpg carry one).
 */
function isKeptSegment(bytes: Uint8Array, segment: JpegSegment): boolean {
  const { marker } = segment;
  if (marker === MARKER.APP0) return payloadStartsWith(bytes, segment, 'JFIF\0');
  if (marker === MARKER.APP2) return payloadStartsWith(bytes, segment, 'ICC_PROFILE\0');
  if (marker === MARKER.APP14) return payloadStartsWith(bytes, segment, 'Adobe');
  return (
    (marker >= 0xc0 && marker <= 0xcf && marker !== MARKER.JPG) ||
    marker === MARKER.DQT ||
    marker === MARKER.DRI ||
    marker === MARKER.DNL ||
    marker === MARKER.DHP ||
    marker === MARKER.EXP ||
    marker === MARKER.SOS ||
    marker === MARKER.EOI
  );
}

const JFIF_HEADER_LENGTH = 14;

/**
 * A JFIF APP0 may embed an uncompressed thumbnail, which could show parts of the picture that were
 * later cropped out; rewrite the segment without it, keeping units and density. A major version
 * other than 1 (a damaged byte) makes libjpeg warn, so it becomes 1.02, the last JFIF revision.
 */
function cleanJfif(bytes: Uint8Array, segment: JpegSegment): Uint8Array {
  const payload = segment.end - segment.payloadStart;
  // Too short to hold version, units and density: damaged, and JFIF is optional.
  if (payload < JFIF_HEADER_LENGTH) return new Uint8Array(0);
  const knownVersion = bytes[segment.payloadStart + 5] === 1;
  if (payload === JFIF_HEADER_LENGTH && knownVersion) return bytes.subarray(segment.start, segment.end);
  const rewritten = new Uint8Array(4 + JFIF_HEADER_LENGTH);
  rewritten.set([0xff, MARKER.APP0, 0, 2 + JFIF_HEADER_LENGTH]);
  rewritten.set(bytes.subarray(segment.payloadStart, segment.payloadStart + JFIF_HEADER_LENGTH), 4);
  if (!knownVersion) rewritten.set([1, 2], 4 + 5);
  // The last two header bytes are the thumbnail's width and height: zero means none.
  rewritten.set([0, 0], 4 + JFIF_HEADER_LENGTH - 2);
  return rewritten;
}

export class JpegStructureError extends Error {
  constructor(readonly problem: 'corrupt' | 'truncated') {
    super(`cannot strip metadata: JPEG header is ${problem}`);
    this.name = 'JpegStructureError';
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * Returns a copy of the JPEG without EXIF, XMP, maker notes, IPTC/Photoshop, comments or anything
 * after EOI, keeping the JFIF APP0 (minus any thumbnail), ICC profile and Adobe segments and all
 * coding tables. Scans and their entropy-coded data are copied byte for byte, including the
 * tables between progressive scans. Metadata segments that sit between scans are dropped too.
 *
 * EXIF orientation is removed with the rest, so callers must rotate the pixels first (or record
 * the orientation) if the picture is to stay upright.
 *
 * A file whose data stops before EOI keeps what it has (without inventing an EOI) so that a
 * decoder can still show the part that arrived; use hasEndOfImage to reject such uploads.
 * Throws JpegStructureError when the header cannot be walked up to the first scan.
 */
export function stripJpegMetadata(bytes: Uint8Array): Uint8Array {
  const layout = readJpegLayout(bytes);
  if (layout.scanCount === 0) {
    throw new JpegStructureError(layout.ending === 'truncated' ? 'truncated' : 'corrupt');
  }
  const chunks: Uint8Array[] = [new Uint8Array([0xff, MARKER.SOI])];
  for (const part of layout.parts) {
    if (part.kind === 'entropy') {
      chunks.push(bytes.subarray(part.start, part.end));
    } else if (part.segment.marker === MARKER.APP0 && isKeptSegment(bytes, part.segment)) {
      chunks.push(cleanJfif(bytes, part.segment));
    } else if (isKeptSegment(bytes, part.segment)) {
      chunks.push(bytes.subarray(part.segment.start, part.segment.end));
    }
  }
  return concat(chunks);
}
