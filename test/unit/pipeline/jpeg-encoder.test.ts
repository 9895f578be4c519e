import { describe, expect, it } from 'vitest';
import {
  encodeJpeg,
  encodePlanarJpeg,
  MOZJPEG_LIKE,
  type PlanarSource,
} from '../../../src/processor/pipeline/jpeg-encoder';
import { readBaselineHeader } from '../../../src/processor/pipeline/jpeg-decoder';
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

describe('planar encoding (component planes written as they are)', () => {
  interface Plane {
    samples: Uint8Array;
    width: number;
    height: number;
  }

  /** BT.601 Y, Cb, Cr planes of a picture, chroma averaged over `sx` × `sy` samples. */
  function planesOf(picture: RgbaImage, sx: number, sy: number): Plane[] {
    const { data, width, height } = picture;
    const luma = new Uint8Array(width * height);
    const cw = Math.ceil(width / sx);
    const ch = Math.ceil(height / sy);
    const sums = [new Float64Array(cw * ch), new Float64Array(cw * ch)];
    const counts = new Float64Array(cw * ch);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4;
        const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
        luma[y * width + x] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
        const c = Math.floor(y / sy) * cw + Math.floor(x / sx);
        const [cb, cr] = sums as [Float64Array, Float64Array];
        cb[c] = cb[c]! + 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
        cr[c] = cr[c]! + 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
        counts[c] = counts[c]! + 1;
      }
    }
    const chroma = sums.map((sum) => Uint8Array.from(sum, (value, c) => Math.round(value / counts[c]!)));
    return [{ samples: luma, width, height }, ...chroma.map((samples) => ({ samples, width: cw, height: ch }))];
  }

  /** A plane turned by `orientation`, through orient() on a one-channel RGBA image. */
  function turned(plane: Plane, orientation: Orientation): Plane {
    const data = new Uint8Array(plane.samples.length * 4);
    plane.samples.forEach((value, i) => (data[i * 4] = value));
    const out = orient({ data, width: plane.width, height: plane.height }, orientation);
    return {
      samples: Uint8Array.from({ length: out.width * out.height }, (_, i) => out.data[i * 4]!),
      width: out.width,
      height: out.height,
    };
  }

  const TABLES = [new Uint8Array(64).fill(2), new Uint8Array(64).fill(3)];

  function source(planes: Plane[], sampling: [number, number][], orientation: Orientation = 1): PlanarSource {
    const swaps = orientation >= 5;
    return {
      width: swaps ? planes[0]!.height : planes[0]!.width,
      height: swaps ? planes[0]!.width : planes[0]!.height,
      components: planes.map((plane, i) => ({
        samples: plane.samples,
        walk: orientedWalk(plane.width, plane.height, orientation),
        h: sampling[i]![0],
        v: sampling[i]![1],
        quantId: i === 0 ? 0 : 1,
      })),
      quantTables: TABLES,
    };
  }

  it.each([
    ['4:2:0', 2, 2],
    ['4:2:2', 2, 1],
    ['4:4:4', 1, 1],
  ] as const)(
    'writes %s planes with their sampling and tables, and they decode back to the picture',
    async (_, sx, sy) => {
      const picture = photoLikePicture(75, 41);
      const file = encodePlanarJpeg(
        source(planesOf(picture, sx, sy), [
          [sx, sy],
          [1, 1],
          [1, 1],
        ]),
        4096,
      );
      const header = readBaselineHeader(file);
      if (!header.ok) throw new Error(header.unsupported);
      expect(header.jpeg.components.map(({ h, v, quantId }) => [h, v, quantId])).toEqual([
        [sx, sy, 0],
        [1, 1, 1],
        [1, 1, 1],
      ]);
      expect(header.jpeg.quantTables.map((table) => Array.from(new Set(table)))).toEqual([[2], [3]]);
      const decoded = await decodeJpeg(file);
      expect([decoded.width, decoded.height]).toEqual([75, 41]);
      expect(psnr(decoded, picture)).toBeGreaterThan(sx * sy === 1 ? 40 : 30);
    },
  );

  it('writes a grey plane as a one-component file, with only the luma tables', async () => {
    const picture = photoLikePicture(33, 17);
    const [luma] = planesOf(picture, 1, 1);
    const file = encodePlanarJpeg({ ...source([luma!], [[1, 1]]), quantTables: [TABLES[0]] }, 1024);
    expect(headerMarkers(file)).toEqual([MARKER.APP0, MARKER.DQT, 0xc0, MARKER.DHT, MARKER.DHT, MARKER.SOS]);
    const decoded = await decodeJpeg(file);
    const expected = { ...picture, data: picture.data.map((_, i) => ((i & 3) === 3 ? 255 : luma!.samples[i >> 2]!)) };
    expect(psnr(decoded, expected)).toBeGreaterThan(45);
  });

  it.each([2, 3, 4, 5, 6, 7, 8] as Orientation[])(
    'reading planes through orientation walk %i gives the bytes of encoding the turned planes',
    (orientation) => {
      const planes = planesOf(photoLikePicture(75, 41), 2, 1);
      // 4:2:2 stored; turned a quarter, its sampling is 1 × 2.
      const sampling: [number, number][] = [orientation >= 5 ? [1, 2] : [2, 1], [1, 1], [1, 1]];
      const walked = encodePlanarJpeg(source(planes, sampling, orientation), 4096);
      const copied = encodePlanarJpeg(
        source(
          planes.map((plane) => turned(plane, orientation)),
          sampling,
        ),
        4096,
      );
      expect(sameBytes(walked, copied)).toBe(true);
    },
  );
});
