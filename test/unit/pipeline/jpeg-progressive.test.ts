import { describe, expect, it } from 'vitest';
import { scaledSize, type DctScale, type JpegFrame } from '../../../src/processor/pipeline/jpeg-decoder';
import {
  coefficientStoreBytes,
  decodeProgressiveJpeg,
  readProgressiveFrame,
} from '../../../src/processor/pipeline/jpeg-progressive';
import { processImage } from '../../../src/processor/pipeline/index';
import { boxShrink } from '../../../src/processor/pipeline/resize';
import { PixelsSink } from '../../../src/processor/pipeline/row-sinks';
import { MARKER, readSegmentAt } from '../../../src/shared/image/jpeg-segments';
import { concatBytes } from '../../fixtures/exif-builder';
import { checkWithSharp, sharpEnlarged } from '../../fixtures/image-checker';
import { photoLikePicture, type RgbaImage } from '../../fixtures/images/patterns';
import { encodePng } from '../../fixtures/images/png-writer';
import { tinyImage } from '../../fixtures/tiny-images';
import { decodeJpeg, encodeTestJpeg, luma, psnr, refusal } from './support';

function decodeOurs(bytes: Uint8Array, scale: DctScale = 8): RgbaImage {
  const reading = readProgressiveFrame(bytes);
  if (!reading.ok) throw new Error(`unsupported: ${reading.unsupported}`);
  const sink = new PixelsSink(scaledSize(reading.frame.width, scale), scaledSize(reading.frame.height, scale));
  decodeProgressiveJpeg(bytes, reading.frame, scale, sink);
  return sink.pixels;
}

/** libjpeg-turbo's own progression (through sharp): DC and AC first passes, then successive-approximation refinements. */
async function libjpegProgressive(picture: RgbaImage): Promise<Uint8Array> {
  return sharpEnlarged(
    await encodePng(picture, { colourType: 'rgb' }),
    picture.width,
    picture.height,
    'jpeg-progressive',
  );
}

interface ScanHeader {
  components: number;
  start: number;
  end: number;
  high: number;
  low: number;
}

function scansOf(bytes: Uint8Array): ScanHeader[] {
  const scans: ScanHeader[] = [];
  for (let at = 2; at < bytes.length - 1;) {
    if (bytes[at] !== 0xff || bytes[at + 1] === 0 || (bytes[at + 1]! >= 0xd0 && bytes[at + 1]! <= 0xd7)) {
      at++;
      continue;
    }
    const read = readSegmentAt(bytes, at);
    if (!read.ok || read.segment.marker === MARKER.EOI) break;
    const { marker, payloadStart: p, end } = read.segment;
    if (marker === MARKER.SOS) {
      const count = bytes[p]!;
      const q = p + 1 + count * 2;
      scans.push({
        components: count,
        start: bytes[q]!,
        end: bytes[q + 1]!,
        high: bytes[q + 2]! >> 4,
        low: bytes[q + 2]! & 15,
      });
    }
    at = end;
  }
  return scans;
}

describe('progressive JPEG decoder', () => {
  it('reads mozjpeg’s and libjpeg’s progressions, including successive-approximation refinement scans', async () => {
    const picture = photoLikePicture(517, 311);
    for (const file of [await encodeTestJpeg(picture, 90, { progressive: true }), await libjpegProgressive(picture)]) {
      const scans = scansOf(file);
      expect(scans.length).toBeGreaterThan(4);
      expect(scans.some((scan) => scan.start > 0 && scan.high > 0)).toBe(true);
      expect(psnr(luma(decodeOurs(file)), luma(await decodeJpeg(file)))).toBeGreaterThan(45);
    }
  });

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
      const file = await encodeTestJpeg(photoLikePicture(width, height), 90, { ...options, progressive: true });
      expect(psnr(decodeOurs(file), await decodeJpeg(file)), `${width}×${height}`).toBeGreaterThan(45);
    }
  });

  // As in the baseline decoder, subsampled chroma is repeated where mozjpeg interpolates.
  it('decodes 4:2:0 like mozjpeg: the same luma, and colour within the upsampling difference', async () => {
    for (const [width, height] of [
      [517, 311],
      [1, 1],
      [33, 7],
    ] as const) {
      const file = await encodeTestJpeg(photoLikePicture(width, height), 90, { progressive: true });
      const [ours, theirs] = [decodeOurs(file), await decodeJpeg(file)];
      expect(psnr(luma(ours), luma(theirs)), `${width}×${height}`).toBeGreaterThan(45);
      if (width > 100) expect(psnr(ours, theirs)).toBeGreaterThan(38);
    }
  });

  it('decodes cjpeg’s progressive files, one with restart markers, like mozjpeg', async () => {
    for (const name of ['jpeg-progressive-5x3', 'jpeg-progressive-restart-40x24'] as const) {
      const file = tinyImage(name);
      expect(scansOf(file).length, name).toBeGreaterThan(1);
      expect(psnr(luma(decodeOurs(file)), luma(await decodeJpeg(file))), name).toBeGreaterThan(35);
    }
  });

  it.each([4, 2, 1] as DctScale[])(
    'decodes at %i/8 of the size from the low frequencies alone, close to a box-averaged full decode',
    async (scale) => {
      const file = await libjpegProgressive(photoLikePicture(1203, 797));
      const ours = decodeOurs(file, scale);
      expect([ours.width, ours.height]).toEqual([scaledSize(1203, scale), scaledSize(797, scale)]);
      expect(psnr(ours, boxShrink(await decodeJpeg(file), 8 / scale, 8 / scale))).toBeGreaterThan(30);
    },
  );

  it('keeps what a scaled decode reads: a 50 MP 4:2:0 photo’s display decode holds 15 MB, a full one 150 MB', () => {
    const frame: JpegFrame = {
      width: 8660,
      height: 5773,
      components: [
        { id: 1, h: 2, v: 2, quantId: 0, dcTable: 0, acTable: 0 },
        { id: 2, h: 1, v: 1, quantId: 1, dcTable: 0, acTable: 0 },
        { id: 3, h: 1, v: 1, quantId: 1, dcTable: 0, acTable: 0 },
      ],
      hMax: 2,
      vMax: 2,
      colour: 'ycbcr',
      adobe: false,
      quantTables: [],
    };
    const MB = 1024 * 1024;
    expect(coefficientStoreBytes(frame, 1) / MB).toBeLessThan(15);
    expect(coefficientStoreBytes(frame, 8) / MB).toBeGreaterThan(140);
  });

  it('refuses scan data that ends early, even when the file still ends in EOI', async () => {
    const file = await encodeTestJpeg(photoLikePicture(400, 300), 90, { progressive: true });
    const cut = concatBytes(file.subarray(0, Math.floor(file.length * 0.7)), new Uint8Array([0xff, 0xd9]));
    expect(['truncated', 'corrupt']).toContain(await refusal(() => decodeOurs(cut)));
  });

  it('refuses damaged entropy-coded data and scan headers invalid for a progressive frame', async () => {
    const file = await encodeTestJpeg(photoLikePicture(400, 300), 90, { progressive: true });
    const damaged = file.slice();
    damaged.fill(0xfe, Math.floor(file.length / 2), Math.floor(file.length / 2) + 400);
    expect(['corrupt', 'truncated']).toContain(await refusal(() => decodeOurs(damaged)));

    // The first scan is a DC scan (Ss = Se = 0): claim it ends at coefficient 5.
    const sos = file.findIndex((byte, i) => byte === 0xff && file[i + 1] === MARKER.SOS);
    const badScan = file.slice();
    const count = badScan[sos + 4]!;
    badScan[sos + 4 + 1 + count * 2 + 1] = 5;
    expect(await refusal(() => decodeOurs(badScan))).toBe('corrupt');
  });

  it('makes a 24 MP progressive photo’s variants, the original kept as it is, the display from 1/4-size coefficients', async () => {
    const file = await sharpEnlarged(
      await encodePng(photoLikePicture(600, 400), { colourType: 'rgb' }),
      6000,
      4000,
      'jpeg-progressive',
    );
    const result = await processImage(file, 'jpeg', 1);
    expect(result.originalMethod).toBe('kept');
    expect([result.original.width, result.original.height]).toEqual([6000, 4000]);
    for (const [name, size] of [
      ['display', [1080, 720]],
      ['thumbnail', [320, 213]],
    ] as const) {
      const checked = await checkWithSharp(result[name].bytes);
      expect(checked.decodable, name).toBe(true);
      expect([checked.width, checked.height], name).toEqual(size);
    }
  });

  it('turns a 24 MP progressive photo by re-encoding it at the largest DCT scale whose coefficients fit (3000 × 2000)', async () => {
    const file = await sharpEnlarged(
      await encodePng(photoLikePicture(600, 400), { colourType: 'rgb' }),
      6000,
      4000,
      'jpeg-progressive',
    );
    const result = await processImage(file, 'jpeg', 6);
    expect(result.originalMethod).toBe('re-encoded');
    expect([result.width, result.height]).toEqual([4000, 6000]);
    expect([result.original.width, result.original.height]).toEqual([2000, 3000]);
    expect([result.display.width, result.display.height]).toEqual([720, 1080]);
    const checked = await checkWithSharp(result.original.bytes);
    expect([checked.decodable, checked.width, checked.height]).toEqual([true, 2000, 3000]);
  });
});
