import { describe, expect, it } from 'vitest';
import { defaultOptions as mozjpegDefaults } from '@jsquash/jpeg/meta.js';
import {
  decodeBaselineJpeg,
  readBaselineHeader,
  scaledBlockDecoder,
  scaledSize,
  type DctScale,
} from '../../../src/processor/pipeline/jpeg-decoder';
import { PixelsSink } from '../../../src/processor/pipeline/row-sinks';
import { planLosslessTransform, transformJpeg } from '../../../src/processor/pipeline/jpeg-transform';
import { orient, type Orientation } from '../../../src/processor/pipeline/orient';
import { MARKER } from '../../../src/shared/image/jpeg-segments';
import { photoLikePicture, type RgbaImage } from '../../fixtures/images/patterns';
import { mozjpegEncode } from './mozjpeg';
import { decodeJpeg, headerMarkers } from './support';

async function baselineJpeg(
  picture: RgbaImage,
  options: { chromaSubsample?: number; grey?: boolean } = {},
): Promise<Uint8Array> {
  return mozjpegEncode(picture.data, picture.width, picture.height, {
    ...mozjpegDefaults,
    quality: 85,
    progressive: false,
    auto_subsample: false,
    chroma_subsample: options.chromaSubsample ?? 2,
    color_space: options.grey ? 1 : 3,
  });
}

function headerOf(file: Uint8Array) {
  const header = readBaselineHeader(file);
  if (!header.ok) throw new Error(header.unsupported);
  return header.jpeg;
}

function transform(file: Uint8Array, orientation: Orientation, alongside?: Parameters<typeof transformJpeg>[3]) {
  const jpeg = headerOf(file);
  const check = planLosslessTransform(jpeg, orientation);
  if (!check.ok) throw new Error(check.reason);
  return transformJpeg(file, jpeg, check.plan, alongside);
}

function crop(image: RgbaImage, width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    data.set(image.data.subarray(y * image.width * 4, (y * image.width + width) * 4), y * width * 4);
  return { data, width, height };
}

function largestDifference(a: RgbaImage, b: RgbaImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let largest = 0;
  for (let i = 0; i < a.data.length; i++) largest = Math.max(largest, Math.abs(a.data[i]! - b.data[i]!));
  return largest;
}

const ORIENTATIONS = [2, 3, 4, 5, 6, 7, 8] as Orientation[];

describe('lossless JPEG orientation', () => {
  it.each([
    ['4:2:0', { chromaSubsample: 2 }],
    ['4:4:4', { chromaSubsample: 1 }],
    ['grey', { grey: true }],
  ] as const)('turns %s pixels exactly as turning the decoded image would', async (_, options) => {
    const file = await baselineJpeg(photoLikePicture(160, 96), options);
    const decoded = await decodeJpeg(file);
    for (const orientation of ORIENTATIONS) {
      const turned = transform(file, orientation);
      // The same coefficients, moved: only the decoder's rounding and chroma interpolation may differ.
      expect(
        largestDifference(await decodeJpeg(turned.bytes), orient(decoded, orientation)),
        `orientation ${orientation}`,
      ).toBeLessThanOrEqual(3);
    }
  });

  it('trims the partial MCU of an edge a flip moves to the start, and only that edge', async () => {
    // 170 × 100 at 4:2:0: neither side is a multiple of 16.
    const file = await baselineJpeg(photoLikePicture(170, 100));
    const decoded = await decodeJpeg(file);
    const expected: Record<number, [number, number]> = {
      2: [160, 100],
      3: [160, 96],
      4: [170, 96],
      5: [100, 170],
      6: [96, 170],
      7: [96, 160],
      8: [100, 160],
    };
    for (const orientation of ORIENTATIONS) {
      const turned = transform(file, orientation);
      expect([turned.width, turned.height], `orientation ${orientation}`).toEqual(expected[orientation]);
      // What remains is the stored picture without the trimmed right or bottom edge, turned. Next
      // to the cut, the decoder's chroma interpolation has lost a neighbour: a few levels there.
      const kept =
        orientation >= 5 ? crop(decoded, turned.height, turned.width) : crop(decoded, turned.width, turned.height);
      expect(
        largestDifference(await decodeJpeg(turned.bytes), orient(kept, orientation)),
        `orientation ${orientation}`,
      ).toBeLessThanOrEqual(8);
    }
  });

  it('writes JFIF, tables, frame and scan, nothing else, about the size of the source', async () => {
    const file = await baselineJpeg(photoLikePicture(320, 240));
    const turned = transform(file, 6);
    expect(headerMarkers(turned.bytes)).toEqual([
      MARKER.APP0,
      MARKER.DQT,
      MARKER.DQT,
      0xc0,
      MARKER.DHT,
      MARKER.DHT,
      MARKER.DHT,
      MARKER.DHT,
      MARKER.SOS,
    ]);
    // Not smaller: mozjpeg chose its coefficients (trellis) for the unturned zigzag runs.
    expect(Math.abs(turned.bytes.length / file.length - 1)).toBeLessThan(0.05);
  });

  it.each([1, 2, 4, 8] as DctScale[])(
    'decodes the stored pixels at scale %i/8 from the blocks it reads, as a decode of its own would, and writes the same file',
    async (scale) => {
      // 4:2:0 with a partial MCU on both sides: every block of the stored picture, trimmed ones too.
      const file = await baselineJpeg(photoLikePicture(170, 100));
      const jpeg = headerOf(file);
      const size = (sink: PixelsSink) => [sink.pixels.width, sink.pixels.height];
      const alone = new PixelsSink(scaledSize(170, scale), scaledSize(100, scale));
      decodeBaselineJpeg(file, jpeg, scale, alone);
      const alongside = new PixelsSink(scaledSize(170, scale), scaledSize(100, scale));
      const turned = transform(file, 6, scaledBlockDecoder(jpeg, scale, alongside));
      expect(size(alongside)).toEqual(size(alone));
      expect(alongside.pixels.data).toEqual(alone.pixels.data);
      expect(turned.bytes).toEqual(transform(file, 6).bytes);
    },
  );
});
