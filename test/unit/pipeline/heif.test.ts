import { describe, expect, it } from 'vitest';
import { processImage, UndecodableImageError } from '../../../src/processor/pipeline/index';
import { readExif } from '../../../src/shared/image/exif';
import { sniffImage } from '../../../src/shared/image/format';
import { readHeif } from '../../../src/shared/image/heif';
import { stripJpegMetadata } from '../../../src/shared/image/jpeg-segments';
import { corpusAvailable, readCorpus } from '../../fixtures/corpus';
import { tinyImage } from '../../fixtures/tiny-images';
import { buildExifTiff } from '../../fixtures/exif-builder';
import { HEIF_QUADRANTS, heifFixture, withClaimedHeifSize } from '../../fixtures/images/heif-files';
import { buildHeif, quadrantGrid } from '../../fixtures/images/heif-writer';
import type { Rgb } from '../../fixtures/images/patterns';
import { decodeJpeg, expectColourNear, gridMeans, jpegSize, sameBytes } from './support';
import { seededRandom } from '../../fixtures/seeded-random';

const tiles = (): Uint8Array[] => [
  heifFixture('tile00'),
  heifFixture('tile01'),
  heifFixture('tile10'),
  heifFixture('tile11'),
];

/** Mean colour of each quadrant of the fixture picture (its gradient runs 0.6–1.0 of the colour). */
const shaded = (colour: Rgb): Rgb => colour.map((value) => value * 0.8) as unknown as Rgb;
const [RED, GREEN, BLUE, WHITE] = HEIF_QUADRANTS.map((colour) => shaded(colour as Rgb)) as [Rgb, Rgb, Rgb, Rgb];

async function quadrantsOf(jpeg: Uint8Array): Promise<Rgb[]> {
  return gridMeans(await decodeJpeg(jpeg), 2, 2);
}

function expectQuadrants(actual: Rgb[], expected: Rgb[]): void {
  actual.forEach((colour, i) => expectColourNear(colour, expected[i]!, 20));
}

describe('HEIC grid images', () => {
  it('decodes a 2 × 2 grid tile by tile, cropped to the grid output size, every tile in its place', async () => {
    const result = await processImage(quadrantGrid(tiles(), 128, 128), 'heic', 1);
    expect([result.width, result.height]).toEqual([128, 128]);
    expect(jpegSize(result.original.bytes)).toEqual({ width: 128, height: 128 });
    expectQuadrants(await quadrantsOf(result.original.bytes), [RED, GREEN, BLUE, WHITE]);
    expectQuadrants(await quadrantsOf(result.display.bytes), [RED, GREEN, BLUE, WHITE]);
  });

  it('crops the tiles that reach past the output size (120 × 100 of 128 × 128)', async () => {
    const result = await processImage(quadrantGrid(tiles(), 120, 100), 'heic', 1);
    expect(jpegSize(result.original.bytes)).toEqual({ width: 120, height: 100 });
    expect(jpegSize(result.thumbnail.bytes)).toEqual({ width: 120, height: 100 });
  });

  it.each([
    ['irot 1 (a quarter anticlockwise)', [{ irot: 1 }], [GREEN, WHITE, RED, BLUE]],
    ['irot 2 (half a turn)', [{ irot: 2 }], [WHITE, BLUE, GREEN, RED]],
    ['irot 3 (a quarter clockwise, an iPhone portrait)', [{ irot: 3 }], [BLUE, RED, WHITE, GREEN]],
    ['imir 0 (about the vertical axis: left–right)', [{ imir: 0 }], [GREEN, RED, WHITE, BLUE]],
    ['imir 1 (about the horizontal axis: top–bottom)', [{ imir: 1 }], [BLUE, WHITE, RED, GREEN]],
    ['irot 1 then imir 0', [{ irot: 1 }, { imir: 0 }], [WHITE, GREEN, BLUE, RED]],
  ] as const)('applies %s to every variant', async (_name, transforms, expected) => {
    const result = await processImage(quadrantGrid(tiles(), 128, 128, { transforms: [...transforms] }), 'heic', 1);
    for (const variant of [result.original, result.display, result.thumbnail])
      expectQuadrants(await quadrantsOf(variant.bytes), [...expected]);
  });

  it('swaps the upright size for a quarter turn', async () => {
    const result = await processImage(quadrantGrid(tiles(), 120, 100, { transforms: [{ irot: 3 }] }), 'heic', 1);
    expect([result.width, result.height]).toEqual([100, 120]);
    expect(jpegSize(result.original.bytes)).toEqual({ width: 100, height: 120 });
  });

  it('follows irot, not the EXIF orientation that iPhones also write (applying both would turn twice)', async () => {
    const exifTiff = buildExifTiff({ orientation: 6, make: 'Apple', model: 'iPhone 15 Pro' });
    const file = quadrantGrid(tiles(), 128, 128, { transforms: [{ irot: 3 }], exifTiff });
    expect(readExif(file).orientation).toBe(6);
    const result = await processImage(file, 'heic', readExif(file).orientation);
    expectQuadrants(await quadrantsOf(result.original.bytes), [BLUE, RED, WHITE, GREEN]);
  });

  it('reads camera and exposure from the EXIF item, and no variant carries it', async () => {
    const exifTiff = buildExifTiff({ make: 'Apple', model: 'iPhone 15 Pro', iso: 64, fNumber: [178, 100] });
    const file = quadrantGrid(tiles(), 128, 128, { exifTiff });
    expect(readExif(file)).toMatchObject({ make: 'Apple', model: 'iPhone 15 Pro', iso: 64, fNumber: 1.78 });
    const result = await processImage(file, 'heic', 1);
    for (const variant of [result.original, result.display, result.thumbnail])
      expect(sameBytes(stripJpegMetadata(variant.bytes), variant.bytes)).toBe(true);
  });

  it('carries the ICC profile of the colr box into every variant', async () => {
    const icc = new Uint8Array(3000).map((_, i) => (i * 7) & 255);
    const result = await processImage(quadrantGrid(tiles(), 128, 128, { icc }), 'heic', 1);
    for (const variant of [result.original, result.display, result.thumbnail]) {
      const text = new TextDecoder('latin1').decode(variant.bytes);
      expect(text).toContain('ICC_PROFILE\0\x01\x01');
      expect(text.includes(new TextDecoder('latin1').decode(icc))).toBe(true);
    }
  });
});

describe('HEIC and AVIF single pictures', () => {
  it('decodes a HEIC without a grid (one HEVC picture)', async () => {
    const result = await processImage(heifFixture('single'), 'heic', 1);
    expect([result.width, result.height]).toEqual([128, 96]);
    const means = gridMeans(await decodeJpeg(result.original.bytes), 2, 2);
    expectColourNear(means[0]!, [176, 32, 32], 30);
    expectColourNear(means[3]!, [192, 192, 192], 30);
  });

  it.each(['heic-8x8', 'avif-8x8'] as const)('processes %s written by ImageMagick (a red square)', async (name) => {
    const file = tinyImage(name);
    const result = await processImage(file, name === 'heic-8x8' ? 'heic' : 'avif', 1);
    expect([result.width, result.height]).toEqual([8, 8]);
    expectColourNear(gridMeans(await decodeJpeg(result.original.bytes), 1, 1)[0]!, [255, 0, 0], 12);
  });

  it('decodes an AVIF through libavif', async () => {
    expect(sniffImage(heifFixture('avif'))).toMatchObject({ ok: true, format: 'avif', width: 128, height: 96 });
    const result = await processImage(heifFixture('avif'), 'avif', 1);
    expect([result.width, result.height]).toEqual([128, 96]);
    const means = gridMeans(await decodeJpeg(result.original.bytes), 2, 2);
    expectColourNear(means[0]!, [176, 32, 32], 30);
    expectColourNear(means[3]!, [192, 192, 192], 30);
  });
});

describe('damaged HEIC', () => {
  async function reason(file: Uint8Array): Promise<string> {
    const error = await processImage(file, 'heic', 1).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(UndecodableImageError);
    return (error as UndecodableImageError).reason;
  }

  it('refuses a file cut inside its tile data as truncated', async () => {
    const file = quadrantGrid(tiles());
    expect(await reason(file.subarray(0, file.length - 200))).toBe('truncated');
  });

  it('refuses tiles whose coded pictures are smaller than their ispe says', async () => {
    expect(
      await reason(
        buildHeif({
          tiles: tiles(),
          grid: { columns: 2, rows: 2, width: 250, height: 250 },
          tileSize: { width: 128, height: 128 },
        }),
      ),
    ).toBe('corrupt');
  });

  it('refuses a grid with fewer tiles than rows × columns', async () => {
    expect(
      await reason(buildHeif({ tiles: tiles().slice(0, 3), grid: { columns: 2, rows: 2, width: 128, height: 128 } })),
    ).toBe('corrupt');
  });

  it('refuses zeroed tile data (no picture) as corrupt', async () => {
    const file = quadrantGrid(tiles());
    const read = readHeif(file);
    if (!read.ok) throw new Error(read.detail);
    const { offset, length } = read.image.tiles[1]!.data[0]!;
    file.fill(0, offset + 4, offset + length);
    expect(['corrupt', 'truncated']).toContain(await reason(file));
  });
});

describe('AVIF limits', () => {
  it('refuses an AVIF above its own pixel limit from the header, before libavif runs', async () => {
    const error = await processImage(withClaimedHeifSize(heifFixture('avif'), 2000, 1500), 'avif', 1).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(UndecodableImageError);
    expect((error as UndecodableImageError).reason).toBe('too-many-pixels');
  });
});

describe('mutated HEIC and AVIF files (seeded)', () => {
  const sources = (): [string, Uint8Array, 'heic' | 'avif'][] => [
    ['grid HEIC', quadrantGrid(tiles(), 120, 100, { transforms: [{ irot: 1 }] }), 'heic'],
    ['single HEIC', heifFixture('single'), 'heic'],
    ['AVIF', heifFixture('avif'), 'avif'],
  ];

  it('refuses each with UndecodableImageError or makes decodable variants of the sizes it states', async () => {
    const random = seededRandom(12);
    let refused = 0;
    let processed = 0;
    for (const [name, source, format] of sources()) {
      for (let round = 0; round < 40; round++) {
        const file = source.slice();
        const kind = round % 4;
        if (kind === 0) {
          for (let flips = 0; flips < 1 + random() * 8; flips++)
            file[Math.floor(random() * file.length)]! ^= 1 << Math.floor(random() * 8);
        } else if (kind === 1) {
          // The boxes' headers and property values, where a flip changes structure rather than pixels.
          for (let flips = 0; flips < 3; flips++)
            file[Math.floor(random() * Math.min(file.length, 600))] = random() * 256;
        }
        const input = kind === 2 ? file.subarray(0, Math.floor(random() * file.length)) : file;
        const outcome = await processImage(input, kind === 3 ? (format === 'heic' ? 'avif' : 'heic') : format, 1).then(
          (result) => result,
          (thrown: unknown) => thrown,
        );
        if (outcome instanceof UndecodableImageError) {
          refused++;
          continue;
        }
        expect(outcome, `${name}, round ${round}`).not.toBeInstanceOf(Error);
        const result = outcome as Awaited<ReturnType<typeof processImage>>;
        for (const variant of [result.original, result.display, result.thumbnail]) {
          const decoded = await decodeJpeg(variant.bytes);
          expect([decoded.width, decoded.height]).toEqual([variant.width, variant.height]);
        }
        processed++;
      }
    }
    expect(refused + processed).toBe(120);
    expect(refused).toBeGreaterThan(0);
  });
});

describe.skipIf(!corpusAvailable)('the corpus iPhone HEIC', () => {
  it('ends with upright variants of the right sizes and no metadata', async () => {
    const file = await readCorpus('other/IMG_5195.HEIC');
    const result = await processImage(file, 'heic', readExif(file).orientation);
    expect([result.width, result.height]).toEqual([2566, 3313]);
    expect(jpegSize(result.original.bytes)).toEqual({ width: 2566, height: 3313 });
    expect(jpegSize(result.display.bytes)).toEqual({ width: 836, height: 1080 });
    expect(jpegSize(result.thumbnail.bytes)).toEqual({ width: 248, height: 320 });
    for (const variant of [result.original, result.display, result.thumbnail])
      expect(sameBytes(stripJpegMetadata(variant.bytes), variant.bytes)).toBe(true);
  });
});
