import { describe, expect, it } from 'vitest';
import { processImage } from '../../../src/processor/pipeline/index';
import { readBaselineHeader } from '../../../src/processor/pipeline/jpeg-decoder';
import { stripJpegMetadata } from '../../../src/shared/image/jpeg-segments';
import {
  buildExifApp1,
  buildJpegSegment,
  concatBytes,
  textBytes,
  withExif,
  withSegments,
} from '../../fixtures/exif-builder';
import {
  noisePicture,
  photoLikePicture,
  quadrantPicture,
  solidPicture,
  splitPicture,
  storedForOrientation,
  type Rgb,
} from '../../fixtures/images/patterns';
import { checkWithSharp } from '../../fixtures/image-checker';
import { tinyImage } from '../../fixtures/tiny-images';
import { encodePng } from '../../fixtures/images/png-writer';
import { encodeWebp } from '../../fixtures/images/webp-writer';
import {
  decodeJpeg,
  encodeTestJpeg,
  expectColourNear,
  gridMeans,
  jpegSize,
  largestCellDifference,
  sameBytes,
} from './support';

async function sizesOf(width: number, height: number, orientation = 1) {
  const result = await processImage(await encodeTestJpeg(photoLikePicture(width, height)), 'jpeg', orientation);
  const sizes = (['thumbnail', 'display', 'original'] as const).map((name) => {
    const header = jpegSize(result[name].bytes);
    expect([result[name].width, result[name].height], `${name} reported vs encoded`).toEqual([
      header.width,
      header.height,
    ]);
    return [header.width, header.height];
  });
  return { thumbnail: sizes[0], display: sizes[1], original: sizes[2], width: result.width, height: result.height };
}

describe('variant sizes', () => {
  it('fits the longest side to 320 and 1080', async () => {
    expect(await sizesOf(2000, 1000)).toEqual({
      thumbnail: [320, 160],
      display: [1080, 540],
      original: [2000, 1000],
      width: 2000,
      height: 1000,
    });
    expect(await sizesOf(1000, 2000)).toEqual({
      thumbnail: [160, 320],
      display: [540, 1080],
      original: [1000, 2000],
      width: 1000,
      height: 2000,
    });
  });

  it('never upscales a smaller source', async () => {
    expect(await sizesOf(800, 600)).toEqual({
      thumbnail: [320, 240],
      display: [800, 600],
      original: [800, 600],
      width: 800,
      height: 600,
    });
    expect(await sizesOf(200, 100)).toEqual({
      thumbnail: [200, 100],
      display: [200, 100],
      original: [200, 100],
      width: 200,
      height: 100,
    });
    expect(await sizesOf(1, 1)).toEqual({ thumbnail: [1, 1], display: [1, 1], original: [1, 1], width: 1, height: 1 });
  });

  it('keeps sizes at exactly the limits, and extreme aspect ratios', async () => {
    expect(await sizesOf(1080, 1080)).toEqual({
      thumbnail: [320, 320],
      display: [1080, 1080],
      original: [1080, 1080],
      width: 1080,
      height: 1080,
    });
    expect(await sizesOf(3000, 10)).toEqual({
      thumbnail: [320, 1],
      display: [1080, 4],
      original: [3000, 10],
      width: 3000,
      height: 10,
    });
  });

  it('reports upright sizes for a turned photo', async () => {
    expect(await sizesOf(1600, 1200, 6)).toEqual({
      thumbnail: [240, 320],
      display: [810, 1080],
      original: [1200, 1600],
      width: 1200,
      height: 1600,
    });
  });
});

describe('the original variant', () => {
  it('is re-encoded from an upright baseline JPEG with stray bytes before a restart marker, which libjpeg warns about', async () => {
    const clean = tinyImage('jpeg-restart-40x24');
    const rst = clean.findIndex((byte, i) => byte === 0xff && clean[i + 1] === 0xd0);
    const stray = new Uint8Array([...clean.subarray(0, rst), 0x12, 0x34, ...clean.subarray(rst)]);
    expect((await checkWithSharp(stray)).decodable).toBe(false);
    expect((await processImage(clean, 'jpeg', 1)).originalMethod).toBe('kept');
    const result = await processImage(stray, 'jpeg', 1);
    expect(result.originalMethod).toBe('re-encoded');
    expect((await checkWithSharp(result.original.bytes)).decodable).toBe(true);
  });

  // A baseline file's reader stops at its last row and never sees them; a progressive one reads every scan first.
  it('is re-encoded from an upright progressive JPEG with stray bytes after its scans, which libjpeg warns about', async () => {
    const clean = await encodeTestJpeg(photoLikePicture(600, 400), 90, { progressive: true });
    // Three bytes between the last scan's data and EOI: what a damaged size in the header leaves.
    const stray = new Uint8Array([...clean.subarray(0, clean.length - 2), 0x12, 0x34, 0x56, 0xff, 0xd9]);
    expect((await checkWithSharp(stray)).decodable).toBe(false);
    expect((await processImage(clean, 'jpeg', 1)).originalMethod).toBe('kept');
    const result = await processImage(stray, 'jpeg', 1);
    expect(result.originalMethod).toBe('re-encoded');
    const checked = await checkWithSharp(result.original.bytes);
    expect([checked.decodable, checked.width, checked.height]).toEqual([true, 600, 400]);
  });

  it('is the upright source JPEG with its metadata cut out, not re-encoded', async () => {
    const input = withExif(
      await encodeTestJpeg(photoLikePicture(1300, 900)),
      buildExifApp1({ orientation: 1, make: 'Test' }),
    );
    const result = await processImage(input, 'jpeg', 1);
    expect(result.original.bytes).toEqual(stripJpegMetadata(input));
  });

  it('is turned losslessly when the source is a turned baseline JPEG of whole 16 px blocks', async () => {
    const picture = quadrantPicture(1296, 896);
    const turned = await processImage(
      withExif(await encodeTestJpeg(picture), buildExifApp1({ orientation: 3 })),
      'jpeg',
      3,
    );
    expect([turned.original.width, turned.original.height]).toEqual([1296, 896]);
    expect(jpegSize(turned.original.bytes)).toEqual({ width: 1296, height: 896 });
    const [topLeft, topRight, bottomLeft, bottomRight] = gridMeans(await decodeJpeg(turned.original.bytes), 2, 2);
    expectColourNear(topLeft!, [230, 210, 40], 6);
    expectColourNear(topRight!, [40, 60, 200], 6);
    expectColourNear(bottomLeft!, [40, 180, 60], 6);
    expect(bottomRight![0]).toBeGreaterThan(200);
  });

  it('is re-encoded at full resolution when turning losslessly would trim a partial block', async () => {
    const turned = await processImage(
      withExif(await encodeTestJpeg(quadrantPicture(1300, 900)), buildExifApp1({ orientation: 3 })),
      'jpeg',
      3,
    );
    expect(jpegSize(turned.original.bytes)).toEqual({ width: 1300, height: 900 });
  });

  /** A fake but well-formed ICC segment: what matters is that it travels unchanged. */
  const ICC = buildJpegSegment(
    0xe2,
    concatBytes(textBytes('ICC_PROFILE\0'), new Uint8Array([1, 1]), textBytes('test colour profile')),
  );
  const VARIANT_NAMES = ['thumbnail', 'display', 'original'] as const;

  // 1000 × 750 at 4:2:0: 750 is 46.875 MCUs, 1000 is 62.5, so no orientation but 1 keeps every
  // pixel losslessly; each is transcoded from the file's planes (jpeg-transcode.ts).
  it.each([2, 3, 4, 5, 6, 7, 8])(
    'transcodes a turned JPEG of partial MCUs (orientation %i) at full size, upright, pixel for pixel like orientation 1',
    async (orientation) => {
      const upright = quadrantPicture(1000, 750);
      const reference = await processImage(await encodeTestJpeg(upright), 'jpeg', 1);
      const input = withSegments(
        await encodeTestJpeg(storedForOrientation(upright, orientation)),
        buildExifApp1({ orientation, make: 'Test' }),
        ICC,
      );
      const result = await processImage(input, 'jpeg', orientation);
      // Orientation 5 (a transpose) moves no edge: turned losslessly.
      expect(result.originalMethod).toBe(orientation === 5 ? 'turned-losslessly' : 're-encoded');
      // Either way with the source's own quantisation (transposed with the picture), not Annex K's.
      const tables = (bytes: Uint8Array) => {
        const header = readBaselineHeader(bytes);
        if (!header.ok) throw new Error(header.unsupported);
        return header.jpeg.quantTables.map((table) => Array.from(table));
      };
      const transpose = (table: number[]) => table.map((_, i) => table[(i % 8) * 8 + (i >> 3)]!);
      expect(tables(result.original.bytes)).toEqual(orientation >= 5 ? tables(input).map(transpose) : tables(input));
      expect([result.width, result.height]).toEqual([1000, 750]);
      const checked = await checkWithSharp(result.original.bytes);
      expect(checked).toMatchObject({ decodable: true, width: 1000, height: 750, exif: false, xmp: false, icc: true });
      for (const name of VARIANT_NAMES) {
        const grid = gridMeans(await decodeJpeg(result[name].bytes), 8, 6);
        const expected = gridMeans(await decodeJpeg(reference[name].bytes), 8, 6);
        expect(largestCellDifference(grid, expected), name).toBeLessThanOrEqual(12);
      }
    },
  );

  it.each([
    ['grey', { grey: true }],
    ['4:4:4', { chromaSubsample: 1 }],
    ['4:2:0 of odd sides (re-encoded from RGBA)', {}],
  ] as const)('turns a %s JPEG of partial MCUs upright at full size', async (name, options) => {
    const { mozjpegEncode } = await import('./mozjpeg');
    const { defaultOptions } = await import('@jsquash/jpeg/meta.js');
    const [width, height] = name.startsWith('4:2:0') ? [1001, 751] : [1000, 750];
    const upright = photoLikePicture(width, height);
    const stored = storedForOrientation(upright, 6);
    const encode = (picture: typeof upright) =>
      mozjpegEncode(picture.data, picture.width, picture.height, {
        ...defaultOptions,
        quality: 90,
        progressive: false,
        auto_subsample: false,
        chroma_subsample: 'chromaSubsample' in options ? options.chromaSubsample : 2,
        color_space: 'grey' in options ? 1 : 3,
      });
    const result = await processImage(await encode(stored), 'jpeg', 6);
    expect(jpegSize(result.original.bytes)).toEqual({ width, height });
    const checked = await checkWithSharp(result.original.bytes);
    expect(checked).toMatchObject({ decodable: true, width, height, exif: false });
    const reference = await processImage(await encode(upright), 'jpeg', 1);
    expect(
      largestCellDifference(
        gridMeans(await decodeJpeg(result.original.bytes), 8, 6),
        gridMeans(await decodeJpeg(reference.original.bytes), 8, 6),
      ),
    ).toBeLessThanOrEqual(3);
  });

  it('is re-encoded at full resolution from progressive JPEGs, PNG and WebP', async () => {
    const picture = quadrantPicture(1300, 900);
    const progressive = await processImage(
      withExif(await encodeTestJpeg(picture, 92, { progressive: true }), buildExifApp1({ orientation: 3 })),
      'jpeg',
      3,
    );
    const png = await processImage(await encodePng(picture, { colourType: 'rgb' }), 'png', 1);
    for (const result of [progressive, png]) {
      const decoded = await decodeJpeg(result.original.bytes);
      expect([decoded.width, decoded.height]).toEqual([1300, 900]);
    }
    // Turned 180°: the top-left quadrant's colour is now bottom right, and the PNG is as drawn.
    const pngGrid = gridMeans(await decodeJpeg(png.original.bytes), 2, 2);
    const turnedGrid = gridMeans(await decodeJpeg(progressive.original.bytes), 2, 2);
    expect(largestCellDifference(turnedGrid, [...pngGrid].reverse())).toBeLessThanOrEqual(12);
  });
});

describe('the display variant', () => {
  const uprightFile = (width: number, height: number, quality = 92) =>
    encodeTestJpeg(photoLikePicture(width, height), quality);

  it('is the stripped original when an upright JPEG is at most 1080 px and 160 KB', async () => {
    const input = withExif(await uprightFile(1080, 720, 80), buildExifApp1({ orientation: 1, make: 'Test' }));
    const result = await processImage(input, 'jpeg', 1);
    expect(result.original.bytes.length).toBeLessThanOrEqual(160 * 1024);
    expect(result.display.bytes).toEqual(stripJpegMetadata(input));
    expect([result.display.width, result.display.height]).toEqual([1080, 720]);
  });

  it('is re-encoded from an upright JPEG heavier than 160 KB, larger than 1080 px, or turned', async () => {
    const heavy = await encodeTestJpeg(noisePicture(640, 480), 95);
    expect(heavy.length).toBeGreaterThan(160 * 1024);
    const large = await uprightFile(1200, 800);
    const turned = withExif(await uprightFile(640, 480), buildExifApp1({ orientation: 6 }));
    for (const [name, bytes, orientation] of [
      ['heavy', heavy, 1],
      ['large', large, 1],
      ['turned', turned, 6],
    ] as const) {
      const result = await processImage(bytes, 'jpeg', orientation);
      expect(sameBytes(result.display.bytes, result.original.bytes), name).toBe(false);
      // A re-encoded display is baseline, mozjpeg's tables at quality 80: smaller than the source.
      expect(result.display.bytes.length, name).toBeLessThan(bytes.length);
    }
  });
});

describe('large images', () => {
  it('caps a re-encoded original at 12.6 MP, keeps an upright JPEG whole, and refits the display from either', async () => {
    const { encodeJpeg } = await import('../../../src/processor/pipeline/jpeg-encoder');
    const picture = quadrantPicture(6000, 4000);
    const file = encodeJpeg(picture, 80);
    const upright = await processImage(file, 'jpeg', 1);
    expect(jpegSize(upright.original.bytes)).toEqual({ width: 6000, height: 4000 });
    const turned = await processImage(withExif(file, buildExifApp1({ orientation: 8 })), 'jpeg', 8);
    // 24 MP is too many coefficients to turn losslessly: re-encoded, scaled to 12.6 MP.
    expect(turned.originalMethod).toBe('re-encoded');
    expect(jpegSize(turned.original.bytes)).toEqual({ width: 2898, height: 4347 });
    expect([turned.original.width, turned.original.height, turned.width, turned.height]).toEqual([
      2898, 4347, 4000, 6000,
    ]);
    expect(jpegSize(turned.display.bytes)).toEqual({ width: 720, height: 1080 });
    // Turned 90° anticlockwise for display: the top-right quadrant is now top left.
    const [topLeft] = gridMeans(await decodeJpeg(turned.display.bytes), 2, 2);
    expectColourNear(topLeft!, [40, 180, 60], 8);
  });

  it('turns progressive JPEGs and interlaced PNGs upright, read by their own decoders', async () => {
    const picture = quadrantPicture(900, 600);
    const progressive = await encodeTestJpeg(picture, 92, { progressive: true });
    const png = await encodePng(picture, { colourType: 'rgb', interlaced: true });
    for (const [bytes, format] of [
      [progressive, 'jpeg'],
      [png, 'png'],
    ] as const) {
      const result = await processImage(bytes, format, 3);
      expect(
        largestCellDifference(
          gridMeans(await decodeJpeg(result.display.bytes), 2, 2),
          [...gridMeans(picture, 2, 2)].reverse(),
        ),
        format,
      ).toBeLessThanOrEqual(10);
    }
  });
});

describe('input formats', () => {
  const RED: Rgb = [220, 30, 30];
  const BLUE: Rgb = [30, 60, 220];
  const WHITE: Rgb = [255, 255, 255];

  it('decodes PNG', async () => {
    const result = await processImage(
      await encodePng(splitPicture(600, 400, RED, BLUE), { colourType: 'rgb' }),
      'png',
      1,
    );
    const [left, right] = gridMeans(await decodeJpeg(result.display.bytes), 2, 1);
    expectColourNear(left!, RED, 6);
    expectColourNear(right!, BLUE, 6);
  });

  it('composites PNG transparency onto white', async () => {
    // Left half opaque red, right half fully transparent red; then half-transparent blue.
    const transparent = await processImage(
      await encodePng(splitPicture(600, 400, RED, RED, 255, 0), { colourType: 'rgba' }),
      'png',
      1,
    );
    const [opaque, clear] = gridMeans(await decodeJpeg(transparent.display.bytes), 2, 1);
    expectColourNear(opaque!, RED, 6);
    expectColourNear(clear!, WHITE, 3);

    const half = await processImage(
      await encodePng(solidPicture(300, 200, BLUE, 128), { colourType: 'rgba' }),
      'png',
      1,
    );
    const [mixed] = gridMeans(await decodeJpeg(half.display.bytes), 1, 1);
    const over = (c: number): number => (c * 128 + 255 * 127) / 255;
    const expected: Rgb = [over(BLUE[0]), over(BLUE[1]), over(BLUE[2])];
    expectColourNear(mixed!, expected, 4);
  });

  it('decodes WebP, lossy and lossless with alpha (composited onto white)', async () => {
    const lossy = await processImage(await encodeWebp(splitPicture(600, 400, RED, BLUE), { quality: 90 }), 'webp', 1);
    const [left, right] = gridMeans(await decodeJpeg(lossy.display.bytes), 2, 1);
    expectColourNear(left!, RED, 8);
    expectColourNear(right!, BLUE, 8);

    const alpha = await processImage(
      await encodeWebp(splitPicture(600, 400, RED, RED, 255, 0), { lossless: 1 }),
      'webp',
      1,
    );
    const [opaque, clear] = gridMeans(await decodeJpeg(alpha.display.bytes), 2, 1);
    expectColourNear(opaque!, RED, 6);
    expectColourNear(clear!, WHITE, 3);
    expect([alpha.width, alpha.height, alpha.original.width]).toEqual([600, 400, 600]);
  });

  it('applies the orientation it is given to PNG and WebP too', async () => {
    const picture = quadrantPicture(640, 480);
    const upright = gridMeans(picture, 4, 4);
    for (const [bytes, format] of [
      [await encodePng(storedForOrientation(picture, 6), { colourType: 'rgb' }), 'png'],
      [await encodeWebp(storedForOrientation(picture, 6), { lossless: 1 }), 'webp'],
    ] as const) {
      const result = await processImage(bytes, format, 6);
      expect([result.width, result.height], format).toEqual([640, 480]);
      expect(
        largestCellDifference(gridMeans(await decodeJpeg(result.display.bytes), 4, 4), upright),
        format,
      ).toBeLessThanOrEqual(10);
    }
  });
});
