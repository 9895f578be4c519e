import { describe, expect, it } from 'vitest';
import { encodeJpeg, MOZJPEG_LIKE } from '../../../src/processor/pipeline/jpeg-encoder';
import { orient, orientedWalk, type Orientation } from '../../../src/processor/pipeline/orient';
import { MARKER, readSegmentAt } from '../../../src/shared/image/jpeg-segments';
import { noisePicture, photoLikePicture, type RgbaImage } from '../../fixtures/images/patterns';
import { defaultOptions as mozjpegDefaults } from '@jsquash/jpeg/meta.js';
import { mozjpegEncode } from './mozjpeg';
import { decodeJpeg, encodeTestJpeg, headerMarkers, sameBytes } from './support';

function psnr(a: RgbaImage, b: RgbaImage): number {
  let squared = 0;
  for (let i = 0; i < a.data.length; i++) {
    if ((i & 3) === 3) continue;
    squared += (a.data[i]! - b.data[i]!) ** 2;
  }
  return 10 * Math.log10((255 * 255) / (squared / ((a.data.length * 3) / 4)));
}

describe('baseline JPEG encoder', () => {
  /** Fidelity relative to mozjpeg at the same quality and subsampling, decoded the same way. */
  async function fidelityAgainstMozjpeg(
    picture: RgbaImage,
    quality: number,
  ): Promise<{ ours: number; mozjpeg: number }> {
    return {
      ours: psnr(await decodeJpeg(encodeJpeg(picture, quality)), picture),
      mozjpeg: psnr(await decodeJpeg(await encodeTestJpeg(picture, quality)), picture),
    };
  }

  it('encodes as faithfully as mozjpeg at quality 90, at sizes that are not whole blocks', async () => {
    for (const [width, height] of [
      [333, 217],
      [17, 9],
      [1, 1],
      [16, 16],
      [1025, 3],
    ] as const) {
      const picture = photoLikePicture(width, height);
      const decoded = await decodeJpeg(encodeJpeg(picture, 90));
      expect([decoded.width, decoded.height]).toEqual([width, height]);
      const { ours, mozjpeg } = await fidelityAgainstMozjpeg(picture, 90);
      expect(ours, `${width}×${height}`).toBeGreaterThan(mozjpeg - 1);
    }
  });

  it('gets smaller and worse as quality falls', async () => {
    const picture = photoLikePicture(400, 300);
    const high = encodeJpeg(picture, 95);
    const low = encodeJpeg(picture, 50);
    expect(low.length).toBeLessThan(high.length * 0.6);
    expect(psnr(await decodeJpeg(low), picture)).toBeLessThan(psnr(await decodeJpeg(high), picture));
  });

  it('copes with noise, where every coefficient is large', async () => {
    const { ours, mozjpeg } = await fidelityAgainstMozjpeg(noisePicture(256, 192), 90);
    expect(ours).toBeGreaterThan(mozjpeg - 1);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8] as Orientation[])(
    'reading through orientation walk %i gives the bytes of encoding the turned copy',
    (orientation) => {
      const picture = photoLikePicture(75, 41);
      const walked = encodeJpeg(picture, 85, orientedWalk(picture.width, picture.height, orientation));
      expect(sameBytes(walked, encodeJpeg(orient(picture, orientation), 85))).toBe(true);
    },
  );

  it('writes JFIF, tables, frame and scan, nothing else', () => {
    const markers = headerMarkers(encodeJpeg(photoLikePicture(64, 64), 80));
    expect(markers).toEqual([
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
  });
});

describe('display and thumbnail quantisation (mozjpeg-like)', () => {
  /** The payloads of the DQT segments, in file order. */
  function quantTables(jpeg: Uint8Array): number[][] {
    const tables: number[][] = [];
    for (let at = 2; ;) {
      const read = readSegmentAt(jpeg, at);
      if (!read.ok || read.segment.marker === MARKER.SOS) return tables;
      if (read.segment.marker === MARKER.DQT)
        tables.push(Array.from(jpeg.subarray(read.segment.payloadStart, read.segment.end)));
      at = read.segment.end;
    }
  }

  /** mozjpeg as the pipeline used it for these variants: progressive, trellis, 4:2:0. */
  const mozjpegVariant = (picture: RgbaImage, quality: number) =>
    mozjpegEncode(picture.data, picture.width, picture.height, {
      ...mozjpegDefaults,
      quality,
      auto_subsample: false,
      chroma_subsample: 2,
    });

  // Down to 70: below it mozjpeg's largest entries pass 255, which @jsquash writes as 16-bit tables
  // and a baseline file (ours) cannot hold.
  it.each([70, 80, 95])('writes the quantisation tables mozjpeg writes at quality %i', async (quality) => {
    const picture = photoLikePicture(64, 48);
    const ours = quantTables(encodeJpeg(picture, quality, undefined, undefined, MOZJPEG_LIKE));
    // mozjpeg writes one DQT segment holding both tables, ours one segment each.
    const theirs = quantTables(await mozjpegVariant(picture, quality)).flat();
    expect(ours.flat()).toEqual(theirs);
  });

  it.each([
    [1080, 810],
    [320, 240],
  ])('at quality 80, %i×%i is as faithful as mozjpeg within 8 percent of its bytes', async (width, height) => {
    const picture = photoLikePicture(width, height);
    const ours = encodeJpeg(picture, 80, undefined, undefined, MOZJPEG_LIKE);
    const theirs = await mozjpegVariant(picture, 80);
    expect(psnr(await decodeJpeg(ours), picture)).toBeGreaterThanOrEqual(psnr(await decodeJpeg(theirs), picture) - 0.1);
    expect(ours.length / theirs.length).toBeLessThanOrEqual(1.08);
    // The Annex K tables at the same setting: what the dead zone and mozjpeg's tables save.
    expect(ours.length).toBeLessThan(encodeJpeg(picture, 80).length * 0.9);
  });
});
