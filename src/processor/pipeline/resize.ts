/**
 * Downscaling in two steps, as libvips (sharp) does: an integer box shrink, which is cheap (one
 * addition per source sample) and already antialiases, then a separable filter for the remaining
 * factor, which sets the look. The filter only ever sees an image at most SHRINK_GAP times
 * larger than the target, so its cost no longer grows with the source's size.
 *
 * Works in gamma-encoded sRGB, like sharp's default, and on opaque pixels (alpha is composited
 * before), so no premultiplication is needed.
 */
import { allocatePixels, type Pixels } from './pixels';

export type ResizeFilter = 'triangle' | 'mitchell' | 'lanczos3';

interface Kernel {
  support: number;
  weight(distance: number): number;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/** Mitchell–Netravali cubic with B = C = 1/3. */
function mitchell(distance: number): number {
  const x = Math.abs(distance);
  if (x < 1) return (7 * x * x * x - 12 * x * x + 16 / 3) / 6;
  if (x < 2) return ((-7 / 3) * x * x * x + 12 * x * x - 20 * x + 32 / 3) / 6;
  return 0;
}

const KERNELS: Record<ResizeFilter, Kernel> = {
  triangle: { support: 1, weight: (d) => Math.max(0, 1 - Math.abs(d)) },
  mitchell: { support: 2, weight: mitchell },
  lanczos3: { support: 3, weight: (d) => (Math.abs(d) < 3 ? sinc(d) * sinc(d / 3) : 0) },
};

/**
 * The box shrink stops while at least this factor remains for the filter, so that the filter
 * still spans a few source pixels and sets the look. sharp reaches a similar split for JPEGs by
 * shrinking on load (DCT scaling) before libvips's own gap of 2; 1.5 here leaves the filter a
 * factor in [1.5, 3), where Lanczos3 needs at most 19 taps.
 */
const SHRINK_GAP = 1.5;

/** The size whose longest side is `longSide`, or the size itself when it is already smaller: never upscale. */
export function fitLongSide(width: number, height: number, longSide: number): { width: number; height: number } {
  const longest = Math.max(width, height);
  if (longest <= longSide) return { width, height };
  const scale = longSide / longest;
  return {
    width: width >= height ? longSide : Math.max(1, Math.round(width * scale)),
    height: height > width ? longSide : Math.max(1, Math.round(height * scale)),
  };
}

/** Adds each run of `fx` pixels of one row into `sums` (RGB per output column). */
function addRow(data: Uint8Array, row: number, width: number, fx: number, sums: Float64Array): void {
  let s = row;
  let o = 0;
  for (let x = 0; x < width; x += fx, o += 3) {
    const end = s + Math.min(fx, width - x) * 4;
    let r = 0,
      g = 0,
      b = 0;
    for (; s < end; s += 4) {
      r += data[s]!;
      g += data[s + 1]!;
      b += data[s + 2]!;
    }
    sums[o] = sums[o]! + r;
    sums[o + 1] = sums[o + 1]! + g;
    sums[o + 2] = sums[o + 2]! + b;
  }
}

/** The size with at most `pixels` pixels and the same shape, or the size itself: never upscale. */
export function fitPixels(width: number, height: number, pixels: number): { width: number; height: number } {
  if (width * height <= pixels) return { width, height };
  const scale = Math.sqrt(pixels / (width * height));
  return { width: Math.max(1, Math.floor(width * scale)), height: Math.max(1, Math.floor(height * scale)) };
}

/**
 * Averages `fx` × `fy` blocks; blocks cut by the right or bottom edge average what they have.
 * Pixels are opaque by now, so alpha is not averaged but set.
 */
export function boxShrink(source: Pixels, fx: number, fy: number): Pixels {
  if (fx === 1 && fy === 1) return source;
  const out = allocatePixels(Math.ceil(source.width / fx), Math.ceil(source.height / fy));
  const { data, width, height } = source;
  const sums = new Float64Array(out.width * 3);
  let o = 0;
  for (let oy = 0; oy < out.height; oy++) {
    sums.fill(0);
    const yEnd = Math.min(height, (oy + 1) * fy);
    for (let y = oy * fy; y < yEnd; y++) addRow(data, y * width * 4, width, fx, sums);
    const rows = yEnd - oy * fy;
    for (let ox = 0; ox < out.width; ox++) {
      const scale = 1 / (Math.min(fx, width - ox * fx) * rows);
      out.data[o++] = sums[ox * 3]! * scale + 0.5;
      out.data[o++] = sums[ox * 3 + 1]! * scale + 0.5;
      out.data[o++] = sums[ox * 3 + 2]! * scale + 0.5;
      out.data[o++] = 255;
    }
  }
  return out;
}

/** For each output position: the first source index and the normalised weights from there. */
export interface Contributions {
  starts: Int32Array;
  /** `taps` weights per output position, zero-padded. */
  weights: Float64Array;
  taps: number;
}

export function contributions(sourceSize: number, targetSize: number, filter: ResizeFilter): Contributions {
  const kernel = KERNELS[filter];
  const scale = sourceSize / targetSize;
  const stretch = Math.max(1, scale);
  const radius = kernel.support * stretch;
  const taps = Math.ceil(radius) * 2 + 1;
  const starts = new Int32Array(targetSize);
  const weights = new Float64Array(targetSize * taps);
  for (let i = 0; i < targetSize; i++) {
    const center = (i + 0.5) * scale;
    const first = Math.max(0, Math.floor(center - radius));
    const last = Math.min(sourceSize - 1, Math.ceil(center + radius) - 1);
    starts[i] = first;
    let total = 0;
    for (let j = first; j <= last && j - first < taps; j++) {
      const w = kernel.weight((j + 0.5 - center) / stretch);
      weights[i * taps + j - first] = w;
      total += w;
    }
    for (let k = 0; k < taps; k++) weights[i * taps + k] = weights[i * taps + k]! / total;
  }
  return { starts, weights, taps };
}

/**
 * Convolves along rows (`step` 4) or columns (`step` = row bytes) from `source` into `out`.
 * Measured: walking columns this way is faster here than accumulating whole rows, since a
 * column's few hundred cache lines stay cached for the next column.
 */
function convolve(
  source: Uint8Array,
  out: Uint8ClampedArray,
  lines: number,
  lineStride: number,
  outLineStride: number,
  step: number,
  outStep: number,
  { starts, weights, taps }: Contributions,
): void {
  for (let line = 0; line < lines; line++) {
    const base = line * lineStride;
    let o = line * outLineStride;
    for (let i = 0; i < starts.length; i++, o += outStep) {
      let s = base + starts[i]! * step;
      let r = 0,
        g = 0,
        b = 0;
      for (let k = i * taps, end = k + taps; k < end; k++, s += step) {
        const w = weights[k]!;
        if (w === 0) continue;
        r += source[s]! * w;
        g += source[s + 1]! * w;
        b += source[s + 2]! * w;
      }
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
      out[o + 3] = 255;
    }
  }
}

/** Separable resampling to exactly width × height; Uint8ClampedArray rounds and clamps ringing. */
export function resample(source: Pixels, width: number, height: number, filter: ResizeFilter): Pixels {
  const horizontal = new Uint8ClampedArray(width * source.height * 4);
  convolve(
    source.data,
    horizontal,
    source.height,
    source.width * 4,
    width * 4,
    4,
    4,
    contributions(source.width, width, filter),
  );
  const out = new Uint8ClampedArray(width * height * 4);
  const rows = new Uint8Array(horizontal.buffer);
  convolve(rows, out, width, 4, 4, width * 4, width * 4, contributions(source.height, height, filter));
  return { data: new Uint8Array(out.buffer), width, height };
}

/** Box shrink as far as SHRINK_GAP allows, then the filter to the exact size. */
export function resize(source: Pixels, width: number, height: number, filter: ResizeFilter): Pixels {
  if (width === source.width && height === source.height) return source;
  const fx = Math.max(1, Math.floor(source.width / width / SHRINK_GAP));
  const fy = Math.max(1, Math.floor(source.height / height / SHRINK_GAP));
  return resample(boxShrink(source, fx, fy), width, height, filter);
}
