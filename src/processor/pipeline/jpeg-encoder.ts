/**
 * A baseline JPEG encoder (YCbCr 4:2:0, float AAN DCT) for every JPEG the processor writes:
 * originals that must be re-encoded from pixels (PNG, WebP, progressive JPEG, or a turned JPEG too
 * large to turn in the DCT domain), with the Annex K tables, and the display, thumbnail and avatar
 * variants. `encodePlanarJpeg` writes component planes as they are, at any sampling and with given
 * tables (a turned JPEG re-encoded from its own planes, jpeg-transcode.ts).
 *
 * Why not mozjpeg for it: mozjpeg's trellis quantisation cannot be switched off through
 * @jsquash's options, which makes it ~200 ns per pixel (2.5 s for 12 MP), and it holds the whole
 * image several times over in its linear memory (~16 bytes per pixel: 190 MB for 12 MP). This
 * encoder converts one 16-row band at a time straight from the source pixels, read through an
 * orientation walk so that a turned original never needs a turned copy, and its only large
 * allocation is the output. The same holds at display size: mozjpeg took ~130 ms for a 640 × 480
 * display and thumbnail, this encoder ~35 ms (docs/image-pipeline.md, "Issue 14, third pass").
 *
 * Huffman tables are optimised for the image, from the symbol statistics of a first pass, so files
 * are as small as libjpeg-turbo's with `optimize_coding`.
 */
import {
  BitWriter,
  codesOf,
  countBlock,
  optimalSpec,
  segment,
  writeBlock,
  ZIGZAG,
  type HuffmanSpec,
} from './jpeg-entropy';
import { orientedWalk, type OrientedWalk } from './orient';
import type { Pixels } from './pixels';

/**
 * How coefficients are quantised: base tables (luminance then chrominance, natural order, for
 * quality 50) and where an AC coefficient rounds up to the next step (0.5: to the nearest).
 */
export interface Quantisation {
  tables: readonly [readonly number[], readonly number[]];
  acRounding: number;
}

/** Annex K.1, rounding to nearest: libjpeg's and sharp's defaults, for originals that must stay faithful. */
export const ANNEX_K: Quantisation = {
  acRounding: 0.5,
  tables: [
    [
      16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29,
      51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120,
      101, 72, 92, 95, 98, 112, 100, 103, 99,
    ],
    [
      17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99,
      99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
      99, 99, 99, 99, 99, 99, 99, 99,
    ],
  ],
};

/** mozjpeg's default table set (jcparam.c, table 3, N. Robidoux's for ImageMagick), the same for both components. */
const MOZJPEG_BASE = [
  16, 16, 16, 18, 25, 37, 56, 85, 16, 17, 20, 27, 34, 40, 53, 75, 16, 20, 24, 31, 43, 62, 91, 135, 18, 27, 31, 40, 53,
  74, 106, 156, 25, 34, 43, 53, 69, 94, 131, 189, 37, 40, 62, 74, 94, 124, 169, 238, 56, 53, 91, 106, 131, 169, 226,
  311, 85, 75, 135, 156, 189, 238, 311, 418,
];

/**
 * For the display and thumbnail, which were mozjpeg's: its tables, and a dead zone that rounds an
 * AC coefficient up only past 5/8 of a step. That drops the many ±1 coefficients that cost bits
 * for little fidelity, the cheapest part of what mozjpeg's trellis does. At equal PSNR files are
 * 3–7 % larger than mozjpeg's (bench/display-encode.ts, docs/image-pipeline.md), at a third of its time.
 */
export const MOZJPEG_LIKE: Quantisation = { tables: [MOZJPEG_BASE, MOZJPEG_BASE], acRounding: 0.375 };

/** AAN scale factors: the float DCT leaves each coefficient multiplied by these (jfdctflt.c). */
const AAN_SCALE = [1, 1.387039845, 1.306562965, 1.175875602, 1, 0.785694958, 0.5411961, 0.275899379];

/** libjpeg's quality scaling, so quality numbers mean what they mean in cjpeg and sharp. */
function quantTable(base: readonly number[], quality: number): Uint8Array {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const scale = q < 50 ? 5000 / q : 200 - q * 2;
  return Uint8Array.from(base, (value) => Math.min(255, Math.max(1, Math.floor((value * scale + 50) / 100))));
}

/** Multipliers that undo the AAN scaling and quantise in one step, in natural order. */
function quantMultipliers(table: Uint8Array): Float64Array {
  const out = new Float64Array(64);
  for (let row = 0; row < 8; row++) {
    for (let col = 0; col < 8; col++) {
      out[row * 8 + col] = 1 / (table[row * 8 + col]! * AAN_SCALE[row]! * AAN_SCALE[col]! * 8);
    }
  }
  return out;
}

/**
 * Forward DCT (AAN, as libjpeg's jfdctflt.c) of a block of level-shifted samples, then
 * quantisation, written to `out` in zigzag order: the order the entropy coder reads.
 */
function dctQuantise(d: Float64Array, multipliers: Float64Array, acRounding: number, out: Int16Array): void {
  for (let o = 0; o < 64; o += 8) {
    const x0 = d[o]!,
      x1 = d[o + 1]!,
      x2 = d[o + 2]!,
      x3 = d[o + 3]!,
      x4 = d[o + 4]!,
      x5 = d[o + 5]!,
      x6 = d[o + 6]!,
      x7 = d[o + 7]!;
    const t0 = x0 + x7,
      t7 = x0 - x7,
      t1 = x1 + x6,
      t6 = x1 - x6,
      t2 = x2 + x5,
      t5 = x2 - x5,
      t3 = x3 + x4,
      t4 = x3 - x4;
    const t10 = t0 + t3,
      t13 = t0 - t3,
      t11 = t1 + t2,
      t12 = t1 - t2;
    const z1 = (t12 + t13) * 0.707106781;
    const u10 = t4 + t5,
      u11 = t5 + t6,
      u12 = t6 + t7;
    const z5 = (u10 - u12) * 0.382683433;
    const z2 = 0.5411961 * u10 + z5,
      z4 = 1.306562965 * u12 + z5,
      z3 = u11 * 0.707106781;
    const z11 = t7 + z3,
      z13 = t7 - z3;
    d[o] = t10 + t11;
    d[o + 1] = z11 + z4;
    d[o + 2] = t13 + z1;
    d[o + 3] = z13 - z2;
    d[o + 4] = t10 - t11;
    d[o + 5] = z13 + z2;
    d[o + 6] = t13 - z1;
    d[o + 7] = z11 - z4;
  }
  for (let o = 0; o < 8; o++) {
    const x0 = d[o]!,
      x1 = d[o + 8]!,
      x2 = d[o + 16]!,
      x3 = d[o + 24]!,
      x4 = d[o + 32]!,
      x5 = d[o + 40]!,
      x6 = d[o + 48]!,
      x7 = d[o + 56]!;
    const t0 = x0 + x7,
      t7 = x0 - x7,
      t1 = x1 + x6,
      t6 = x1 - x6,
      t2 = x2 + x5,
      t5 = x2 - x5,
      t3 = x3 + x4,
      t4 = x3 - x4;
    const t10 = t0 + t3,
      t13 = t0 - t3,
      t11 = t1 + t2,
      t12 = t1 - t2;
    const z1 = (t12 + t13) * 0.707106781;
    const u10 = t4 + t5,
      u11 = t5 + t6,
      u12 = t6 + t7;
    const z5 = (u10 - u12) * 0.382683433;
    const z2 = 0.5411961 * u10 + z5,
      z4 = 1.306562965 * u12 + z5,
      z3 = u11 * 0.707106781;
    const z11 = t7 + z3,
      z13 = t7 - z3;
    d[o] = t10 + t11;
    d[o + 8] = z11 + z4;
    d[o + 16] = t13 + z1;
    d[o + 24] = z13 - z2;
    d[o + 32] = t10 - t11;
    d[o + 40] = z13 + z2;
    d[o + 48] = t13 - z1;
    d[o + 56] = z11 - z4;
  }
  // Symmetric about zero, as libjpeg's integer quantiser is; cheaper than Math.round.
  const dc = d[0]! * multipliers[0]!;
  out[0] = dc < 0 ? -((0.5 - dc) | 0) : (dc + 0.5) | 0;
  for (let k = 1; k < 64; k++) {
    const natural = ZIGZAG[k]!;
    const value = d[natural]! * multipliers[natural]!;
    out[k] = value < 0 ? -((acRounding - value) | 0) : (value + acRounding) | 0;
  }
}

/** Samples of one 16-row band of the upright image, edge pixels repeated to whole blocks. */
interface Band {
  y: Float64Array;
  cb: Float64Array;
  cr: Float64Array;
  /** Samples per row of the luma plane; the chroma planes have half. */
  stride: number;
}

function allocateBand(paddedWidth: number): Band {
  return {
    y: new Float64Array(paddedWidth * 16),
    cb: new Float64Array((paddedWidth / 2) * 8),
    cr: new Float64Array((paddedWidth / 2) * 8),
    stride: paddedWidth,
  };
}

/**
 * Converts rows [top, top + 16) of the walk to level-shifted Y and 2×2-averaged Cb and Cr
 * (centred chroma needs no +128, which is the level shift the DCT wants anyway). Rows and columns
 * past the image repeat the last one, as libjpeg does, so edge blocks do not ring.
 */
function fillBand(band: Band, source: Uint8Array, walk: OrientedWalk, top: number): void {
  const { y: luma, cb, cr, stride } = band;
  const chromaStride = stride >> 1;
  cb.fill(0);
  cr.fill(0);
  const step = walk.stepX * 4;
  for (let row = 0; row < 16; row++) {
    const sourceRow = Math.min(top + row, walk.height - 1);
    let p = (walk.origin + sourceRow * walk.stepY) * 4;
    const lumaRow = row * stride;
    const chromaRow = (row >> 1) * chromaStride;
    for (let x = 0; x < stride; x++) {
      const r = source[p]!,
        g = source[p + 1]!,
        b = source[p + 2]!;
      luma[lumaRow + x] = 0.299 * r + 0.587 * g + 0.114 * b - 128;
      const c = chromaRow + (x >> 1);
      cb[c] = cb[c]! + (-0.042183973 * r - 0.082816027 * g + 0.125 * b);
      cr[c] = cr[c]! + (0.125 * r - 0.1046718973 * g - 0.0203281028 * b);
      if (x < walk.width - 1) p += step;
    }
  }
}

function copyBlock(plane: Float64Array, stride: number, x: number, y: number, block: Float64Array): void {
  let i = 0;
  for (let row = 0; row < 8; row++) {
    let from = (y + row) * stride + x;
    for (let col = 0; col < 8; col++) block[i++] = plane[from++]!;
  }
}

/**
 * Blocks name their component by its index in the frame; coefficients arrive quantised, in zigzag
 * order, the block's 64 starting at `at`.
 */
type BlockSink = (zz: Int16Array, at: number, component: number) => void;

/** Hands every block of every `bandStep`-th row of MCUs to `sink`, in file order. */
type BlockSource = (sink: BlockSink, bandStep: number) => void;

/**
 * Hands every block of every `bandStep`-th band to `sink` in file order: the four luma blocks of
 * each 16×16 MCU, then Cb, then Cr.
 */
function forEachBlock(
  source: Uint8Array,
  walk: OrientedWalk,
  multipliers: [Float64Array, Float64Array],
  acRounding: number,
  sink: BlockSink,
  bandStep = 1,
): void {
  const paddedWidth = Math.ceil(walk.width / 16) * 16;
  const band = allocateBand(paddedWidth);
  const block = new Float64Array(64);
  const zz = new Int16Array(64);
  const emit = (plane: Float64Array, stride: number, x: number, y: number, component: 0 | 1 | 2): void => {
    copyBlock(plane, stride, x, y, block);
    dctQuantise(block, multipliers[component === 0 ? 0 : 1], acRounding, zz);
    sink(zz, 0, component);
  };
  for (let top = 0; top < walk.height; top += 16 * bandStep) {
    fillBand(band, source, walk, top);
    for (let x = 0; x < paddedWidth; x += 16) {
      emit(band.y, paddedWidth, x, 0, 0);
      emit(band.y, paddedWidth, x + 8, 0, 0);
      emit(band.y, paddedWidth, x, 8, 0);
      emit(band.y, paddedWidth, x + 8, 8, 0);
      emit(band.cb, paddedWidth >> 1, x >> 1, 0, 1);
      emit(band.cr, paddedWidth >> 1, x >> 1, 0, 2);
    }
  }
}

/** A component of the frame being written. */
interface FrameComponent {
  id: number;
  /** Sampling factors. */
  h: number;
  v: number;
  /** Index into the frame's quantisation tables (its DQT id). */
  quantId: number;
  /** Huffman tables: 0 luma, 1 chroma. */
  huffman: 0 | 1;
}

interface Frame {
  width: number;
  height: number;
  /** By DQT id, natural order, 8-bit entries; absent ids are not written. */
  quantTables: (Uint8Array | undefined)[];
  components: FrameComponent[];
}

function writeHeaders(out: BitWriter, frame: Frame, specs: { dc: HuffmanSpec[]; ac: HuffmanSpec[] }): void {
  out.raw([0xff, 0xd8]);
  // JFIF 1.01, no density information, no thumbnail.
  segment(out, 0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  frame.quantTables.forEach((table, id) => {
    if (table) segment(out, 0xdb, [id, ...Array.from(ZIGZAG, (natural) => table[natural]!)]);
  });
  const { width, height, components } = frame;
  segment(out, 0xc0, [
    8,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    components.length,
    ...components.flatMap((c) => [c.id, (c.h << 4) | c.v, c.quantId]),
  ]);
  // Class and id: DC tables first, then AC, luma before chroma.
  specs.dc.forEach((spec, id) => segment(out, 0xc4, [id, ...spec.counts, ...spec.symbols]));
  specs.ac.forEach((spec, id) => segment(out, 0xc4, [0x10 | id, ...spec.counts, ...spec.symbols]));
  segment(out, 0xda, [components.length, ...components.flatMap((c) => [c.id, (c.huffman << 4) | c.huffman]), 0, 63, 0]);
}

/**
 * Huffman statistics come from every 4th band of a large image: pass one then costs a quarter of
 * a full DCT pass, and the tables lose well under 1% against full statistics (measured in
 * docs/image-pipeline.md), because a photo's symbol mix is much the same across its height.
 */
function statisticsBandStep(height: number, mcuHeight: number): number {
  return height >= mcuHeight * 64 ? 4 : 1;
}

/** Baseline 8-bit JPEG: DC differences need up to 11 bits, AC coefficients up to 10. */
const DC_SYMBOLS: readonly number[] = Array.from({ length: 12 }, (_, size) => size);

function acSymbols(): number[] {
  const symbols = [0x00, 0xf0];
  for (let run = 0; run < 16; run++) for (let size = 1; size <= 10; size++) symbols.push((run << 4) | size);
  return symbols;
}

const AC_SYMBOLS: readonly number[] = acSymbols();

/** Sampled statistics may miss a symbol the full image needs; every possible one gets a code. */
function everySymbolOnce(counts: Uint32Array, symbols: readonly number[]): void {
  for (const symbol of symbols) if (counts[symbol] === 0) counts[symbol] = 1;
}

/** JPEG's size limit: dimensions are 16-bit fields. */
const MAX_JPEG_SIDE = 65_535;

/**
 * Encodes the upright image that `walk` reads from `source` (default: as stored). The result is a
 * plain JFIF file: no EXIF, XMP, comments or anything else beyond what decoding needs.
 *
 * `expectedBytes` sizes the output buffer: a good guess means it never grows, and growing is the
 * encoder's memory peak (old and new buffer at once).
 */
export function encodeJpeg(
  source: Pixels,
  quality: number,
  walk: OrientedWalk = orientedWalk(source.width, source.height, 1),
  expectedBytes = walk.width * walk.height * 0.5,
  quantisation: Quantisation = ANNEX_K,
): Uint8Array {
  const tables: [Uint8Array, Uint8Array] = [
    quantTable(quantisation.tables[0], quality),
    quantTable(quantisation.tables[1], quality),
  ];
  const multipliers: [Float64Array, Float64Array] = [quantMultipliers(tables[0]), quantMultipliers(tables[1])];
  const frame: Frame = {
    width: walk.width,
    height: walk.height,
    quantTables: tables,
    // Y sampled 2×2 (4:2:0) with table 0, Cb and Cr 1×1 with table 1.
    components: [
      { id: 1, h: 2, v: 2, quantId: 0, huffman: 0 },
      { id: 2, h: 1, v: 1, quantId: 1, huffman: 1 },
      { id: 3, h: 1, v: 1, quantId: 1, huffman: 1 },
    ],
  };
  return encodeFrame(
    frame,
    (sink, bandStep) => forEachBlock(source.data, walk, multipliers, quantisation.acRounding, sink, bandStep),
    expectedBytes,
  );
}

/**
 * Writes the frame whose blocks `blocks` produces: symbol statistics from a first pass over every
 * `statisticsBandStep`-th band, optimal Huffman tables from them, then the headers and every block.
 */
function encodeFrame(frame: Frame, blocks: BlockSource, expectedBytes: number): Uint8Array {
  if (frame.width > MAX_JPEG_SIDE || frame.height > MAX_JPEG_SIDE)
    throw new RangeError('JPEG sides are limited to 65535 pixels');
  const classes = Math.max(...frame.components.map((c) => c.huffman)) + 1;
  const dcCounts = Array.from({ length: classes }, () => new Uint32Array(256));
  const acCounts = Array.from({ length: classes }, () => new Uint32Array(256));
  const huffman = frame.components.map((c) => c.huffman);
  const lastDc = new Int32Array(frame.components.length);
  const mcuHeight = 8 * Math.max(...frame.components.map((c) => c.v));
  blocks(
    (zz, at, component) => {
      const table = huffman[component]!;
      countBlock(zz, at, lastDc[component]!, dcCounts[table]!, acCounts[table]!);
      lastDc[component] = zz[at]!;
    },
    statisticsBandStep(frame.height, mcuHeight),
  );
  for (const counts of dcCounts) everySymbolOnce(counts, DC_SYMBOLS);
  for (const counts of acCounts) everySymbolOnce(counts, AC_SYMBOLS);
  const specs = { dc: dcCounts.map(optimalSpec), ac: acCounts.map(optimalSpec) };
  const dcCodes = specs.dc.map(codesOf);
  const acCodes = specs.ac.map(codesOf);
  const out = new BitWriter(expectedBytes);
  writeHeaders(out, frame, specs);
  lastDc.fill(0);
  blocks((zz, at, component) => {
    const table = huffman[component]!;
    writeBlock(zz, at, lastDc[component]!, dcCodes[table]!, acCodes[table]!, out);
    lastDc[component] = zz[at]!;
  }, 1);
  out.flush();
  out.raw([0xff, 0xd9]);
  return out.result();
}

interface ComponentBase {
  /** Upright sampling factors. */
  h: number;
  v: number;
  /** Index into the planar source's quantisation tables. */
  quantId: number;
}

/** 8-bit samples at the component's own sampling, read upright through `walk`. */
export interface SampledComponent extends ComponentBase {
  samples: Uint8Array;
  /** Over `samples` (strides in samples), giving the component's upright plane. */
  walk: OrientedWalk;
}

/**
 * Blocks already quantised with the component's table (a JPEG's own, moved in the DCT domain):
 * every upright block of the MCU grid in zigzag order, `blocksWide` a row.
 */
export interface QuantisedComponent extends ComponentBase {
  coefficients: Int16Array;
  blocksWide: number;
}

/** One component of a planar source. */
export type PlanarComponent = SampledComponent | QuantisedComponent;

/** An image as component planes (Y, Cb, Cr, or Y alone), to be encoded as they are: no colour conversion, no resampling. */
export interface PlanarSource {
  /** Of the upright image. */
  width: number;
  height: number;
  components: PlanarComponent[];
  /** By id, natural order, for the upright blocks; entries 1–255. */
  quantTables: (Uint8Array | undefined)[];
}

/**
 * Copies rows [top, top + rows) of a component's upright plane into `band` (level-shifted, `stride`
 * samples a row), repeating the last row and column past the plane's edges, as `fillBand` does.
 */
function fillPlaneBand(
  band: Float64Array,
  stride: number,
  component: SampledComponent,
  top: number,
  rows: number,
): void {
  const { samples, walk } = component;
  const { width, stepX } = walk;
  for (let row = 0; row < rows; row++) {
    let p = walk.origin + Math.min(top + row, walk.height - 1) * walk.stepY;
    let o = row * stride;
    for (let x = 0; x < width; x++, p += stepX) band[o++] = samples[p]! - 128;
    const last = band[o - 1]!;
    for (let x = width; x < stride; x++) band[o++] = last;
  }
}

/** Hands every block of every `bandStep`-th MCU row of a planar source to `sink`, in file order. */
function forEachPlanarBlock(
  source: PlanarSource,
  multipliers: Float64Array[],
  sink: BlockSink,
  bandStep: number,
): void {
  const { components } = source;
  const hMax = Math.max(...components.map((c) => c.h));
  const vMax = Math.max(...components.map((c) => c.v));
  const mcusWide = Math.ceil(source.width / (8 * hMax));
  const mcusHigh = Math.ceil(source.height / (8 * vMax));
  const strides = components.map((c) => mcusWide * c.h * 8);
  const bands = components.map((c, i) => ('samples' in c ? new Float64Array(strides[i]! * c.v * 8) : null));
  const block = new Float64Array(64);
  const zz = new Int16Array(64);
  for (let my = 0; my < mcusHigh; my += bandStep) {
    components.forEach((c, i) => {
      if ('samples' in c) fillPlaneBand(bands[i]!, strides[i]!, c, my * c.v * 8, c.v * 8);
    });
    for (let mx = 0; mx < mcusWide; mx++) {
      for (let i = 0; i < components.length; i++) {
        const component = components[i]!;
        const { h, v } = component;
        const band = bands[i];
        for (let by = 0; by < v; by++) {
          for (let bx = 0; bx < h; bx++) {
            if (band) {
              copyBlock(band, strides[i]!, (mx * h + bx) * 8, by * 8, block);
              dctQuantise(block, multipliers[i]!, ANNEX_K.acRounding, zz);
              sink(zz, 0, i);
            } else {
              const { coefficients, blocksWide } = component as QuantisedComponent;
              sink(coefficients, ((my * v + by) * blocksWide + mx * h + bx) * 64, i);
            }
          }
        }
      }
    }
  }
}

/**
 * Encodes component planes as they are (a JPEG's own decoded planes, for a turned original): each
 * component keeps its sampling, read upright through its walk, quantised with the given tables
 * (the source's own, so the quality matches) and rounded to nearest, with optimal Huffman tables
 * (luma one set, chroma the other). The result is a plain JFIF file, like `encodeJpeg`'s.
 */
export function encodePlanarJpeg(source: PlanarSource, expectedBytes: number): Uint8Array {
  const multipliers = source.components.map((c) => quantMultipliers(source.quantTables[c.quantId]!));
  const frame: Frame = {
    width: source.width,
    height: source.height,
    quantTables: source.quantTables,
    components: source.components.map((c, i) => ({
      id: i + 1,
      h: c.h,
      v: c.v,
      quantId: c.quantId,
      huffman: i === 0 ? 0 : 1,
    })),
  };
  return encodeFrame(frame, (sink, bandStep) => forEachPlanarBlock(source, multipliers, sink, bandStep), expectedBytes);
}
