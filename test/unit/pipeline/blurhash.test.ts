import { describe, expect, it } from 'vitest';
import { encodeBlurhash } from '../../../src/processor/pipeline/blurhash';
import { processImage } from '../../../src/processor/pipeline/index';
import { quadrantPicture, solidPicture, splitPicture, type Rgb } from '../../fixtures/images/patterns';
import { encodePng } from '../../fixtures/images/png-writer';
import { expectColourNear } from './support';

/** A minimal BlurHash reader (the format is public: https://github.com/woltapp/blurhash). */
const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~';

function decode83(text: string): number {
  return [...text].reduce((value, char) => value * 83 + DIGITS.indexOf(char), 0);
}

function readHash(hash: string) {
  const size = decode83(hash[0]!);
  const componentsX = (size % 9) + 1;
  const componentsY = Math.floor(size / 9) + 1;
  const maximum = (decode83(hash[1]!) + 1) / 166;
  const dcValue = decode83(hash.slice(2, 6));
  const dc: Rgb = [dcValue >> 16, (dcValue >> 8) & 255, dcValue & 255];
  const ac = Array.from({ length: componentsX * componentsY - 1 }, (_, i) => {
    const value = decode83(hash.slice(6 + i * 2, 8 + i * 2));
    return [Math.floor(value / 361), Math.floor(value / 19) % 19, value % 19].map(
      (q) => Math.sign(q - 9) * ((q - 9) / 9) ** 2 * maximum,
    );
  });
  return { componentsX, componentsY, dc, ac, length: hash.length };
}

describe('BlurHash', () => {
  it('gives the hashes of the reference encoder', () => {
    // Computed with woltapp/blurhash's TypeScript encoder (TypeScript/src/encode.ts) on the same
    // pixels. Its basis has no half-pixel offset, so even a flat colour has small AC terms.
    expect(encodeBlurhash(solidPicture(64, 48, [255, 0, 0]))).toBe('L6TI:j]9fQ]9|cjtfQjtfQfQfQfQ');
    expect(encodeBlurhash(quadrantPicture(320, 240))).toBe('LoJQ=bUrkCp9V;}QkCJCkCofkCaz');
  });

  it('uses 4 components along the long side and 3 along the short', () => {
    expect(readHash(encodeBlurhash(solidPicture(40, 30, [9, 9, 9])))).toMatchObject({
      componentsX: 4,
      componentsY: 3,
      length: 28,
    });
    expect(readHash(encodeBlurhash(solidPicture(30, 40, [9, 9, 9])))).toMatchObject({
      componentsX: 3,
      componentsY: 4,
      length: 28,
    });
  });

  it('is computed on the upright image and decodes to plausible colours', async () => {
    const red: Rgb = [230, 20, 20];
    const blue: Rgb = [20, 40, 230];
    const png = await encodePng(splitPicture(800, 400, red, blue), { colourType: 'rgb' });
    const hash = readHash((await processImage(png, 'png', 1)).blurhash);
    // The average in linear light of red and blue halves, back in sRGB.
    expectColourNear(hash.dc, [169, 31, 169], 3);
    // The first horizontal component says "red on the left, blue on the right".
    const [r, , b] = hash.ac[0]!;
    expect(r).toBeGreaterThan(0.2);
    expect(b).toBeLessThan(-0.2);

    // Turned by orientation 3 (180°), red is on the right: the sign flips.
    const turned = readHash((await processImage(png, 'png', 3)).blurhash);
    expect(turned.ac[0]![0]).toBeLessThan(-0.2);
    // Turned by orientation 6, the picture is portrait: 3 × 4 components.
    expect(readHash((await processImage(png, 'png', 6)).blurhash)).toMatchObject({ componentsX: 3, componentsY: 4 });
  });
});
