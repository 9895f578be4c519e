/**
 * A streaming decoder for lossy WebP (VP8 key frames, RFC 6386) in TypeScript.
 *
 * Why not only libwebp: @jsquash's build hands back the whole RGBA frame, in its linear memory and
 * again as a JavaScript copy, which caps WebP at a few megapixels in a 128 MB isolate. This one
 * decodes a macroblock row at a time and hands each band of RGBA rows to a sink, holding only the
 * rows the intra prediction and the loop filter still need: memory grows with the width only.
 *
 * The output is libwebp's (WebPDecodeRGBA): the same bitstream decoding, the same "fancy" chroma
 * upsampling and the same fixed-point YUV → RGB, so the pixels are identical.
 *
 * Per macroblock row: the intra modes are read from the first partition, the coefficients of each
 * macroblock from its token partition, the macroblock is predicted and reconstructed in a small
 * work area (webp-vp8-dsp.ts) and copied into the row buffers; after the row, the loop filter runs
 * over it (and over the bottom rows of the row above, which its top edges reach), and every row
 * that no later filtering or upsampling can change is converted and emitted.
 *
 * Scope: lossy WebP without alpha, a simple `VP8 ` file or an extended (`VP8X`) one whose image is
 * a `VP8 ` chunk without `ALPH`. Lossless, alpha and animation are refused as 'corrupt' (this
 * decoder does not take them; libwebp does).
 */
import { UndecodableImageError } from './errors';
import type { RowSink } from './pixels';
import { BoolDecoder } from './webp-vp8-bool';
import {
  B_DC_PRED,
  B_HE_PRED,
  B_TM_PRED,
  B_VE_PRED,
  inverseDcAdd,
  inverseDctAdd,
  inverseWht,
  normalFilter,
  predict4,
  predictBlock,
  simpleFilter,
  U_OFF,
  upsampleRow,
  V_OFF,
  WORK_SIZE,
  WORK_STRIDE,
  Y_OFF,
} from './webp-vp8-dsp';
import { AC_QUANT, COEFF_UPDATE_PROBS, DC_QUANT, DEFAULT_COEFF_PROBS, KEYFRAME_BMODE_PROBS } from './webp-vp8-tables';

const corrupt = (detail: string): UndecodableImageError =>
  new UndecodableImageError('corrupt', `The WebP data is damaged: ${detail}`);
const truncated = (detail: string): UndecodableImageError =>
  new UndecodableImageError('truncated', `The WebP data ends before the image does (${detail})`);
const refused = (what: string): UndecodableImageError =>
  new UndecodableImageError('corrupt', `The WebP file is ${what}, which the streaming decoder does not take`);

const le16 = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8);
const le24 = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
const le32 = (b: Uint8Array, at: number): number => (le24(b, at) + b[at + 3]! * 0x1000000) >>> 0;
const fourcc = (b: Uint8Array, at: number): string => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);

// ---------------------------------------------------------------------------------------------
// Container (RIFF)

const VP8X_ANIMATION = 0x02;

interface Container {
  /** The VP8X header, when the file is extended. */
  extended: { flags: number; width: number; height: number } | null;
  /** The image chunk: its kind and payload, clipped to the bytes present. */
  image: { kind: 'VP8 ' | 'VP8L'; start: number; end: number; declaredEnd: number } | null;
  alphChunk: boolean;
  /** Where the chunks the RIFF header announces end, and whether the file has all of them. */
  riffEnd: number;
  complete: boolean;
}

/** Walks the chunks up to the image chunk; null when this is not a RIFF WebP (or its VP8X header is malformed). */
function readContainer(bytes: Uint8Array): Container | null {
  if (bytes.length < 12 || fourcc(bytes, 0) !== 'RIFF' || fourcc(bytes, 8) !== 'WEBP') return null;
  const riffSize = le32(bytes, 4);
  const riffEnd = Math.min(8 + riffSize, bytes.length);
  const container: Container = {
    extended: null,
    image: null,
    alphChunk: false,
    riffEnd,
    complete: 8 + riffSize <= bytes.length,
  };
  let at = 12;
  while (at + 8 <= riffEnd) {
    const kind = fourcc(bytes, at);
    const size = le32(bytes, at + 4);
    const start = at + 8;
    const declaredEnd = start + size;
    if (kind === 'VP8X' && at === 12) {
      if (size !== 10) return null;
      if (start + 10 > riffEnd) return container;
      container.extended = {
        flags: bytes[start]!,
        width: 1 + le24(bytes, start + 4),
        height: 1 + le24(bytes, start + 7),
      };
    } else if (kind === 'ALPH') {
      container.alphChunk = true;
    } else if (kind === 'VP8 ' || kind === 'VP8L') {
      container.image = { kind, start, end: Math.min(declaredEnd, riffEnd), declaredEnd };
      return container;
    }
    // Chunks are padded to an even size.
    at = declaredEnd + (size & 1);
  }
  return container;
}

/** The VP8 bitstream of a file this decoder takes, or the reason it does not. */
function lossyPayload(bytes: Uint8Array): {
  start: number;
  end: number;
  canvas: { width: number; height: number } | null;
} {
  const container = readContainer(bytes);
  if (!container) {
    const riff = [0x52, 0x49, 0x46, 0x46];
    if (bytes.length < 12 && bytes.every((byte, i) => i >= 4 || byte === riff[i])) throw truncated('header');
    throw corrupt('not a RIFF WebP file, or a malformed VP8X header');
  }
  if (8 + le32(bytes, 4) < 20) throw corrupt('RIFF size too small');
  // As libwebp given the whole file: chunks the RIFF header announces but the file lacks mean it was cut short.
  if (!container.complete) throw truncated('RIFF size');
  const { extended, image } = container;
  if (extended && (extended.flags & VP8X_ANIMATION) !== 0) throw refused('animated');
  if (!image) throw container.complete ? corrupt('no image chunk') : truncated('no image chunk');
  if (image.kind === 'VP8L') throw refused('lossless');
  if (container.alphChunk) throw refused('lossy with alpha');
  if (image.declaredEnd > bytes.length) throw truncated('image chunk');
  if (image.declaredEnd > container.riffEnd) throw corrupt('image chunk runs past the RIFF size');
  return {
    start: image.start,
    end: image.end,
    canvas: extended ? { width: extended.width, height: extended.height } : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Frame header (RFC 6386 9)

interface FrameHeader {
  width: number;
  height: number;
  /** 0 none, 1 simple, 2 normal. */
  filterType: number;
  filterLevel: number;
  sharpness: number;
  useLfDelta: boolean;
  refLfDelta0: number;
  modeLfDelta0: number;
  segmentation: boolean;
  updateMap: boolean;
  absoluteDelta: boolean;
  segmentQuant: Int32Array;
  segmentFilter: Int32Array;
  segmentProbs: Uint8Array;
  /** Per segment: y1 dc, y1 ac, y2 dc, y2 ac, uv dc, uv ac. */
  quant: Int32Array;
  coeffProbs: Uint8Array;
  skipProb: number;
  first: BoolDecoder;
  partitions: BoolDecoder[];
}

const clip = (value: number, max: number): number => (value < 0 ? 0 : value > max ? max : value);

function readFrameHeader(bytes: Uint8Array, start: number, end: number): FrameHeader {
  if (end - start < 10) throw truncated('frame header');
  const tag = le24(bytes, start);
  if ((tag & 1) !== 0) throw corrupt('the first frame is not a key frame');
  if (((tag >> 1) & 7) > 3) throw corrupt('unknown VP8 profile');
  if (((tag >> 4) & 1) === 0) throw corrupt('frame not meant to be shown');
  const firstSize = tag >>> 5;
  if (bytes[start + 3] !== 0x9d || bytes[start + 4] !== 0x01 || bytes[start + 5] !== 0x2a)
    throw corrupt('bad key frame start code');
  const width = le16(bytes, start + 6) & 0x3fff;
  const height = le16(bytes, start + 8) & 0x3fff;
  if (width === 0 || height === 0) throw corrupt('zero width or height');
  const firstStart = start + 10;
  if (firstStart + firstSize > end) throw truncated('first partition');
  const br = new BoolDecoder(bytes, firstStart, firstStart + firstSize);
  br.getBit(0x80); // colour space: only 0 is defined, and libwebp ignores it
  br.getBit(0x80); // clamping type: clamping is always done

  // Segmentation (9.3)
  const segmentQuant = new Int32Array(4);
  const segmentFilter = new Int32Array(4);
  const segmentProbs = new Uint8Array([255, 255, 255]);
  const segmentation = br.getBit(0x80) === 1;
  let updateMap = false;
  let absoluteDelta = false;
  if (segmentation) {
    updateMap = br.getBit(0x80) === 1;
    if (br.getBit(0x80)) {
      absoluteDelta = br.getBit(0x80) === 1;
      for (let s = 0; s < 4; s++) segmentQuant[s] = br.getOptionalSigned(7);
      for (let s = 0; s < 4; s++) segmentFilter[s] = br.getOptionalSigned(6);
    }
    if (updateMap) for (let s = 0; s < 3; s++) segmentProbs[s] = br.getBit(0x80) ? br.getValue(8) : 255;
  }

  // Loop filter (9.4, 9.6)
  const simple = br.getBit(0x80) === 1;
  const filterLevel = br.getValue(6);
  const sharpness = br.getValue(3);
  const useLfDelta = br.getBit(0x80) === 1;
  const refLfDelta = new Int32Array(4);
  const modeLfDelta = new Int32Array(4);
  if (useLfDelta && br.getBit(0x80)) {
    for (let i = 0; i < 4; i++) if (br.getBit(0x80)) refLfDelta[i] = br.getSignedValue(6);
    for (let i = 0; i < 4; i++) if (br.getBit(0x80)) modeLfDelta[i] = br.getSignedValue(6);
  }
  if (br.eof) throw truncated('frame header');

  // Token partitions (9.5)
  const partitionCount = 1 << br.getValue(2);
  const sizesStart = firstStart + firstSize;
  const sizesLength = 3 * (partitionCount - 1);
  if (end - sizesStart < sizesLength) throw truncated('partition sizes');
  const partitions: BoolDecoder[] = [];
  let partStart = sizesStart + sizesLength;
  for (let p = 0; p < partitionCount - 1; p++) {
    const size = Math.min(le24(bytes, sizesStart + 3 * p), end - partStart);
    partitions.push(new BoolDecoder(bytes, partStart, partStart + size));
    partStart += size;
  }
  if (partStart >= end) throw truncated('token partitions');
  partitions.push(new BoolDecoder(bytes, partStart, end));

  // Quantisers (9.6, 14.1)
  const baseQ = br.getValue(7);
  const y1dc = br.getOptionalSigned(4);
  const y2dc = br.getOptionalSigned(4);
  const y2ac = br.getOptionalSigned(4);
  const uvdc = br.getOptionalSigned(4);
  const uvac = br.getOptionalSigned(4);
  const quant = new Int32Array(24);
  for (let s = 0; s < 4; s++) {
    const q = segmentation ? segmentQuant[s]! + (absoluteDelta ? 0 : baseQ) : baseQ;
    const m = s * 6;
    quant[m] = DC_QUANT[clip(q + y1dc, 127)]!;
    quant[m + 1] = AC_QUANT[clip(q, 127)]!;
    quant[m + 2] = DC_QUANT[clip(q + y2dc, 127)]! * 2;
    // × 155 / 100, exactly as (x * 101581) >> 16 for every table value, and at least 8.
    quant[m + 3] = Math.max(8, (AC_QUANT[clip(q + y2ac, 127)]! * 101581) >> 16);
    quant[m + 4] = DC_QUANT[clip(q + uvdc, 117)]!;
    quant[m + 5] = AC_QUANT[clip(q + uvac, 127)]!;
  }

  br.getBit(0x80); // refresh_entropy_probs: meaningless with a single frame

  // Coefficient probability updates (13.4)
  const coeffProbs = new Uint8Array(DEFAULT_COEFF_PROBS);
  for (let i = 0; i < coeffProbs.length; i++) {
    if (br.getBit(COEFF_UPDATE_PROBS[i]!)) coeffProbs[i] = br.getValue(8);
  }
  const skipProb = br.getBit(0x80) ? br.getValue(8) : -1;

  return {
    width,
    height,
    filterType: filterLevel === 0 ? 0 : simple ? 1 : 2,
    filterLevel,
    sharpness,
    useLfDelta,
    refLfDelta0: refLfDelta[0]!,
    modeLfDelta0: modeLfDelta[0]!,
    segmentation,
    updateMap,
    absoluteDelta,
    segmentQuant,
    segmentFilter,
    segmentProbs,
    quant,
    coeffProbs,
    skipProb,
    first: br,
    partitions,
  };
}

/**
 * Filter parameters per segment and per "is B_PRED" (9.6, 15.2): [limit, interior limit, hev
 * threshold] × 8, where limit is 2·level + interior (0: no filtering), as libwebp precomputes them.
 */
function filterStrengths(header: FrameHeader): Int32Array {
  const strengths = new Int32Array(4 * 2 * 3);
  if (header.filterType === 0) return strengths;
  for (let s = 0; s < 4; s++) {
    let base = header.filterLevel;
    if (header.segmentation) {
      base = header.segmentFilter[s]!;
      if (!header.absoluteDelta) base += header.filterLevel;
    }
    for (let i4 = 0; i4 <= 1; i4++) {
      let level = base;
      if (header.useLfDelta) {
        level += header.refLfDelta0;
        if (i4) level += header.modeLfDelta0;
      }
      level = clip(level, 63);
      const at = (s * 2 + i4) * 3;
      if (level === 0) continue;
      let interior = level;
      if (header.sharpness > 0) {
        interior >>= header.sharpness > 4 ? 2 : 1;
        if (interior > 9 - header.sharpness) interior = 9 - header.sharpness;
      }
      if (interior < 1) interior = 1;
      strengths[at] = 2 * level + interior;
      strengths[at + 1] = interior;
      strengths[at + 2] = level >= 40 ? 2 : level >= 15 ? 1 : 0;
    }
  }
  return strengths;
}

// ---------------------------------------------------------------------------------------------
// Coefficient tokens (RFC 6386 13)

/** Coefficient position → band (13.3), with a 17th entry for the position past the last. */
const BANDS = [0, 1, 2, 3, 6, 4, 5, 6, 6, 6, 6, 6, 6, 6, 6, 7, 0];
/** Offset in the probability table of [type][band(position)][context 0]. */
const BAND_OFFSET = Int32Array.from({ length: 4 * 17 }, (_, i) => (Math.floor(i / 17) * 8 + BANDS[i % 17]!) * 3 * 11);
/** Zigzag scan position → raster index in the 4×4 block. */
const ZIGZAG = Uint8Array.from([0, 1, 4, 8, 5, 2, 3, 6, 9, 12, 13, 10, 7, 11, 14, 15]);
/** Extra-bits probabilities of the DCT_CAT3…6 tokens. */
const CAT_PROBS = [
  Uint8Array.from([173, 148, 140]),
  Uint8Array.from([176, 155, 140, 135]),
  Uint8Array.from([180, 157, 141, 134, 130]),
  Uint8Array.from([254, 254, 243, 230, 196, 177, 153, 140, 133, 130, 129]),
];

/** A token of value 2 or more, after the "not ONE" branch (13.2's tree below node 3). */
function largeValue(br: BoolDecoder, probs: Uint8Array, p: number): number {
  if (!br.getBit(probs[p + 3]!)) {
    if (!br.getBit(probs[p + 4]!)) return 2;
    return 3 + br.getBit(probs[p + 5]!);
  }
  if (!br.getBit(probs[p + 6]!)) {
    if (!br.getBit(probs[p + 7]!)) return 5 + br.getBit(159); // DCT_CAT1
    return 7 + 2 * br.getBit(165) + br.getBit(145); // DCT_CAT2
  }
  const high = br.getBit(probs[p + 8]!);
  const cat = 2 * high + br.getBit(probs[p + 9 + high]!);
  const extra = CAT_PROBS[cat]!;
  let v = 0;
  for (let i = 0; i < extra.length; i++) v = 2 * v + br.getBit(extra[i]!);
  return v + 3 + (8 << cat);
}

/**
 * Reads one block's tokens from position `n` into `out[at…]` (raster order, dequantised by `dc`
 * for position 0 and `ac` after it, stored as int16 as libwebp does). Returns the position after
 * the last token read: 0 or `first` for an empty block, 16 when the block runs to its end.
 */
function readCoefficients(
  br: BoolDecoder,
  probs: Uint8Array,
  type: number,
  ctx: number,
  dc: number,
  ac: number,
  n: number,
  out: Int16Array,
  at: number,
): number {
  const bands = type * 17;
  let p = BAND_OFFSET[bands + n]! + ctx * 11;
  for (; n < 16; n++) {
    if (!br.getBit(probs[p]!)) return n; // EOB
    while (!br.getBit(probs[p + 1]!)) {
      // DCT_0: no EOB can follow a zero
      if (++n === 16) return 16;
      p = BAND_OFFSET[bands + n]!;
    }
    const next = BAND_OFFSET[bands + n + 1]!;
    let v: number;
    if (!br.getBit(probs[p + 2]!)) {
      v = 1;
      p = next + 11;
    } else {
      v = largeValue(br, probs, p);
      p = next + 22;
    }
    if (br.getBit(0x80)) v = -v;
    out[at + ZIGZAG[n]!] = v * (n > 0 ? ac : dc);
  }
  return 16;
}

// ---------------------------------------------------------------------------------------------
// The frame

/** Where each of the 16 luma subblocks starts in the work area. */
const SUBBLOCK_AT = Int32Array.from({ length: 16 }, (_, n) => Y_OFF + (n & 3) * 4 + (n >> 2) * 4 * WORK_STRIDE);
/** And the 4 + 4 chroma subblocks. */
const CHROMA_AT = Int32Array.from(
  { length: 8 },
  (_, n) => (n < 4 ? U_OFF : V_OFF) + (n & 1) * 4 + ((n >> 1) & 1) * 4 * WORK_STRIDE,
);

/**
 * The 4×4 intra mode tree (11.2) in libwebp's mode numbering: pairs of entries per node, a
 * positive entry the next node, otherwise minus the mode (0 is B_DC_PRED).
 */
// Leaves: TM 1, VE 2, HE 3, RD 4, VR 5, LD 6, VL 7, HD 8, HU 9 (webp-vp8-dsp.ts).
const BMODE_TREE = Int8Array.from([0, 1, -1, 2, -2, 3, 4, 6, -3, 5, -4, -5, -6, 7, -7, 8, -8, -9]);

/** Rows of the previous macroblock row kept above the current one: filtering and upsampling reach this far back. */
const KEPT_LUMA_ROWS = 8;
const KEPT_CHROMA_ROWS = 8;

/** What a lossy WebP's frame header selects: for tests and diagnostics. */
export interface Vp8FrameSettings {
  width: number;
  height: number;
  filter: 'none' | 'simple' | 'normal';
  filterLevel: number;
  sharpness: number;
  segmentation: boolean;
  tokenPartitions: number;
  skipFlags: boolean;
}

/** Reads the frame header of a file decodeLossyWebp takes; throws as it does. */
export function readVp8FrameSettings(bytes: Uint8Array): Vp8FrameSettings {
  const payload = lossyPayload(bytes);
  const header = readFrameHeader(bytes, payload.start, payload.end);
  return {
    width: header.width,
    height: header.height,
    filter: (['none', 'simple', 'normal'] as const)[header.filterType]!,
    filterLevel: header.filterLevel,
    sharpness: header.sharpness,
    segmentation: header.segmentation,
    tokenPartitions: header.partitions.length,
    skipFlags: header.skipProb >= 0,
  };
}

/**
 * Decodes a lossy WebP without alpha top to bottom into `sink`, RGBA with alpha 255. Throws
 * UndecodableImageError: 'truncated' when the data ends early, 'corrupt' when it is invalid or a
 * kind this decoder does not take (lossless, alpha, animation).
 */
export function decodeLossyWebp(bytes: Uint8Array, sink: RowSink): void {
  const payload = lossyPayload(bytes);
  const header = readFrameHeader(bytes, payload.start, payload.end);
  const { width, height, filterType, coeffProbs, quant } = header;
  if (payload.canvas && (payload.canvas.width !== width || payload.canvas.height !== height))
    throw corrupt('the VP8X canvas and the VP8 frame differ in size');

  const mbw = (width + 15) >> 4;
  const mbh = (height + 15) >> 4;
  const br = header.first;
  const parts = header.partitions;
  const partMask = parts.length - 1;
  const useSkip = header.skipProb >= 0;
  const skipProb = header.skipProb;
  const strengths = filterStrengths(header);

  // Per macroblock of the current row: what the first partition says.
  const mbSegment = new Uint8Array(mbw);
  const mbSkip = new Uint8Array(mbw);
  const mbIsI4 = new Uint8Array(mbw);
  const mbModes = new Uint8Array(mbw * 16);
  const mbUvMode = new Uint8Array(mbw);
  // And how the loop filter treats it.
  const fLimit = new Int32Array(mbw);
  const fInterior = new Int32Array(mbw);
  const fHev = new Int32Array(mbw);
  const fInner = new Uint8Array(mbw);
  // Contexts: 4×4 modes of the bottom row of subblocks above / right column to the left.
  const intraTop = new Uint8Array(mbw * 4);
  const intraLeft = new Uint8Array(4);
  // Non-zero contexts, 9 per macroblock: 4 luma columns, 2 U, 2 V, Y2.
  const nzTop = new Uint8Array(mbw * 9);
  const nzLeft = new Uint8Array(9);

  const coeffs = new Int16Array(384);
  const y2 = new Int16Array(16);
  /** Per block of the macroblock (16 luma, 4 U, 4 V): 0 nothing to add, 1 DC only, 2 full inverse DCT. */
  const blockKind = new Uint8Array(24);
  const scratch = new Int32Array(16);
  const work = new Uint8ClampedArray(WORK_SIZE);

  // Unfiltered bottom rows of the macroblock row above, for intra prediction.
  const topY = new Uint8ClampedArray(mbw * 16);
  const topU = new Uint8ClampedArray(mbw * 8);
  const topV = new Uint8ClampedArray(mbw * 8);

  // Row buffers: the kept rows of the previous macroblock row, then the current one.
  const yStride = mbw * 16;
  const uvStride = mbw * 8;
  const rowY = new Uint8ClampedArray(yStride * (KEPT_LUMA_ROWS + 16));
  const rowU = new Uint8ClampedArray(uvStride * (KEPT_CHROMA_ROWS + 8));
  const rowV = new Uint8ClampedArray(uvStride * (KEPT_CHROMA_ROWS + 8));
  const band = new Uint8ClampedArray(width * 4 * (KEPT_LUMA_ROWS + 16));
  const bandBytes = new Uint8Array(band.buffer);
  const chromaHeight = (height + 1) >> 1;

  const parseIntraRow = (): void => {
    intraLeft.fill(B_DC_PRED);
    for (let x = 0; x < mbw; x++) {
      const probs = header.segmentProbs;
      mbSegment[x] = header.updateMap ? (!br.getBit(probs[0]!) ? br.getBit(probs[1]!) : 2 + br.getBit(probs[2]!)) : 0;
      mbSkip[x] = useSkip ? br.getBit(skipProb) : 0;
      const top = x * 4;
      if (br.getBit(145)) {
        // A whole-block luma mode (11.2 kf_ymode_tree), which is also its subblocks' context.
        const mode = br.getBit(156) ? (br.getBit(128) ? B_TM_PRED : B_HE_PRED) : br.getBit(163) ? B_VE_PRED : B_DC_PRED;
        mbIsI4[x] = 0;
        mbModes[x * 16] = mode;
        intraTop.fill(mode, top, top + 4);
        intraLeft.fill(mode);
      } else {
        mbIsI4[x] = 1;
        for (let y = 0; y < 4; y++) {
          let left = intraLeft[y]!;
          for (let i = 0; i < 4; i++) {
            const probs = (intraTop[top + i]! * 10 + left) * 9;
            let node = BMODE_TREE[br.getBit(KEYFRAME_BMODE_PROBS[probs]!)]!;
            while (node > 0) node = BMODE_TREE[2 * node + br.getBit(KEYFRAME_BMODE_PROBS[probs + node]!)]!;
            left = -node;
            intraTop[top + i] = left;
            mbModes[x * 16 + y * 4 + i] = left;
          }
          intraLeft[y] = left;
        }
      }
      mbUvMode[x] = !br.getBit(142) ? B_DC_PRED : !br.getBit(114) ? B_VE_PRED : br.getBit(183) ? B_TM_PRED : B_HE_PRED;
    }
    if (br.eof) throw truncated('first partition');
  };

  /** Reads a macroblock's coefficients; true when any block has something to add. */
  const parseResiduals = (tp: BoolDecoder, x: number): boolean => {
    const q = mbSegment[x]! * 6;
    const t = x * 9;
    coeffs.fill(0);
    let first: number;
    let type: number;
    if (!mbIsI4[x]) {
      y2.fill(0);
      const ctx = nzTop[t + 8]! + nzLeft[8]!;
      const nz = readCoefficients(tp, coeffProbs, 1, ctx, quant[q + 2]!, quant[q + 3]!, 0, y2, 0);
      nzTop[t + 8] = nzLeft[8] = nz > 0 ? 1 : 0;
      if (nz > 1) inverseWht(y2, coeffs, scratch);
      else {
        const dc = (y2[0]! + 3) >> 3;
        for (let i = 0; i < 256; i += 16) coeffs[i] = dc;
      }
      first = 1;
      type = 0;
    } else {
      first = 0;
      type = 3;
    }
    let any = false;
    const dq0 = quant[q]!;
    const dq1 = quant[q + 1]!;
    for (let y = 0; y < 4; y++) {
      let l = nzLeft[y]!;
      for (let i = 0; i < 4; i++) {
        const b = y * 4 + i;
        const nz = readCoefficients(tp, coeffProbs, type, l + nzTop[t + i]!, dq0, dq1, first, coeffs, b * 16);
        l = nz > first ? 1 : 0;
        nzTop[t + i] = l;
        const kind = nz > 1 ? 2 : coeffs[b * 16] !== 0 ? 1 : 0;
        blockKind[b] = kind;
        if (kind) any = true;
      }
      nzLeft[y] = l;
    }
    const uvdc = quant[q + 4]!;
    const uvac = quant[q + 5]!;
    for (let c = 0; c < 2; c++) {
      for (let y = 0; y < 2; y++) {
        let l = nzLeft[4 + c * 2 + y]!;
        for (let i = 0; i < 2; i++) {
          const b = 16 + c * 4 + y * 2 + i;
          const nz = readCoefficients(tp, coeffProbs, 2, l + nzTop[t + 4 + c * 2 + i]!, uvdc, uvac, 0, coeffs, b * 16);
          l = nz > 0 ? 1 : 0;
          nzTop[t + 4 + c * 2 + i] = l;
          const kind = nz > 1 ? 2 : coeffs[b * 16] !== 0 ? 1 : 0;
          blockKind[b] = kind;
          if (kind) any = true;
        }
        nzLeft[4 + c * 2 + y] = l;
      }
    }
    return any;
  };

  const addResidual = (b: number, dst: number): void => {
    const kind = blockKind[b]!;
    if (kind === 2) inverseDctAdd(coeffs, b * 16, work, dst, scratch);
    else if (kind === 1) inverseDcAdd(coeffs[b * 16]!, work, dst);
  };

  /** Predicts and reconstructs macroblock (x, mbY) in the work area, then copies it into the row buffers. */
  const reconstruct = (x: number, mbY: number): void => {
    const S = WORK_STRIDE;
    if (x > 0) {
      // The previous macroblock's right columns (and the corner above them) become the left edge.
      for (let j = -1, o = Y_OFF - S; j < 16; j++, o += S) {
        work[o - 4] = work[o + 12]!;
        work[o - 3] = work[o + 13]!;
        work[o - 2] = work[o + 14]!;
        work[o - 1] = work[o + 15]!;
      }
      for (let j = -1, u = U_OFF - S, v = V_OFF - S; j < 8; j++, u += S, v += S) {
        work[u - 4] = work[u + 4]!;
        work[u - 3] = work[u + 5]!;
        work[u - 2] = work[u + 6]!;
        work[u - 1] = work[u + 7]!;
        work[v - 4] = work[v + 4]!;
        work[v - 3] = work[v + 5]!;
        work[v - 2] = work[v + 6]!;
        work[v - 1] = work[v + 7]!;
      }
    }
    if (mbY > 0) {
      for (let i = 0; i < 16; i++) work[Y_OFF - S + i] = topY[x * 16 + i]!;
      for (let i = 0; i < 8; i++) {
        work[U_OFF - S + i] = topU[x * 8 + i]!;
        work[V_OFF - S + i] = topV[x * 8 + i]!;
      }
    }
    const modes = x * 16;
    if (mbIsI4[x]) {
      const topRight = Y_OFF - S + 16;
      if (mbY > 0) {
        const last = x === mbw - 1;
        for (let i = 0; i < 4; i++) work[topRight + i] = topY[last ? x * 16 + 15 : x * 16 + 16 + i]!;
      }
      // The subblocks of the right column all see the row above the macroblock as their above-right.
      for (let r = 1; r < 4; r++) {
        for (let i = 0; i < 4; i++) work[topRight + 4 * r * S + i] = work[topRight + i]!;
      }
      for (let n = 0; n < 16; n++) {
        const dst = SUBBLOCK_AT[n]!;
        predict4(work, dst, mbModes[modes + n]!);
        addResidual(n, dst);
      }
    } else {
      predictBlock(work, Y_OFF, 16, mbModes[modes]!, mbY > 0, x > 0);
      for (let n = 0; n < 16; n++) addResidual(n, SUBBLOCK_AT[n]!);
    }
    const uvMode = mbUvMode[x]!;
    predictBlock(work, U_OFF, 8, uvMode, mbY > 0, x > 0);
    predictBlock(work, V_OFF, 8, uvMode, mbY > 0, x > 0);
    for (let n = 0; n < 8; n++) addResidual(16 + n, CHROMA_AT[n]!);

    // Into the row buffers, and the bottom rows aside as the next row's top edge.
    for (let j = 0, from = Y_OFF, to = KEPT_LUMA_ROWS * yStride + x * 16; j < 16; j++, from += S, to += yStride) {
      for (let i = 0; i < 16; i++) rowY[to + i] = work[from + i]!;
    }
    for (let j = 0, u = U_OFF, v = V_OFF, to = KEPT_CHROMA_ROWS * uvStride + x * 8; j < 8; j++) {
      for (let i = 0; i < 8; i++) {
        rowU[to + i] = work[u + i]!;
        rowV[to + i] = work[v + i]!;
      }
      u += S;
      v += S;
      to += uvStride;
    }
    if (mbY < mbh - 1) {
      for (let i = 0; i < 16; i++) topY[x * 16 + i] = work[Y_OFF + 15 * S + i]!;
      for (let i = 0; i < 8; i++) {
        topU[x * 8 + i] = work[U_OFF + 7 * S + i]!;
        topV[x * 8 + i] = work[V_OFF + 7 * S + i]!;
      }
    }
  };

  /** The loop filter over the current macroblock row, macroblock by macroblock as libwebp orders it. */
  const filterRow = (mbY: number): void => {
    for (let x = 0; x < mbw; x++) {
      const limit = fLimit[x]!;
      if (limit === 0) continue;
      const yAt = KEPT_LUMA_ROWS * yStride + x * 16;
      const inner = fInner[x] === 1;
      if (filterType === 1) {
        const edge2 = 2 * (limit + 4) + 1;
        const inner2 = 2 * limit + 1;
        if (x > 0) simpleFilter(rowY, yAt, 1, yStride, 16, edge2);
        if (inner) for (let i = 4; i < 16; i += 4) simpleFilter(rowY, yAt + i, 1, yStride, 16, inner2);
        if (mbY > 0) simpleFilter(rowY, yAt, yStride, 1, 16, edge2);
        if (inner) for (let i = 4; i < 16; i += 4) simpleFilter(rowY, yAt + i * yStride, yStride, 1, 16, inner2);
      } else {
        const interior = fInterior[x]!;
        const hev = fHev[x]!;
        const edge2 = 2 * (limit + 4) + 1;
        const inner2 = 2 * limit + 1;
        const uvAt = KEPT_CHROMA_ROWS * uvStride + x * 8;
        if (x > 0) {
          normalFilter(rowY, yAt, 1, yStride, 16, edge2, interior, hev, true);
          normalFilter(rowU, uvAt, 1, uvStride, 8, edge2, interior, hev, true);
          normalFilter(rowV, uvAt, 1, uvStride, 8, edge2, interior, hev, true);
        }
        if (inner) {
          for (let i = 4; i < 16; i += 4) normalFilter(rowY, yAt + i, 1, yStride, 16, inner2, interior, hev, false);
          normalFilter(rowU, uvAt + 4, 1, uvStride, 8, inner2, interior, hev, false);
          normalFilter(rowV, uvAt + 4, 1, uvStride, 8, inner2, interior, hev, false);
        }
        if (mbY > 0) {
          normalFilter(rowY, yAt, yStride, 1, 16, edge2, interior, hev, true);
          normalFilter(rowU, uvAt, uvStride, 1, 8, edge2, interior, hev, true);
          normalFilter(rowV, uvAt, uvStride, 1, 8, edge2, interior, hev, true);
        }
        if (inner) {
          for (let i = 4; i < 16; i += 4)
            normalFilter(rowY, yAt + i * yStride, yStride, 1, 16, inner2, interior, hev, false);
          normalFilter(rowU, uvAt + 4 * uvStride, uvStride, 1, 8, inner2, interior, hev, false);
          normalFilter(rowV, uvAt + 4 * uvStride, uvStride, 1, 8, inner2, interior, hev, false);
        }
      }
    }
  };

  /**
   * Converts and emits the rows that are final after macroblock row `mbY` is filtered: up to 8
   * luma rows into it (the next row's filter changes its last 3, and the upsampler needs the
   * chroma row below, which that filter changes from its 5th row on), everything at the end.
   */
  const emitRows = (mbY: number): void => {
    const base = 16 * mbY - KEPT_LUMA_ROWS; // image row of rowY's first row
    const chromaBase = 8 * mbY - KEPT_CHROMA_ROWS;
    const first = mbY === 0 ? 0 : base;
    const end = mbY === mbh - 1 ? height : Math.min(height, 16 * mbY + 8);
    for (let y = first; y < end; y++) {
      let near: number;
      let far: number;
      if (y & 1) {
        near = (y - 1) >> 1;
        far = Math.min(near + 1, chromaHeight - 1);
      } else {
        near = y >> 1;
        far = Math.max(near - 1, 0);
      }
      upsampleRow(
        rowY,
        (y - base) * yStride,
        rowU,
        rowV,
        (near - chromaBase) * uvStride,
        (far - chromaBase) * uvStride,
        band,
        (y - first) * width * 4,
        width,
      );
    }
    if (end > first) sink.accept(bandBytes.subarray(0, (end - first) * width * 4), first, end - first);
    // Keep the bottom rows for the next macroblock row's filter and upsampler.
    rowY.copyWithin(0, 16 * yStride, (KEPT_LUMA_ROWS + 16) * yStride);
    rowU.copyWithin(0, 8 * uvStride, (KEPT_CHROMA_ROWS + 8) * uvStride);
    rowV.copyWithin(0, 8 * uvStride, (KEPT_CHROMA_ROWS + 8) * uvStride);
  };

  for (let mbY = 0; mbY < mbh; mbY++) {
    parseIntraRow();
    const tp = parts[mbY & partMask]!;
    // The left edge of the row: 129 beside the frame, and the corner above it 129 too (127 on the first row).
    for (let j = 0; j < 16; j++) work[Y_OFF - 1 + j * WORK_STRIDE] = 129;
    for (let j = 0; j < 8; j++) work[U_OFF - 1 + j * WORK_STRIDE] = work[V_OFF - 1 + j * WORK_STRIDE] = 129;
    if (mbY > 0) {
      work[Y_OFF - 1 - WORK_STRIDE] = work[U_OFF - 1 - WORK_STRIDE] = work[V_OFF - 1 - WORK_STRIDE] = 129;
    } else {
      work.fill(127, Y_OFF - WORK_STRIDE - 1, Y_OFF - WORK_STRIDE + 20);
      work.fill(127, U_OFF - WORK_STRIDE - 1, U_OFF - WORK_STRIDE + 8);
      work.fill(127, V_OFF - WORK_STRIDE - 1, V_OFF - WORK_STRIDE + 8);
    }
    nzLeft.fill(0);
    for (let x = 0; x < mbw; x++) {
      let skip = useSkip ? mbSkip[x] === 1 : false;
      if (!skip) {
        skip = !parseResiduals(tp, x);
      } else {
        nzLeft.fill(0, 0, 8);
        nzTop.fill(0, x * 9, x * 9 + 8);
        if (!mbIsI4[x]) nzTop[x * 9 + 8] = nzLeft[8] = 0;
        blockKind.fill(0);
      }
      if (tp.eof) throw truncated('token partition');
      if (filterType > 0) {
        const at = (mbSegment[x]! * 2 + mbIsI4[x]!) * 3;
        fLimit[x] = strengths[at]!;
        fInterior[x] = strengths[at + 1]!;
        fHev[x] = strengths[at + 2]!;
        fInner[x] = mbIsI4[x] || !skip ? 1 : 0;
      }
      reconstruct(x, mbY);
    }
    if (filterType > 0) filterRow(mbY);
    emitRows(mbY);
  }
}
