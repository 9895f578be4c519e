/**
 * EXIF orientation (1–8) applied to pixels.
 *
 * Every orientation is an affine walk over the stored image: upright pixel (x, y) is stored pixel
 * `origin + x * stepX + y * stepY`. So one copy loop serves all eight, and the encoder can read the
 * original variant through the same walk instead of materialising a rotated copy of a large image.
 */
import type { Orientation } from '../../shared/image/exif';
import type { Pixels } from './pixels';

export type { Orientation };

/** Anything outside 1–8 means "as stored", as EXIF readers treat unknown values. */
export function toOrientation(value: number): Orientation {
  return Number.isInteger(value) && value >= 1 && value <= 8 ? (value as Orientation) : 1;
}

/** Orientations 5–8 turn the picture a quarter, so the upright image swaps width and height. */
export function swapsAxes(orientation: Orientation): boolean {
  return orientation >= 5;
}

/** Strides in pixels, not bytes. */
export interface OrientedWalk {
  width: number;
  height: number;
  origin: number;
  stepX: number;
  stepY: number;
}

export function orientedWalk(storedWidth: number, storedHeight: number, orientation: Orientation): OrientedWalk {
  const w = storedWidth;
  const h = storedHeight;
  const last = w * h - 1;
  switch (orientation) {
    case 1:
      return { width: w, height: h, origin: 0, stepX: 1, stepY: w };
    case 2: // mirrored left-right
      return { width: w, height: h, origin: w - 1, stepX: -1, stepY: w };
    case 3: // turned 180°
      return { width: w, height: h, origin: last, stepX: -1, stepY: -w };
    case 4: // mirrored top-bottom
      return { width: w, height: h, origin: last - (w - 1), stepX: 1, stepY: -w };
    case 5: // transposed: upright (x, y) is stored (y, x)
      return { width: h, height: w, origin: 0, stepX: w, stepY: 1 };
    case 6: // stored turned 90° anticlockwise: the stored top row is the upright right column
      return { width: h, height: w, origin: last - (w - 1), stepX: -w, stepY: 1 };
    case 7: // transverse: upright (x, y) is stored (w-1-y, h-1-x)
      return { width: h, height: w, origin: last, stepX: -w, stepY: -1 };
    case 8: // stored turned 90° clockwise: the stored top row is the upright left column
      return { width: h, height: w, origin: w - 1, stepX: w, stepY: -1 };
  }
}

function pixelWords(pixels: Pixels): Uint32Array {
  return new Uint32Array(pixels.data.buffer, pixels.data.byteOffset, pixels.width * pixels.height);
}

/** The upright image; orientation 1 returns the input itself. */
export function orient(pixels: Pixels, orientation: Orientation): Pixels {
  if (orientation === 1) return pixels;
  const walk = orientedWalk(pixels.width, pixels.height, orientation);
  const out = new Uint8Array(pixels.data.length);
  // Whole pixels as 32-bit words: a quarter of the loads and stores of byte copies.
  const source = pixelWords(pixels.data.byteOffset % 4 === 0 ? pixels : { ...pixels, data: pixels.data.slice() });
  const target = new Uint32Array(out.buffer);
  let o = 0;
  for (let y = 0; y < walk.height; y++) {
    let s = walk.origin + y * walk.stepY;
    for (let x = 0; x < walk.width; x++, s += walk.stepX) target[o++] = source[s]!;
  }
  return { data: out, width: walk.width, height: walk.height };
}
