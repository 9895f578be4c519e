import { describe, expect, it } from 'vitest';
import {
  decodeBaselineJpeg,
  readBaselineHeader,
  scaledSize,
  type DctScale,
} from '../../../src/processor/pipeline/jpeg-decoder';
import { boxShrink } from '../../../src/processor/pipeline/resize';
import { PixelsSink } from '../../../src/processor/pipeline/row-sinks';
import { corpusAvailable, readCorpus } from '../../fixtures/corpus';
import { concatBytes } from '../../fixtures/exif-builder';
import { photoLikePicture, type RgbaImage } from '../../fixtures/images/patterns';
import { tinyImage, type TinyImageName } from '../../fixtures/tiny-images';
import { decodeJpeg, encodeTestJpeg, luma, psnr, refusal } from './support';

function decodeOurs(bytes: Uint8Array, scale: DctScale = 8): RgbaImage {
  const header = readBaselineHeader(bytes);
  if (!header.ok) throw new Error(`unsupported: ${header.unsupported}`);
  const sink = new PixelsSink(scaledSize(header.jpeg.width, scale), scaledSize(header.jpeg.height, scale));
  decodeBaselineJpeg(bytes, header.jpeg, scale, sink);
  return sink.pixels;
}

describe('baseline JPEG decoder', () => {
  it.each([
    ['4:4:4', { chromaSubsample: 1 }],
    ['grey', { grey: true }],
  ] as const)('decodes %s like mozjpeg, at sizes that are not whole blocks', async (_, options) => {
    for (const [width, height] of [
      [517, 311],
      [16, 16],
      [1, 1],
      [33, 7],
    ] as const) {
      const file = await encodeTestJpeg(photoLikePicture(width, height), 90, options);
      expect(psnr(decodeOurs(file), await decodeJpeg(file)), `${width}×${height}`).toBeGreaterThan(45);
    }
  });

  // Subsampled chroma is repeated here where mozjpeg interpolates ("fancy upsampling"): the
  // original is re-encoded at 4:2:0, and averaging repeated samples gives back the stored chroma
  // exactly. So luma is compared exactly, and colour only in a photo, where it is smooth.
  it('decodes 4:2:0 like mozjpeg: the same luma, and colour within the upsampling difference', async () => {
    for (const [width, height] of [
      [517, 311],
      [16, 16],
      [1, 1],
      [33, 7],
    ] as const) {
      const file = await encodeTestJpeg(photoLikePicture(width, height), 90, { chromaSubsample: 2 });
      const [ours, theirs] = [decodeOurs(file), await decodeJpeg(file)];
      expect(psnr(luma(ours), luma(theirs)), `${width}×${height}`).toBeGreaterThan(45);
      if (width > 100) expect(psnr(ours, theirs)).toBeGreaterThan(38);
    }
  });

  // The 5×3 files are saturated gradients: chroma upsampling differences push some channels past
  // 0 or 255 there, and clamping then moves the recomputed luma too.
  it.each([
    ['jpeg-baseline-5x3', 'luma', 35],
    ['jpeg-exiftool-mm-5x3', 'luma', 35],
    ['jpeg-restart-40x24', 'luma', 45],
    ['jpeg-rgb-adobe-5x3', 'colour', 45],
  ] as [TinyImageName, 'luma' | 'colour', number][])(
    'decodes %s (restart markers, Adobe RGB, EXIF) like mozjpeg (%s)',
    async (name, compare, minimum) => {
      const file = tinyImage(name);
      const [ours, theirs] = [decodeOurs(file), await decodeJpeg(file)];
      expect(compare === 'luma' ? psnr(luma(ours), luma(theirs)) : psnr(ours, theirs)).toBeGreaterThan(minimum);
    },
  );

  it('leaves progressive JPEGs to mozjpeg', () => {
    expect(readBaselineHeader(tinyImage('jpeg-progressive-5x3'))).toMatchObject({ ok: false });
  });

  it.each([4, 2, 1] as DctScale[])(
    'decodes at %i/8 of the size in the DCT domain, close to a box-averaged full decode',
    async (scale) => {
      const file = await encodeTestJpeg(photoLikePicture(1203, 797), 90);
      const ours = decodeOurs(file, scale);
      expect([ours.width, ours.height]).toEqual([scaledSize(1203, scale), scaledSize(797, scale)]);
      const reference = boxShrink(await decodeJpeg(file), 8 / scale, 8 / scale);
      expect(psnr(ours, reference)).toBeGreaterThan(30);
    },
  );

  it('refuses scan data that ends early, even when the file still ends in EOI', async () => {
    const file = await encodeTestJpeg(photoLikePicture(400, 300), 90);
    const cut = concatBytes(file.subarray(0, Math.floor(file.length * 0.7)), new Uint8Array([0xff, 0xd9]));
    expect(await refusal(() => decodeOurs(cut))).toBe('truncated');
  });

  it('refuses damaged entropy-coded data', async () => {
    const file = await encodeTestJpeg(photoLikePicture(400, 300), 90);
    const damaged = file.slice();
    // Ones in a row are not a valid Huffman code of mozjpeg's optimised tables.
    damaged.fill(0xfe, 2000, 2400);
    expect(['corrupt', 'truncated']).toContain(await refusal(() => decodeOurs(damaged)));
  });
});

describe.skipIf(!corpusAvailable)('baseline JPEG decoder on camera files', () => {
  it.each([
    'cameras/Reconyx_HC500_Hyperfire.jpg',
    'cameras/fujifilm-dx10.jpg',
    'cameras/jolla.jpg',
    'gps/DSCN0010.jpg',
    'cameras/Canon_40D.jpg',
  ])('%s decodes like mozjpeg', async (path) => {
    const file = await readCorpus(path);
    const [ours, theirs] = [decodeOurs(file), await decodeJpeg(file)];
    expect(psnr(luma(ours), luma(theirs))).toBeGreaterThan(45);
    expect(psnr(ours, theirs)).toBeGreaterThan(36);
  });
});
