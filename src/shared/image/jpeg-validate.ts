/**
 * Whether browsers' decoder (libjpeg-turbo) reads a JPEG's structure without an error: the check
 * a JPEG must pass before its own data is served as the `original` (kept, or turned in the DCT
 * domain). Our streaming decoder is more forgiving than libjpeg in places (it masks a table id,
 * tolerates an unused bad table), so "we decoded it" does not mean "a browser will": a file that
 * fails here is re-encoded from pixels instead, or refused.
 *
 * As strict as libjpeg's errors (jdmarker.c, jdhuff.c, jdinput.c, jdphuff.c), and stricter where
 * libjpeg only warns and a browser may show grey (scan parameters that do not fit the frame type, a
 * broken progression): a served original must decode cleanly everywhere. Reads headers and walks
 * entropy data by markers only; never throws.
 */
import { isStartOfFrame, MARKER, readSegmentAt } from './jpeg-segments';

export type JpegValidation = { ok: true } | { ok: false; problem: string };

interface FrameInfo {
  progressive: boolean;
  components: { id: number; quantId: number }[];
}

interface ValidatorState {
  quant: boolean[];
  dc: boolean[];
  ac: boolean[];
  frame: FrameInfo | null;
  /** Per component, per coefficient: the successive-approximation bit last coded (-1: none yet), as libjpeg's coef_bits. */
  coefficientBits: Int8Array[];
  scans: number;
}

const SEQUENTIAL_FRAMES = new Set([0xc0, 0xc1]);
const PROGRESSIVE_FRAME = 0xc2;

function u16(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
}

function checkQuantTables(bytes: Uint8Array, from: number, end: number, state: ValidatorState): string | null {
  let at = from;
  while (at < end) {
    const precision = (bytes[at] ?? 0) >> 4;
    const id = (bytes[at] ?? 0) & 15;
    if (precision > 1) return `quantisation table precision ${precision}`;
    if (id > 3) return `quantisation table id ${id}`;
    const size = 1 + 64 * (precision + 1);
    if (at + size > end) return 'quantisation table longer than its segment';
    for (let k = 0; k < 64; k++) {
      const value = precision ? u16(bytes, at + 1 + 2 * k) : (bytes[at + 1 + k] ?? 0);
      if (value === 0) return `quantisation table ${id} has a zero step`;
    }
    state.quant[id] = true;
    at += size;
  }
  return null;
}

/** jpeg_make_d_derived_tbl: the code lengths must fit the code space; DC symbols are bit counts ≤ 15. */
function checkHuffmanTable(counts: Uint8Array, symbols: Uint8Array, isDc: boolean): string | null {
  let code = 0;
  for (let length = 1; length <= 16; length++) {
    code += counts[length - 1] ?? 0;
    if (code > 1 << length) return `Huffman code lengths overflow the code space at ${length} bits`;
    code <<= 1;
  }
  if (isDc && symbols.some((symbol) => symbol > 15)) return 'a DC Huffman symbol above 15';
  return null;
}

function checkHuffmanTables(bytes: Uint8Array, from: number, end: number, state: ValidatorState): string | null {
  let at = from;
  while (at < end) {
    if (at + 17 > end) return 'Huffman table longer than its segment';
    const kind = (bytes[at] ?? 0) >> 4;
    const id = (bytes[at] ?? 0) & 15;
    if (kind > 1) return `Huffman table class ${kind}`;
    if (id > 3) return `Huffman table id ${id}`;
    const counts = bytes.subarray(at + 1, at + 17);
    const total = counts.reduce((sum, count) => sum + count, 0);
    if (total > 256 || at + 17 + total > end) return 'Huffman table longer than its segment';
    const problem = checkHuffmanTable(counts, bytes.subarray(at + 17, at + 17 + total), kind === 0);
    if (problem) return problem;
    (kind === 0 ? state.dc : state.ac)[id] = true;
    at += 17 + total;
  }
  return null;
}

function checkFrame(bytes: Uint8Array, marker: number, p: number, end: number, state: ValidatorState): string | null {
  if (state.frame) return 'a second frame header';
  if (!SEQUENTIAL_FRAMES.has(marker) && marker !== PROGRESSIVE_FRAME)
    return `frame type 0x${marker.toString(16)} (lossless, arithmetic or hierarchical)`;
  if (bytes[p] !== 8) return `${bytes[p]}-bit samples`;
  if (u16(bytes, p + 1) === 0 || u16(bytes, p + 3) === 0) return 'a zero height (DNL) or width';
  const count = bytes[p + 5] ?? 0;
  if (count < 1 || count > 4) return `${count} components`;
  if (end - p !== 6 + 3 * count) return 'frame header length does not match its components';
  const components: FrameInfo['components'] = [];
  for (let i = 0; i < count; i++) {
    const id = bytes[p + 6 + i * 3] ?? 0;
    const h = (bytes[p + 7 + i * 3] ?? 0) >> 4;
    const v = (bytes[p + 7 + i * 3] ?? 0) & 15;
    const quantId = bytes[p + 8 + i * 3] ?? 0;
    if (h < 1 || h > 4 || v < 1 || v > 4) return `sampling factors ${h}×${v}`;
    if (quantId > 3) return `quantisation table id ${quantId} in the frame`;
    if (components.some((c) => c.id === id)) return `component id ${id} twice`;
    components.push({ id, quantId });
  }
  state.frame = { progressive: marker === PROGRESSIVE_FRAME, components };
  state.coefficientBits = components.map(() => new Int8Array(64).fill(-1));
  return null;
}

/** Spectral selection and successive approximation as T.81 G.1.1.1.1 allows them for the frame type. */
function checkScanParameters(frame: FrameInfo, inScan: number, ss: number, se: number, ah: number, al: number) {
  if (!frame.progressive) {
    return ss === 0 && se === 63 && ah === 0 && al === 0 ? null : 'progressive scan parameters in a sequential frame';
  }
  if (ss > se || se > 63) return `spectral selection ${ss}–${se}`;
  if (ss === 0 && se !== 0) return 'a DC scan with AC coefficients';
  if (ss > 0 && inScan !== 1) return 'an AC scan of several components';
  if (ah > 13 || al > 13 || (ah !== 0 && al !== ah - 1)) return `successive approximation ${ah}/${al}`;
  return null;
}

/** libjpeg's coef_bits bookkeeping: first passes code a coefficient once, each refinement the next bit down. */
function checkProgression(bits: Int8Array, ss: number, se: number, ah: number, al: number): string | null {
  if (ss > 0 && (bits[0] ?? -1) < 0) return 'an AC scan before its component’s DC scan';
  for (let k = ss; k <= se; k++) {
    const coded = bits[k] ?? -1;
    if (ah === 0 ? coded >= 0 : coded !== ah) return 'a scan out of progression';
    bits[k] = al;
  }
  return null;
}

function checkScan(bytes: Uint8Array, p: number, end: number, state: ValidatorState): string | null {
  const frame = state.frame;
  if (!frame) return 'a scan before the frame header';
  const inScan = bytes[p] ?? 0;
  if (inScan < 1 || inScan > 4 || end - p !== 4 + 2 * inScan) return 'scan header length does not match its components';
  const ss = bytes[p + 1 + 2 * inScan] ?? 0;
  const se = bytes[p + 2 + 2 * inScan] ?? 0;
  const ah = (bytes[p + 3 + 2 * inScan] ?? 0) >> 4;
  const al = (bytes[p + 3 + 2 * inScan] ?? 0) & 15;
  const parameters = checkScanParameters(frame, inScan, ss, se, ah, al);
  if (parameters) return parameters;
  const seen = new Set<number>();
  for (let i = 0; i < inScan; i++) {
    const id = bytes[p + 1 + 2 * i] ?? 0;
    const index = frame.components.findIndex((c) => c.id === id);
    if (index < 0 || seen.has(index)) return `scan names component ${id} that the frame lacks or twice`;
    seen.add(index);
    const tables = bytes[p + 2 + 2 * i] ?? 0;
    if (!state.quant[frame.components[index]?.quantId ?? -1])
      return 'a component whose quantisation table is not defined';
    const dcTable = tables >> 4;
    const acTable = tables & 15;
    if (ss === 0 && ah === 0 && (dcTable > 3 || !state.dc[dcTable])) return `DC Huffman table ${dcTable} not defined`;
    if (se > 0 && (acTable > 3 || !state.ac[acTable])) return `AC Huffman table ${acTable} not defined`;
    const bits = state.coefficientBits[index];
    if (!bits) return `scan names component ${id} that the frame lacks`;
    if (!frame.progressive && (bits[0] ?? -1) >= 0) return `component ${id} in two sequential scans`;
    const progression = checkProgression(bits, ss, se, ah, al);
    if (progression) return progression;
  }
  state.scans++;
  return null;
}

/** Skips entropy-coded data: to the first marker that is neither stuffing, fill nor RSTn, checking RSTn's order. */
function skipEntropyData(bytes: Uint8Array, from: number): { at: number; problem: string | null } {
  let expectedRestart = 0;
  for (let at = from; at + 1 < bytes.length; at++) {
    if (bytes[at] !== 0xff) continue;
    let next = at + 1;
    while (bytes[next] === 0xff) next++;
    const marker = bytes[next] ?? 0;
    if (marker === 0) {
      at = next;
      continue;
    }
    if (marker >= 0xd0 && marker <= 0xd7) {
      if (marker - 0xd0 !== expectedRestart) return { at: next - 1, problem: 'restart markers out of order' };
      expectedRestart = (expectedRestart + 1) & 7;
      at = next;
      continue;
    }
    return { at: next - 1, problem: null };
  }
  return { at: bytes.length, problem: 'the data ends inside a scan' };
}

function isAllowedBetweenScans(marker: number): boolean {
  return (
    marker === MARKER.DQT ||
    marker === MARKER.DHT ||
    marker === MARKER.DRI ||
    marker === MARKER.COM ||
    (marker >= MARKER.APP0 && marker <= 0xef)
  );
}

/** libjpeg warns about an Adobe colour transform code other than 0 (none), 1 (YCbCr) or 2 (YCCK). */
function checkAdobe(bytes: Uint8Array, p: number, end: number): string | null {
  const isAdobe = end - p >= 12 && String.fromCharCode(...bytes.subarray(p, p + 5)) === 'Adobe';
  const transform = bytes[p + 11] ?? 0;
  return isAdobe && transform > 2 ? `unknown Adobe colour transform ${transform}` : null;
}

function checkSegment(bytes: Uint8Array, marker: number, p: number, end: number, state: ValidatorState): string | null {
  if (marker === MARKER.DQT) return checkQuantTables(bytes, p, end, state);
  if (marker === MARKER.DHT) return checkHuffmanTables(bytes, p, end, state);
  if (marker === MARKER.DRI) return end - p === 2 ? null : 'restart interval segment of the wrong length';
  if (isStartOfFrame(marker))
    return state.scans > 0 ? 'a frame header after a scan' : checkFrame(bytes, marker, p, end, state);
  if (marker === MARKER.SOS) return checkScan(bytes, p, end, state);
  if (marker === MARKER.APP14) return checkAdobe(bytes, p, end);
  if (isAllowedBetweenScans(marker)) return null;
  return `unexpected marker 0x${marker.toString(16)}`;
}

/** Every component must have been coded completely: all of a sequential frame's, each one's DC in a progressive one. */
function checkComplete(state: ValidatorState): string | null {
  if (!state.frame || state.scans === 0) return 'no scan';
  const missing = state.coefficientBits.some((bits) => (bits[0] ?? -1) < 0);
  return missing ? 'a component no scan codes' : null;
}

export function validateJpegStructure(bytes: Uint8Array): JpegValidation {
  if (bytes[0] !== 0xff || bytes[1] !== MARKER.SOI) return { ok: false, problem: 'no start-of-image marker' };
  const state: ValidatorState = { quant: [], dc: [], ac: [], frame: null, coefficientBits: [], scans: 0 };
  let at = 2;
  for (;;) {
    const read = readSegmentAt(bytes, at);
    if (!read.ok) return { ok: false, problem: `unreadable segment (${read.problem})` };
    const { marker, payloadStart, end } = read.segment;
    if (end > bytes.length) return { ok: false, problem: 'a segment longer than the file' };
    if (marker === MARKER.EOI) {
      const problem = checkComplete(state);
      return problem ? { ok: false, problem } : { ok: true };
    }
    if (marker === MARKER.SOI) return { ok: false, problem: 'a second start-of-image marker' };
    const problem = checkSegment(bytes, marker, payloadStart, end, state);
    if (problem) return { ok: false, problem };
    if (marker === MARKER.SOS) {
      const skipped = skipEntropyData(bytes, end);
      if (skipped.problem) return { ok: false, problem: skipped.problem };
      at = skipped.at;
    } else {
      at = end;
    }
  }
}
