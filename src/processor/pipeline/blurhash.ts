/**
 * BlurHash encoder (https://blurha.sh, the reference algorithm of woltapp/blurhash): a few DCT
 * components of the image in linear light, packed into a short base-83 string.
 */
import type { Pixels } from './pixels';

const BASE83 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~';

function base83(value: number, length: number): string {
  let result = '';
  for (let i = 1; i <= length; i++) {
    const digit = Math.floor(value / 83 ** (length - i)) % 83;
    result += BASE83[digit];
  }
  return result;
}

const SRGB_TO_LINEAR = Float64Array.from({ length: 256 }, (_, value) => {
  const v = value / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
});

function linearToSrgb(value: number): number {
  const v = Math.max(0, Math.min(1, value));
  return Math.trunc((v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055) * 255 + 0.5);
}

function signedSqrt(value: number): number {
  return Math.sign(value) * Math.sqrt(Math.abs(value));
}

/** cos(π · component · position / size), without a half-pixel offset, as the reference computes it: hashes then match other implementations. */
function cosines(components: number, size: number): Float64Array {
  const table = new Float64Array(components * size);
  for (let c = 0; c < components; c++) {
    for (let p = 0; p < size; p++) table[c * size + p] = Math.cos((Math.PI * c * p) / size);
  }
  return table;
}

type Factor = [number, number, number];

function factors(pixels: Pixels, componentsX: number, componentsY: number): Factor[] {
  const { data, width, height } = pixels;
  const cosX = cosines(componentsX, width);
  const cosY = cosines(componentsY, height);
  const result: Factor[] = [];
  for (let j = 0; j < componentsY; j++) {
    for (let i = 0; i < componentsX; i++) {
      let r = 0,
        g = 0,
        b = 0;
      for (let y = 0; y < height; y++) {
        const rowBasis = cosY[j * height + y]!;
        for (let x = 0; x < width; x++) {
          const basis = rowBasis * cosX[i * width + x]!;
          const p = (y * width + x) * 4;
          r += basis * SRGB_TO_LINEAR[data[p]!]!;
          g += basis * SRGB_TO_LINEAR[data[p + 1]!]!;
          b += basis * SRGB_TO_LINEAR[data[p + 2]!]!;
        }
      }
      const scale = (i === 0 && j === 0 ? 1 : 2) / (width * height);
      result.push([r * scale, g * scale, b * scale]);
    }
  }
  return result;
}

function encodeDc([r, g, b]: Factor): number {
  return (linearToSrgb(r) << 16) + (linearToSrgb(g) << 8) + linearToSrgb(b);
}

function encodeAc(factor: Factor, maximum: number): number {
  const [r, g, b] = factor.map((value) =>
    Math.max(0, Math.min(18, Math.floor(signedSqrt(value / maximum) * 9 + 9.5))),
  ) as Factor;
  return r * 19 * 19 + g * 19 + b;
}

/**
 * Four components along the long side and three along the short one: enough for the placeholder
 * to show where light and colour sit, in a 28-character string.
 */
function blurhashComponents(width: number, height: number): { x: number; y: number } {
  return width >= height ? { x: 4, y: 3 } : { x: 3, y: 4 };
}

export function encodeBlurhash(pixels: Pixels): string {
  const { x: componentsX, y: componentsY } = blurhashComponents(pixels.width, pixels.height);
  const [dc, ...ac] = factors(pixels, componentsX, componentsY) as [Factor, ...Factor[]];
  // The reference takes the largest signed value, not the largest magnitude; hashes must match it.
  const largest = Math.max(...ac.flat());
  const quantisedMaximum = Math.max(0, Math.min(82, Math.floor(largest * 166 - 0.5)));
  const maximum = (quantisedMaximum + 1) / 166;
  return (
    base83(componentsX - 1 + (componentsY - 1) * 9, 1) +
    base83(quantisedMaximum, 1) +
    base83(encodeDc(dc), 4) +
    ac.map((factor) => base83(encodeAc(factor, maximum), 2)).join('')
  );
}
