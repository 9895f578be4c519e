/**
 * Lossless EXIF orientation of a baseline JPEG in the DCT domain, as jpegtran does.
 *
 * Turning or mirroring an 8×8 block only permutes its DCT coefficients and flips the signs of the
 * odd frequencies along a mirrored axis, and moves the block. So a turned photo's original can
 * keep every coefficient the camera stored: no decode, no re-encode, no generation loss, and about
 * a third of the work of decoding and encoding pixels. Huffman tables are re-optimised for the
 * output, which usually makes it a little smaller than the source.
 *
 * Like `jpegtran -trim`, an edge that a flip moves to the start must be a whole MCU (16 px for
 * 4:2:0); otherwise its partial last MCU is dropped, at most 15 pixels of one or two edges.
 *
 * The pass that reads the coefficients can also feed a scaled decoder (`alongside`), so a turned
 * photo's display pixels come from the same entropy decoding instead of a second one.
 */
import { LOSSLESS_TRANSFORM_MAX_BYTES } from './limits';
import { mcuGrid, scanBlocks, type BaselineJpeg, type BlockDecoder } from './jpeg-decoder';
import {
  BitWriter,
  codesOf,
  countBlock,
  optimalSpec,
  segment,
  writeBlock,
  ZIGZAG,
  type HuffmanCodes,
} from './jpeg-entropy';
import type { Orientation } from './orient';

/** Upright (x, y) reads stored (flipX ? w−1−a : a, flipY ? h−1−b : b), where (a, b) is (y, x) if transposed, else (x, y). */
export interface Geometry {
  transpose: boolean;
  flipX: boolean;
  flipY: boolean;
}

export const GEOMETRY: Readonly<Record<Orientation, Geometry>> = {
  1: { transpose: false, flipX: false, flipY: false },
  2: { transpose: false, flipX: true, flipY: false },
  3: { transpose: false, flipX: true, flipY: true },
  4: { transpose: false, flipX: false, flipY: true },
  5: { transpose: true, flipX: false, flipY: false },
  6: { transpose: true, flipX: false, flipY: true },
  7: { transpose: true, flipX: true, flipY: true },
  8: { transpose: true, flipX: true, flipY: false },
};

export interface ComponentLayout {
  id: number;
  quantId: number;
  /** Stored sampling factors. */
  h: number;
  v: number;
  /** Blocks that hold the (trimmed) picture, in stored orientation. */
  usedWide: number;
  usedHigh: number;
}

export interface TransformPlan {
  geometry: Geometry;
  /** Stored size after trimming the edges that move. */
  width: number;
  height: number;
  layouts: ComponentLayout[];
}

export type TransformCheck = { ok: true; plan: TransformPlan } | { ok: false; reason: string };

/** Decides whether `jpeg` can be turned losslessly here, before any coefficient is read. */
export function planLosslessTransform(jpeg: BaselineJpeg, orientation: Orientation): TransformCheck {
  if (jpeg.colour === 'rgb') return { ok: false, reason: 'Adobe RGB JPEGs are re-encoded' };
  if (jpeg.colour === 'cmyk' || jpeg.colour === 'ycck') return { ok: false, reason: 'CMYK is re-encoded as sRGB' };
  const geometry = GEOMETRY[orientation];
  const mcuWidth = 8 * jpeg.hMax;
  const mcuHeight = 8 * jpeg.vMax;
  const width = geometry.flipX ? Math.floor(jpeg.width / mcuWidth) * mcuWidth : jpeg.width;
  const height = geometry.flipY ? Math.floor(jpeg.height / mcuHeight) * mcuHeight : jpeg.height;
  if (width === 0 || height === 0) return { ok: false, reason: 'smaller than one MCU' };
  const { mcusPerLine, mcusPerColumn } = mcuGrid(jpeg);
  const blocks = jpeg.components.reduce((sum, c) => sum + mcusPerLine * c.h * mcusPerColumn * c.v, 0);
  if (blocks * 128 > LOSSLESS_TRANSFORM_MAX_BYTES) return { ok: false, reason: 'too many coefficients to hold' };
  const layouts = jpeg.components.map((c) => ({
    id: c.id,
    quantId: c.quantId,
    h: c.h,
    v: c.v,
    usedWide: Math.ceil(Math.ceil((width * c.h) / jpeg.hMax) / 8),
    usedHigh: Math.ceil(Math.ceil((height * c.v) / jpeg.vMax) / 8),
  }));
  return { ok: true, plan: { geometry, width, height, layouts } };
}

/**
 * For each output coefficient in zigzag order: which stored coefficient (natural order) it is,
 * and its sign. Turning a block transposes its frequencies; mirroring negates the odd ones.
 */
export function coefficientMap({ transpose, flipX, flipY }: Geometry): { from: Uint8Array; sign: Int8Array } {
  const from = new Uint8Array(64);
  const sign = new Int8Array(64);
  for (let k = 0; k < 64; k++) {
    const natural = ZIGZAG[k]!;
    const u = natural % 8;
    const v = natural >> 3;
    // After a transpose the stored vertical axis is the upright horizontal one, and vice versa.
    const negate = transpose
      ? (flipY && u % 2 === 1) !== (flipX && v % 2 === 1)
      : (flipX && u % 2 === 1) !== (flipY && v % 2 === 1);
    from[k] = transpose ? u * 8 + v : natural;
    sign[k] = negate ? -1 : 1;
  }
  return { from, sign };
}

/** Where stored block (sx, sy) of a component goes in the upright block grid, or null if trimmed. */
export function uprightBlock(
  layout: ComponentLayout,
  { transpose, flipX, flipY }: Geometry,
  sx: number,
  sy: number,
): [number, number] | null {
  if (sx >= layout.usedWide || sy >= layout.usedHigh) return null;
  const a = flipX ? layout.usedWide - 1 - sx : sx;
  const b = flipY ? layout.usedHigh - 1 - sy : sy;
  return transpose ? [b, a] : [a, b];
}

function writeHeaders(
  out: BitWriter,
  jpeg: BaselineJpeg,
  plan: TransformPlan,
  width: number,
  height: number,
  specs: ReturnType<typeof optimalSpec>[],
): void {
  const { transpose } = plan.geometry;
  out.raw([0xff, 0xd8]);
  // JFIF 1.01, no density information, no thumbnail.
  segment(out, 0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  let wideTables = false;
  for (const id of new Set(plan.layouts.map((layout) => layout.quantId))) {
    const table = jpeg.quantTables[id]!;
    // A transposed coefficient (u, v) was quantised with the stored table's (v, u) entry.
    const values = Array.from(ZIGZAG, (natural) => table[transpose ? (natural % 8) * 8 + (natural >> 3) : natural]!);
    const wide = values.some((value) => value > 255);
    wideTables ||= wide;
    segment(out, 0xdb, [
      (wide ? 0x10 : 0) | id,
      ...(wide ? values.flatMap((value) => [value >> 8, value & 0xff]) : values),
    ]);
  }
  const sampling = plan.layouts.map((layout) => (transpose ? (layout.v << 4) | layout.h : (layout.h << 4) | layout.v));
  // 16-bit quantisation tables are only allowed in extended sequential frames (SOF1).
  segment(out, wideTables ? 0xc1 : 0xc0, [
    8,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    plan.layouts.length,
    ...plan.layouts.flatMap((layout, i) => [layout.id, sampling[i]!, layout.quantId]),
  ]);
  // Luma uses tables 0, chroma tables 1; `specs` is DC luma, DC chroma, AC luma, AC chroma.
  const dhtIds = [0x00, 0x01, 0x10, 0x11];
  specs.forEach((spec, i) => {
    if (spec.symbols.length > 0) segment(out, 0xc4, [dhtIds[i]!, ...spec.counts, ...spec.symbols]);
  });
  segment(out, 0xda, [
    plan.layouts.length,
    ...plan.layouts.flatMap((layout, i) => [layout.id, i === 0 ? 0x00 : 0x11]),
    0,
    63,
    0,
  ]);
}

/**
 * Reads every block's coefficients straight into its upright place (turned, in zigzag order),
 * then writes the upright JPEG: headers with the new size, sampling and (transposed) quantisation
 * tables, and the blocks, Huffman-coded twice (once to count symbols for optimal tables, once to
 * write). `alongside`, if given, sees every stored block as it is read, trimmed ones included.
 */
export function transformJpeg(
  bytes: Uint8Array,
  jpeg: BaselineJpeg,
  plan: TransformPlan,
  alongside?: BlockDecoder,
): { bytes: Uint8Array; width: number; height: number } {
  const { transpose } = plan.geometry;
  const width = transpose ? plan.height : plan.width;
  const height = transpose ? plan.width : plan.height;
  const mcusWide = Math.ceil(width / (8 * (transpose ? jpeg.vMax : jpeg.hMax)));
  const mcusHigh = Math.ceil(height / (8 * (transpose ? jpeg.hMax : jpeg.vMax)));
  const grids = plan.layouts.map((layout) => ({
    h: transpose ? layout.v : layout.h,
    v: transpose ? layout.h : layout.v,
  }));
  const blocksWide = grids.map((grid) => mcusWide * grid.h);
  // The quantised coefficients of every upright block, zigzag order: the memory this costs.
  // Blocks past the picture (MCU padding) stay zero.
  const stores = grids.map((grid, c) => new Int16Array(blocksWide[c]! * mcusHigh * grid.v * 64));
  const { from, sign } = coefficientMap(plan.geometry);
  const keep = (c: number, blockX: number, blockY: number, coefficients: Int16Array): void => {
    const place = uprightBlock(plan.layouts[c]!, plan.geometry, blockX, blockY);
    if (!place) return;
    const store = stores[c]!;
    const at = (place[1] * blocksWide[c]! + place[0]) * 64;
    for (let k = 0; k < 64; k++) store[at + k] = sign[k]! * coefficients[from[k]!]!;
  };
  const readBlock = alongside
    ? (c: number, blockX: number, blockY: number, coefficients: Int16Array): void => {
        alongside.visit(c, blockX, blockY, coefficients);
        keep(c, blockX, blockY, coefficients);
      }
    : keep;
  scanBlocks(bytes, jpeg, readBlock, alongside?.rowDone);

  /** Visits the upright blocks in file order: component, and the block's offset in its store. */
  const forEachBlock = (visit: (component: number, at: number) => void): void => {
    for (let my = 0; my < mcusHigh; my++) {
      for (let mx = 0; mx < mcusWide; mx++) {
        for (let c = 0; c < grids.length; c++) {
          const { h, v } = grids[c]!;
          for (let by = 0; by < v; by++) {
            for (let bx = 0; bx < h; bx++) visit(c, ((my * v + by) * blocksWide[c]! + mx * h + bx) * 64);
          }
        }
      }
    }
  };

  const dcCounts = [new Uint32Array(256), new Uint32Array(256)];
  const acCounts = [new Uint32Array(256), new Uint32Array(256)];
  const lastDc = new Int32Array(grids.length);
  forEachBlock((c, at) => {
    const table = c === 0 ? 0 : 1;
    countBlock(stores[c]!, at, lastDc[c]!, dcCounts[table]!, acCounts[table]!);
    lastDc[c] = stores[c]![at]!;
  });
  const used = (counts: Uint32Array): boolean => counts.some((count) => count > 0);
  const specs = [...dcCounts, ...acCounts].map((counts) =>
    used(counts) ? optimalSpec(counts) : { counts: new Uint8Array(16), symbols: new Uint8Array(0) },
  );
  const codes = specs.map(codesOf) as [HuffmanCodes, HuffmanCodes, HuffmanCodes, HuffmanCodes];
  const out = new BitWriter(bytes.length);
  writeHeaders(out, jpeg, plan, width, height, specs);
  lastDc.fill(0);
  forEachBlock((c, at) => {
    const table = c === 0 ? 0 : 1;
    writeBlock(stores[c]!, at, lastDc[c]!, codes[table], codes[table + 2]!, out);
    lastDc[c] = stores[c]![at]!;
  });
  out.flush();
  out.raw([0xff, 0xd9]);
  return { bytes: out.result(), width, height };
}
