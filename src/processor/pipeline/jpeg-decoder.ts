/**
 * A baseline JPEG decoder in TypeScript that streams and scales in the DCT domain.
 *
 * Why not only mozjpeg: @jsquash's decoder hands back the whole image twice (in its linear memory
 * and as a JavaScript copy), 8 bytes per pixel plus the file: 120 MB for a 12 MP photo, and it
 * cannot scale while decoding. This one decodes one MCU row at a time into a few small buffers
 * and hands each band of RGBA rows to a sink (a buffer or a streaming resizer), optionally at 1/2,
 * 1/4 or 1/8 size by computing a smaller inverse DCT from the low frequencies — what libjpeg's
 * scaled decoding and sharp's "shrink on load" do. Memory is the sink's plus about 100 KB.
 *
 * Scope: baseline and extended sequential Huffman JPEG (SOF0, SOF1), 8-bit, one scan with all
 * components: grey, YCbCr, Adobe RGB, CMYK or YCCK (converted to sRGB), any sampling factors that
 * are powers of two, restart intervals. That is what cameras, phones and print workflows write.
 * Anything else (progressive, arithmetic, multi-scan) is reported as unsupported and left to mozjpeg.
 */
import { jpegColourOf, type JpegColour } from '../../shared/image/inspect';
import { isStartOfFrame, MARKER, readSegmentAt, type JpegSegment } from '../../shared/image/jpeg-segments';
import { UndecodableImageError } from './errors';
import { ZIGZAG } from './jpeg-entropy';
import type { RowSink } from './pixels';

/** Samples per 8×8 block side in the output: 8 is full size, 4 half, 2 a quarter, 1 an eighth. */
export type DctScale = 8 | 4 | 2 | 1;

export interface HuffmanTable {
  /** For codes of up to LOOKUP_BITS bits: (length << 8) | symbol, indexed by the next bits; 0 when longer. */
  lookup: Uint16Array;
  /** Largest code of each length, -1 when none (ITU T.81 F.2.2.3 MAXCODE). */
  maxCode: Int32Array;
  /** Index into `symbols` of the first code of each length, minus that code (VALPTR − MINCODE). */
  offset: Int32Array;
  symbols: Uint8Array;
}

export interface Component {
  id: number;
  h: number;
  v: number;
  quantId: number;
  dcTable: number;
  acTable: number;
}

/** What the inverse transform needs of a frame, however its coefficients were coded. */
export interface JpegFrame {
  width: number;
  height: number;
  /** In the order the decoder's blocks name them (`BlockVisitor`'s `component`). */
  components: Component[];
  hMax: number;
  vMax: number;
  colour: JpegColour;
  /** An Adobe APP14 segment is present: CMYK samples are then stored inverted (255 = no ink), as Photoshop writes them. */
  adobe: boolean;
  quantTables: Uint16Array[];
}

export interface BaselineJpeg extends JpegFrame {
  restartInterval: number;
  dcTables: HuffmanTable[];
  acTables: HuffmanTable[];
  /** Offset of the first entropy-coded byte. */
  scanStart: number;
}

export type HeaderReading = { ok: true; jpeg: BaselineJpeg } | { ok: false; unsupported: string };

const LOOKUP_BITS = 9;

export function corrupt(detail: string): UndecodableImageError {
  return new UndecodableImageError('corrupt', `The JPEG data is damaged: ${detail}`);
}

export function buildHuffmanTable(counts: Uint8Array, symbols: Uint8Array): HuffmanTable {
  const lookup = new Uint16Array(1 << LOOKUP_BITS);
  const maxCode = new Int32Array(18).fill(-1);
  const offset = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    const count = counts[length - 1]!;
    offset[length] = k - code;
    for (let i = 0; i < count; i++, k++, code++) {
      if (length <= LOOKUP_BITS) {
        const shift = LOOKUP_BITS - length;
        const entry = (length << 8) | symbols[k]!;
        for (let fill = 0; fill < 1 << shift; fill++) lookup[(code << shift) | fill] = entry;
      }
    }
    if (count > 0) maxCode[length] = code - 1;
    code <<= 1;
  }
  // A sentinel past length 16 ends the slow search on any bit pattern.
  maxCode[17] = 0x7fffffff;
  return { lookup, maxCode, offset, symbols };
}

export function readQuantTables(bytes: Uint8Array, segment: JpegSegment, tables: Uint16Array[]): void {
  let at = segment.payloadStart;
  while (at < segment.end) {
    const precision = bytes[at]! >> 4;
    const id = bytes[at]! & 15;
    at++;
    const table = new Uint16Array(64);
    for (let k = 0; k < 64; k++, at += precision ? 2 : 1) {
      table[ZIGZAG[k]!] = precision ? (bytes[at]! << 8) | bytes[at + 1]! : bytes[at]!;
    }
    tables[id & 3] = table;
  }
}

export function readHuffmanTables(
  bytes: Uint8Array,
  segment: JpegSegment,
  dc: HuffmanTable[],
  ac: HuffmanTable[],
): void {
  let at = segment.payloadStart;
  while (at + 17 <= segment.end) {
    const kind = bytes[at]! >> 4;
    const id = bytes[at]! & 3;
    const counts = bytes.subarray(at + 1, at + 17);
    const total = counts.reduce((sum, count) => sum + count, 0);
    const symbols = bytes.subarray(at + 17, at + 17 + total);
    (kind === 0 ? dc : ac)[id] = buildHuffmanTable(counts, symbols);
    at += 17 + total;
  }
}

export const isPowerOfTwo = (value: number): boolean => value === 1 || value === 2 || value === 4;

/** Reads the header up to the first scan and says whether this decoder can take the file. */
export function readBaselineHeader(bytes: Uint8Array): HeaderReading {
  const quantTables: Uint16Array[] = [];
  const dcTables: HuffmanTable[] = [];
  const acTables: HuffmanTable[] = [];
  let frame: { width: number; height: number; components: Component[] } | null = null;
  let restartInterval = 0;
  let adobeTransform: number | null = null;
  let at = 2;
  for (;;) {
    const read = readSegmentAt(bytes, at);
    if (!read.ok || read.segment.end > bytes.length) return { ok: false, unsupported: 'unreadable header' };
    const { segment } = read;
    const { marker, payloadStart: p } = segment;
    if (marker === MARKER.DQT) readQuantTables(bytes, segment, quantTables);
    else if (marker === MARKER.DHT) readHuffmanTables(bytes, segment, dcTables, acTables);
    else if (marker === MARKER.DRI) restartInterval = (bytes[p]! << 8) | bytes[p + 1]!;
    else if (marker === MARKER.APP14 && String.fromCharCode(...bytes.subarray(p, p + 5)) === 'Adobe')
      adobeTransform = bytes[p + 11] ?? null;
    else if (isStartOfFrame(marker)) {
      if (marker !== 0xc0 && marker !== 0xc1)
        return { ok: false, unsupported: `frame type 0x${marker.toString(16)} (progressive, lossless or arithmetic)` };
      if (bytes[p] !== 8) return { ok: false, unsupported: `${bytes[p]}-bit samples` };
      const count = bytes[p + 5]!;
      const components = Array.from({ length: count }, (_, i) => ({
        id: bytes[p + 6 + i * 3]!,
        h: bytes[p + 7 + i * 3]! >> 4,
        v: bytes[p + 7 + i * 3]! & 15,
        quantId: bytes[p + 8 + i * 3]! & 3,
        dcTable: 0,
        acTable: 0,
      }));
      frame = { height: (bytes[p + 1]! << 8) | bytes[p + 2]!, width: (bytes[p + 3]! << 8) | bytes[p + 4]!, components };
    } else if (marker === MARKER.SOS) {
      if (!frame) return { ok: false, unsupported: 'scan before frame' };
      const { components } = frame;
      const inScan = bytes[p]!;
      if (components.length !== 1 && components.length !== 3 && components.length !== 4)
        return { ok: false, unsupported: `${components.length} components` };
      if (inScan !== components.length) return { ok: false, unsupported: 'one scan per component' };
      for (let i = 0; i < inScan; i++) {
        const component = components.find((c) => c.id === bytes[p + 1 + i * 2]);
        if (!component) return { ok: false, unsupported: 'scan names an unknown component' };
        component.dcTable = bytes[p + 2 + i * 2]! >> 4;
        component.acTable = bytes[p + 2 + i * 2]! & 15;
      }
      if (frame.width === 0 || frame.height === 0) return { ok: false, unsupported: 'height defined by DNL' };
      if (
        !components.every(
          (c) =>
            isPowerOfTwo(c.h) &&
            isPowerOfTwo(c.v) &&
            quantTables[c.quantId] &&
            dcTables[c.dcTable] &&
            acTables[c.acTable],
        )
      ) {
        return { ok: false, unsupported: 'sampling factors or missing tables' };
      }
      // A scan of one component is not interleaved: its MCU is one block whatever the sampling
      // factors say (T.81 A.2.2), and some encoders write 2×1 for greyscale.
      if (components.length === 1) components[0]!.h = components[0]!.v = 1;
      const hMax = Math.max(...components.map((c) => c.h));
      const vMax = Math.max(...components.map((c) => c.v));
      // Ordered as in the scan, which is the order of blocks in each MCU.
      const ordered = Array.from({ length: inScan }, (_, i) => components.find((c) => c.id === bytes[p + 1 + i * 2])!);
      return {
        ok: true,
        jpeg: {
          ...frame,
          components: ordered,
          hMax,
          vMax,
          restartInterval,
          // By component id, in frame order, as inspectImage() classifies it.
          colour: jpegColourOf(
            components.map((c) => c.id),
            adobeTransform,
          ),
          adobe: adobeTransform !== null,
          quantTables,
          dcTables,
          acTables,
          scanStart: segment.end,
        },
      };
    }
    at = segment.end;
  }
}

/**
 * Entropy-coded bits, with 0xFF00 unstuffed. At a marker (or the end of the data) it feeds zero
 * bytes and counts them, so running past real data is detected rather than decoded as grey.
 */
export class BitReader {
  private buffer = 0;
  private count = 0;
  private phantomBits = 0;
  /** Whole bytes read but left unused at restart markers: libjpeg's "extraneous bytes" there. */
  private skippedAtRestarts = 0;
  pos: number;

  constructor(
    private readonly data: Uint8Array,
    start: number,
  ) {
    this.pos = start;
  }

  private fill(): void {
    while (this.count <= 24) {
      let byte = 0;
      const at = this.pos;
      if (at < this.data.length && this.data[at] !== 0xff) {
        byte = this.data[at]!;
        this.pos++;
      } else if (at + 1 < this.data.length && this.data[at] === 0xff && this.data[at + 1] === 0) {
        byte = 0xff;
        this.pos += 2;
      } else {
        this.phantomBits += 8;
      }
      this.buffer = ((this.buffer << 8) | byte) >>> 0;
      this.count += 8;
    }
  }

  /** True once bits that do not exist in the file have been consumed. */
  get overrun(): boolean {
    return this.count < this.phantomBits;
  }

  /**
   * Bytes libjpeg would skip with an "extraneous bytes" warning while reading this scan: those left
   * unused at its restart markers (after the scan: `endOfScan`). A reader reads them all, so a file with any must not have its
   * own data served as it is.
   */
  get extraneousBytes(): number {
    return this.skippedAtRestarts;
  }

  /**
   * At the end of a scan: where the next marker starts, and the whole bytes left before it,
   * counted as libjpeg's next_marker counts its "extraneous bytes" (unused whole bytes already
   * read, every byte up to the marker, 2 for a stuffed FF 00, restart markers passed over). A
   * reader of a progressive file meets them all, since it reads every scan before the first row; a
   * baseline file's reader stops at its last row.
   */
  endOfScan(): { nextMarker: number; trailingBytes: number } {
    let bytes = Math.max(0, this.count - this.phantomBits) >> 3;
    const { data } = this;
    let at = this.pos;
    while (at < data.length) {
      if (data[at] !== 0xff) {
        bytes++;
        at++;
        continue;
      }
      while (data[at + 1] === 0xff) at++;
      const next = data[at + 1] ?? 0xd9;
      // libjpeg steps over restart markers outside a scan and goes on counting up to the next real marker.
      if (next !== 0 && (next < 0xd0 || next > 0xd7)) break;
      if (next === 0) bytes += 2;
      at += 2;
    }
    return { nextMarker: at, trailingBytes: bytes };
  }

  bits(n: number): number {
    if (this.count < n) this.fill();
    this.count -= n;
    return (this.buffer >>> this.count) & ((1 << n) - 1);
  }

  decode(table: HuffmanTable): number {
    if (this.count < 16) this.fill();
    const entry = table.lookup[(this.buffer >>> (this.count - LOOKUP_BITS)) & ((1 << LOOKUP_BITS) - 1)]!;
    if (entry !== 0) {
      this.count -= entry >> 8;
      return entry & 0xff;
    }
    let length = LOOKUP_BITS + 1;
    let code = (this.buffer >>> (this.count - length)) & ((1 << length) - 1);
    while (code > table.maxCode[length]!) {
      length++;
      code = (this.buffer >>> (this.count - length)) & ((1 << length) - 1);
    }
    if (length > 16) throw corrupt('bad Huffman code');
    this.count -= length;
    return table.symbols[code + table.offset[length]!] ?? 0;
  }

  /** A coefficient of `size` bits: the top half of the range positive, the rest negative (T.81 F.2.2.1). */
  receive(size: number): number {
    const value = this.bits(size);
    return value < 1 << (size - 1) ? value - (1 << size) + 1 : value;
  }

  /** At a restart interval's end: drop the padding bits and step over the RSTn marker. */
  restart(expected: number): void {
    this.skippedAtRestarts += Math.max(0, this.count - this.phantomBits) >> 3;
    this.count = 0;
    this.buffer = 0;
    this.phantomBits = 0;
    while (this.pos < this.data.length && this.data[this.pos] === 0xff && this.data[this.pos + 1] === 0xff) this.pos++;
    if (this.data[this.pos] !== 0xff || this.data[this.pos + 1] !== 0xd0 + expected)
      throw corrupt('restart marker missing');
    this.pos += 2;
  }
}

/** AAN scale factors (jidctflt.c): the float IDCT expects coefficients pre-multiplied by these. */
const AAN_SCALE = [1, 1.387039845, 1.306562965, 1.175875602, 1, 0.785694958, 0.5411961, 0.275899379];

/**
 * How one component's blocks become output samples: an inverse DCT of kx × ky samples per block
 * from its low frequencies, then each sample repeated ux × uy times to reach the output grid.
 */
interface ComponentPlan {
  kx: number;
  ky: number;
  ux: number;
  uy: number;
  /** Multipliers per coefficient (natural order): dequantisation and the IDCT's scaling in one. */
  multipliers: Float64Array;
  /** Which coefficients (natural order) the smaller IDCT uses; the others are decoded and ignored. */
  used: Uint8Array;
  /** The band of samples for one MCU row. */
  plane: Uint8ClampedArray;
  stride: number;
}

/** Orthonormal N-point DCT basis, scaled by √(N/8) so that N < 8 samples average the 8 they replace. */
function basis(n: number): Float64Array {
  const table = new Float64Array(n * 8);
  for (let x = 0; x < n; x++) {
    for (let u = 0; u < n; u++) {
      const norm = u === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
      table[x * 8 + u] = norm * Math.cos(((2 * x + 1) * u * Math.PI) / (2 * n)) * Math.sqrt(n / 8);
    }
  }
  return table;
}

const BASES: Record<number, Float64Array> = { 1: basis(1), 2: basis(2), 4: basis(4), 8: basis(8) };

function planComponent(component: Component, jpeg: JpegFrame, scale: DctScale, mcusPerLine: number): ComponentPlan {
  const wantX = (scale * jpeg.hMax) / component.h;
  const wantY = (scale * jpeg.vMax) / component.v;
  const kx = Math.min(8, wantX);
  const ky = Math.min(8, wantY);
  const quant = jpeg.quantTables[component.quantId]!;
  const multipliers = new Float64Array(64);
  const used = new Uint8Array(64);
  const aan = kx === 8 && ky === 8;
  for (let row = 0; row < 8; row++) {
    for (let col = 0; col < 8; col++) {
      const i = row * 8 + col;
      used[i] = row < ky && col < kx ? 1 : 0;
      multipliers[i] = aan ? (quant[i]! * AAN_SCALE[row]! * AAN_SCALE[col]!) / 8 : quant[i]!;
    }
  }
  const stride = mcusPerLine * component.h * kx;
  return {
    kx,
    ky,
    ux: wantX / kx,
    uy: wantY / ky,
    multipliers,
    used,
    plane: new Uint8ClampedArray(stride * component.v * ky),
    stride,
  };
}

/** Full-size inverse DCT (AAN, as jidctflt.c) of dequantised coefficients, +128, into the plane. */
function idct8(c: Float64Array, plane: Uint8ClampedArray, at: number, stride: number): void {
  for (let col = 0; col < 8; col++) {
    const d0 = c[col]!,
      d1 = c[col + 8]!,
      d2 = c[col + 16]!,
      d3 = c[col + 24]!;
    const d4 = c[col + 32]!,
      d5 = c[col + 40]!,
      d6 = c[col + 48]!,
      d7 = c[col + 56]!;
    if (d1 === 0 && d2 === 0 && d3 === 0 && d4 === 0 && d5 === 0 && d6 === 0 && d7 === 0) {
      for (let row = 0; row < 64; row += 8) c[col + row] = d0;
      continue;
    }
    const t10 = d0 + d4,
      t11 = d0 - d4,
      t13 = d2 + d6;
    const t12 = (d2 - d6) * 1.414213562 - t13;
    const e0 = t10 + t13,
      e3 = t10 - t13,
      e1 = t11 + t12,
      e2 = t11 - t12;
    const z13 = d5 + d3,
      z10 = d5 - d3,
      z11 = d1 + d7,
      z12 = d1 - d7;
    const o7 = z11 + z13;
    const o11 = (z11 - z13) * 1.414213562;
    const z5 = (z10 + z12) * 1.847759065;
    const o10 = z5 - z12 * 1.0823922;
    const o12 = z5 - z10 * 2.61312593;
    const o6 = o12 - o7,
      o5 = o11 - o6,
      o4 = o10 - o5;
    c[col] = e0 + o7;
    c[col + 56] = e0 - o7;
    c[col + 8] = e1 + o6;
    c[col + 48] = e1 - o6;
    c[col + 16] = e2 + o5;
    c[col + 40] = e2 - o5;
    c[col + 24] = e3 + o4;
    c[col + 32] = e3 - o4;
  }
  for (let row = 0; row < 64; row += 8) {
    const d0 = c[row]!,
      d1 = c[row + 1]!,
      d2 = c[row + 2]!,
      d3 = c[row + 3]!;
    const d4 = c[row + 4]!,
      d5 = c[row + 5]!,
      d6 = c[row + 6]!,
      d7 = c[row + 7]!;
    const t10 = d0 + d4,
      t11 = d0 - d4,
      t13 = d2 + d6;
    const t12 = (d2 - d6) * 1.414213562 - t13;
    const e0 = t10 + t13,
      e3 = t10 - t13,
      e1 = t11 + t12,
      e2 = t11 - t12;
    const z13 = d5 + d3,
      z10 = d5 - d3,
      z11 = d1 + d7,
      z12 = d1 - d7;
    const o7 = z11 + z13;
    const o11 = (z11 - z13) * 1.414213562;
    const z5 = (z10 + z12) * 1.847759065;
    const o10 = z5 - z12 * 1.0823922;
    const o12 = z5 - z10 * 2.61312593;
    const o6 = o12 - o7,
      o5 = o11 - o6,
      o4 = o10 - o5;
    const o = at + (row >> 3) * stride;
    plane[o] = e0 + o7 + 128;
    plane[o + 7] = e0 - o7 + 128;
    plane[o + 1] = e1 + o6 + 128;
    plane[o + 6] = e1 - o6 + 128;
    plane[o + 2] = e2 + o5 + 128;
    plane[o + 5] = e2 - o5 + 128;
    plane[o + 3] = e3 + o4 + 128;
    plane[o + 4] = e3 - o4 + 128;
  }
}

/**
 * The half-size inverse DCT, unrolled (the common case: photos decoded for the display variant):
 * a 4-point IDCT of the 4 × 4 lowest frequencies each way, 48 multiplications per block. The
 * constants are the scaled basis: √(1/4)·√(4/8) for DC, ½·cos((2x+1)uπ/8) for the rest.
 */
function idct4(c: Float64Array, plane: Uint8ClampedArray, at: number, stride: number, t: Float64Array): void {
  for (let row = 0; row < 32; row += 8) {
    const even0 = 0.353553391 * (c[row]! + c[row + 2]!);
    const even1 = 0.353553391 * (c[row]! - c[row + 2]!);
    const odd0 = 0.461939766 * c[row + 1]! + 0.191341716 * c[row + 3]!;
    const odd1 = 0.191341716 * c[row + 1]! - 0.461939766 * c[row + 3]!;
    t[row] = even0 + odd0;
    t[row + 1] = even1 + odd1;
    t[row + 2] = even1 - odd1;
    t[row + 3] = even0 - odd0;
  }
  for (let col = 0; col < 4; col++) {
    const even0 = 0.353553391 * (t[col]! + t[col + 16]!);
    const even1 = 0.353553391 * (t[col]! - t[col + 16]!);
    const odd0 = 0.461939766 * t[col + 8]! + 0.191341716 * t[col + 24]!;
    const odd1 = 0.191341716 * t[col + 8]! - 0.461939766 * t[col + 24]!;
    plane[at + col] = even0 + odd0 + 128;
    plane[at + stride + col] = even1 + odd1 + 128;
    plane[at + 2 * stride + col] = even1 - odd1 + 128;
    plane[at + 3 * stride + col] = even0 - odd0 + 128;
  }
}

/** A kx × ky inverse DCT from the low frequencies (scaled decoding), by the separable basis. */
function idctScaled(
  c: Float64Array,
  kx: number,
  ky: number,
  plane: Uint8ClampedArray,
  at: number,
  stride: number,
  scratch: Float64Array,
): void {
  const bx = BASES[kx]!;
  const by = BASES[ky]!;
  for (let v = 0; v < ky; v++) {
    for (let x = 0; x < kx; x++) {
      let sum = 0;
      for (let u = 0; u < kx; u++) sum += c[v * 8 + u]! * bx[x * 8 + u]!;
      scratch[v * 8 + x] = sum;
    }
  }
  for (let y = 0; y < ky; y++) {
    for (let x = 0; x < kx; x++) {
      let sum = 0;
      for (let v = 0; v < ky; v++) sum += scratch[v * 8 + x]! * by[y * 8 + v]!;
      plane[at + y * stride + x] = sum + 128;
    }
  }
}

/** libjpeg's fixed-point YCbCr → RGB tables (jdcolor.c), as plain arrays of 256. */
const CR_TO_R = Int32Array.from({ length: 256 }, (_, i) => Math.round(1.402 * (i - 128)));
const CB_TO_B = Int32Array.from({ length: 256 }, (_, i) => Math.round(1.772 * (i - 128)));
const CR_TO_G = Float64Array.from({ length: 256 }, (_, i) => -0.714136286 * (i - 128));
const CB_TO_G = Float64Array.from({ length: 256 }, (_, i) => -0.344136286 * (i - 128));

/** The output size of a full image of `size` samples at `scale` eighths, as libjpeg rounds it. */
export function scaledSize(size: number, scale: DctScale): number {
  return Math.ceil((size * scale) / 8);
}

/** A block's quantised coefficients in natural (row-major) order; the array is reused. */
export type BlockVisitor = (component: number, blockX: number, blockY: number, coefficients: Int16Array) => void;

export function mcuGrid(jpeg: JpegFrame): { mcusPerLine: number; mcusPerColumn: number } {
  return {
    mcusPerLine: Math.ceil(jpeg.width / (8 * jpeg.hMax)),
    mcusPerColumn: Math.ceil(jpeg.height / (8 * jpeg.vMax)),
  };
}

/**
 * Entropy-decodes every block in file order, calling `visit` per block and `rowDone` after each
 * row of MCUs. Throws UndecodableImageError when the data is damaged or ends early; returns the
 * bytes libjpeg would warn about (BitReader.extraneousBytes).
 */
export function scanBlocks(
  bytes: Uint8Array,
  jpeg: BaselineJpeg,
  visit: BlockVisitor,
  rowDone: (mcuRow: number) => void = () => {},
): number {
  const { components } = jpeg;
  const { mcusPerLine, mcusPerColumn } = mcuGrid(jpeg);
  const coefficients = new Int16Array(64);
  const predictions = new Int32Array(components.length);
  const reader = new BitReader(bytes, jpeg.scanStart);
  let mcusToRestart = jpeg.restartInterval;
  let restartIndex = 0;

  const readBlock = (index: number, dc: HuffmanTable, ac: HuffmanTable): void => {
    coefficients.fill(0);
    const size = reader.decode(dc);
    if (size > 11) throw corrupt('DC difference too large');
    predictions[index] = predictions[index]! + (size === 0 ? 0 : reader.receive(size));
    coefficients[0] = predictions[index]!;
    for (let k = 1; k < 64; k++) {
      const symbol = reader.decode(ac);
      const size = symbol & 15;
      const run = symbol >> 4;
      if (size === 0) {
        if (run !== 15) break;
        k += 15;
        continue;
      }
      k += run;
      if (k > 63) throw corrupt('coefficient index past 63');
      coefficients[ZIGZAG[k]!] = reader.receive(size);
    }
  };

  for (let mcuRow = 0; mcuRow < mcusPerColumn; mcuRow++) {
    for (let mcuX = 0; mcuX < mcusPerLine; mcuX++) {
      if (jpeg.restartInterval > 0 && mcusToRestart === 0) {
        reader.restart(restartIndex);
        restartIndex = (restartIndex + 1) & 7;
        mcusToRestart = jpeg.restartInterval;
        predictions.fill(0);
      }
      for (let c = 0; c < components.length; c++) {
        const component = components[c]!;
        const dc = jpeg.dcTables[component.dcTable]!;
        const ac = jpeg.acTables[component.acTable]!;
        for (let by = 0; by < component.v; by++) {
          for (let bx = 0; bx < component.h; bx++) {
            readBlock(c, dc, ac);
            visit(c, mcuX * component.h + bx, mcuRow * component.v + by, coefficients);
          }
        }
      }
      mcusToRestart--;
      if (reader.overrun) throw new UndecodableImageError('truncated', 'The JPEG data ends before the image does');
    }
    rowDone(mcuRow);
  }
  return reader.extraneousBytes;
}

/** What a scaled decode does with each block and after each row of MCUs: feed it from any pass over the blocks. */
export interface BlockDecoder {
  visit: BlockVisitor;
  rowDone: (mcuRow: number) => void;
}

/**
 * Decodes the whole image into `sink`, band by band, at `scale`/8 of its size. Throws
 * UndecodableImageError when the data is damaged or ends early; returns the bytes libjpeg would
 * warn about.
 */
export function decodeBaselineJpeg(bytes: Uint8Array, jpeg: BaselineJpeg, scale: DctScale, sink: RowSink): number {
  const decoder = scaledBlockDecoder(jpeg, scale, sink);
  return scanBlocks(bytes, jpeg, decoder.visit, decoder.rowDone);
}

/**
 * The inverse transform at `scale`/8 into `sink`, apart from the entropy decoding, so that a pass
 * that reads the blocks for another reason (the lossless transform) can decode pixels on the way.
 */
export function scaledBlockDecoder(jpeg: JpegFrame, scale: DctScale, sink: RowSink): BlockDecoder {
  const { components, vMax } = jpeg;
  const { mcusPerLine } = mcuGrid(jpeg);
  const outWidth = scaledSize(jpeg.width, scale);
  const outHeight = scaledSize(jpeg.height, scale);
  const plans = components.map((component) => planComponent(component, jpeg, scale, mcusPerLine));
  const usedIndices = plans.map((plan) =>
    Uint8Array.from(Array.from(plan.used).flatMap((used, i) => (used ? [i] : []))),
  );
  const bandHeight = vMax * scale;
  const band = new Uint8ClampedArray(outWidth * bandHeight * 4);
  const bandBytes = new Uint8Array(band.buffer);
  const dequantised = new Float64Array(64);
  const scratch = new Float64Array(64);
  const columnOf = plans.map((plan) => Int32Array.from({ length: outWidth }, (_, x) => Math.floor(x / plan.ux)));

  const inverseTransform: BlockVisitor = (c, blockX, blockY, coefficients) => {
    const plan = plans[c]!;
    const { multipliers } = plan;
    const used = usedIndices[c]!;
    if (used.length < 64) dequantised.fill(0);
    for (let u = 0; u < used.length; u++) {
      const i = used[u]!;
      dequantised[i] = coefficients[i]! * multipliers[i]!;
    }
    const at = (blockY % components[c]!.v) * plan.ky * plan.stride + blockX * plan.kx;
    if (plan.kx === 8 && plan.ky === 8) idct8(dequantised, plan.plane, at, plan.stride);
    else if (plan.kx === 4 && plan.ky === 4) idct4(dequantised, plan.plane, at, plan.stride, scratch);
    else idctScaled(dequantised, plan.kx, plan.ky, plan.plane, at, plan.stride, scratch);
  };

  const rowDone = (mcuRow: number): void => {
    const top = mcuRow * bandHeight;
    const rows = Math.min(bandHeight, outHeight - top);
    writeBand(jpeg.colour, jpeg.adobe, plans, columnOf, band, outWidth, rows);
    sink.accept(bandBytes, top, rows);
  };
  return { visit: inverseTransform, rowDone };
}

/** Upsamples (by repetition) and converts one band of component samples to RGBA rows. */
function writeBand(
  colour: JpegColour,
  adobe: boolean,
  plans: ComponentPlan[],
  columnOf: Int32Array[],
  band: Uint8ClampedArray,
  width: number,
  rows: number,
): void {
  if (colour === 'cmyk' || colour === 'ycck') {
    writeInkBand(colour, adobe, plans, columnOf, band, width, rows);
    return;
  }
  const [p0, p1, p2] = plans;
  const [c0, c1, c2] = columnOf;
  let o = 0;
  for (let y = 0; y < rows; y++) {
    const r0 = Math.floor(y / p0!.uy) * p0!.stride;
    if (colour === 'grey') {
      for (let x = 0; x < width; x++, o += 4) {
        const value = p0!.plane[r0 + c0![x]!]!;
        band[o] = value;
        band[o + 1] = value;
        band[o + 2] = value;
        band[o + 3] = 255;
      }
      continue;
    }
    const r1 = Math.floor(y / p1!.uy) * p1!.stride;
    const r2 = Math.floor(y / p2!.uy) * p2!.stride;
    for (let x = 0; x < width; x++, o += 4) {
      const a = p0!.plane[r0 + c0![x]!]!;
      const b = p1!.plane[r1 + c1![x]!]!;
      const c = p2!.plane[r2 + c2![x]!]!;
      if (colour === 'rgb') {
        band[o] = a;
        band[o + 1] = b;
        band[o + 2] = c;
      } else {
        band[o] = a + CR_TO_R[c]!;
        band[o + 1] = a + CB_TO_G[b]! + CR_TO_G[c]!;
        band[o + 2] = a + CB_TO_B[b]!;
      }
      band[o + 3] = 255;
    }
  }
}

/**
 * Ink amounts (0–1) to sRGB: a second-degree polynomial fitted to the U.S. Web Coated (SWOP)
 * profile, the usual press profile and the one untagged CMYK is assumed to be in — pdf.js's
 * DeviceCMYK conversion (src/core/colorspace.js, Apache-2.0). Against sharp's colour-managed
 * conversion it is within a few levels where the naive "light left by the ink" is off by 50–110
 * on saturated colours (test/unit/pipeline/cmyk.test.ts).
 */
function inkToRgb(c: number, m: number, y: number, k: number, out: Uint8ClampedArray, at: number): void {
  out[at] =
    255 +
    c *
      (-4.387332384609988 * c +
        54.48615194189176 * m +
        18.82290502165302 * y +
        212.25662451639585 * k -
        285.2331026137004) +
    m * (1.7149763477362134 * m - 5.6096736904047315 * y - 17.873870861415444 * k - 5.497006427196366) +
    y * (-2.5217340131683033 * y - 21.248923337353073 * k + 17.5119270841813) +
    k * (-21.86122147463605 * k - 189.48180835922747);
  out[at + 1] =
    255 +
    c *
      (8.841041422036149 * c +
        60.118027045597366 * m +
        6.871425592049007 * y +
        31.159100130055922 * k -
        79.2970844816548) +
    m * (-15.310361306967817 * m + 17.575251261109482 * y + 131.35250912493976 * k - 190.9453302588951) +
    y * (4.444339102852739 * y + 9.8632861493405 * k - 24.86741582555878) +
    k * (-20.737325471181034 * k - 187.80453709719578);
  out[at + 2] =
    255 +
    c *
      (0.8842522430003296 * c +
        8.078677503112928 * m +
        30.89978309703729 * y -
        0.23883238689178934 * k -
        14.183576799673286) +
    m * (10.49593273432072 * m + 63.02378494754052 * y + 50.606957656360734 * k - 112.23884253719248) +
    y * (0.03296041114873217 * y + 115.60384449646641 * k - 193.58209356861505) +
    k * (-22.33816807309886 * k - 180.12613974708367);
  out[at + 3] = 255;
}

/**
 * CMYK and YCCK to sRGB. YCCK's Y, Cb, Cr become C, M, Y as libjpeg's ycck_cmyk_convert makes
 * them (the complement of the YCbCr conversion's R, G, B). Adobe files (all YCCK, and CMYK from
 * Photoshop or libvips) store samples inverted, 255 meaning no ink, as libjpeg and browsers read them.
 */
function writeInkBand(
  colour: 'cmyk' | 'ycck',
  adobe: boolean,
  plans: ComponentPlan[],
  columnOf: Int32Array[],
  band: Uint8ClampedArray,
  width: number,
  rows: number,
): void {
  const [p0, p1, p2, p3] = plans as [ComponentPlan, ComponentPlan, ComponentPlan, ComponentPlan];
  const [c0, c1, c2, c3] = columnOf as [Int32Array, Int32Array, Int32Array, Int32Array];
  // Stored value → ink amount: 1 − v/255 when inverted, v/255 otherwise.
  const inverted = adobe || colour === 'ycck';
  const ink = (value: number): number => (inverted ? 1 - value / 255 : value / 255);
  const clamp = (value: number): number => Math.min(255, Math.max(0, value));
  let o = 0;
  for (let y = 0; y < rows; y++) {
    const r0 = Math.floor(y / p0.uy) * p0.stride;
    const r1 = Math.floor(y / p1.uy) * p1.stride;
    const r2 = Math.floor(y / p2.uy) * p2.stride;
    const r3 = Math.floor(y / p3.uy) * p3.stride;
    for (let x = 0; x < width; x++, o += 4) {
      const a = p0.plane[r0 + c0[x]!]!;
      const b = p1.plane[r1 + c1[x]!]!;
      const c = p2.plane[r2 + c2[x]!]!;
      const k = p3.plane[r3 + c3[x]!]!;
      if (colour === 'ycck') {
        inkToRgb(
          ink(255 - clamp(a + CR_TO_R[c]!)),
          ink(255 - clamp(Math.round(a + CB_TO_G[b]! + CR_TO_G[c]!))),
          ink(255 - clamp(a + CB_TO_B[b]!)),
          ink(k),
          band,
          o,
        );
      } else {
        inkToRgb(ink(a), ink(b), ink(c), ink(k), band, o);
      }
    }
  }
}
