/**
 * The streaming lossy WebP decoder (src/processor/pipeline/webp-decoder.ts) against libwebp
 * (@jsquash/webp's WebPDecodeRGBA): the same pixels, byte for byte, over the bitstream features
 * libwebp's encoder writes, and only UndecodableImageError for files it cannot decode.
 *
 * Which features a fixture exercises is asserted from its frame header where the header says it
 * (filter, sharpness, segmentation, token partitions, skip flags). Intra modes are not in the
 * header: a probe that counted them found all ten 4×4 modes, the four 16×16 and the four chroma
 * modes, and macroblocks without coefficients, in the 255×129 photo at quality 5, and 4×4 modes
 * throughout the quality-100 and noise files.
 */
import { describe, expect, it } from 'vitest';
import { withWebpDecoder } from '../../../src/processor/pipeline/codecs';
import { inspectImage } from '../../../src/shared/image/inspect';
import { UndecodableImageError } from '../../../src/processor/pipeline/errors';
import type { RowSink } from '../../../src/processor/pipeline/pixels';
import {
  decodeLossyWebp,
  readVp8FrameSettings,
  type Vp8FrameSettings,
} from '../../../src/processor/pipeline/webp-decoder';
import {
  noisePicture,
  photoLikePicture,
  quadrantPicture,
  solidPicture,
  type RgbaImage,
} from '../../fixtures/images/patterns';
import { encodeWebp } from '../../fixtures/images/webp-writer';
import type { EncodeOptions } from '@jsquash/webp/meta.js';
import './support';
import { seededRandom } from '../../fixtures/seeded-random';

/** libwebp's decode of the file, or null when libwebp refuses it. */
async function libwebp(bytes: Uint8Array): Promise<RgbaImage | null> {
  return withWebpDecoder(({ codec }) => {
    const image = codec.decode(bytes);
    if (!image) return null;
    return { data: new Uint8Array(image.data), width: image.width, height: image.height };
  });
}

/** Ours, into a whole image, checking on the way that bands arrive in order and cover every row once. */
function ours(bytes: Uint8Array): RgbaImage {
  const layout = inspectImage(bytes);
  if (!layout.ok) throw new Error('not a readable WebP');
  const { width, height } = layout;
  const data = new Uint8Array(width * height * 4);
  let next = 0;
  const sink: RowSink = {
    accept(rows, firstRow, rowCount) {
      expect(firstRow).toBe(next);
      expect(rowCount).toBeGreaterThan(0);
      expect(rows.length).toBeGreaterThanOrEqual(rowCount * width * 4);
      data.set(rows.subarray(0, rowCount * width * 4), firstRow * width * 4);
      next = firstRow + rowCount;
    },
  };
  decodeLossyWebp(bytes, sink);
  expect(next).toBe(height);
  return { data, width, height };
}

/** Index and values of the first differing byte, for a readable failure; null when identical. */
function firstDifference(a: RgbaImage, b: RgbaImage): string | null {
  if (a.width !== b.width || a.height !== b.height) return `size ${a.width}×${a.height} vs ${b.width}×${b.height}`;
  for (let i = 0; i < a.data.length; i++) {
    if (a.data[i] !== b.data[i]) {
      const pixel = i >> 2;
      return `x ${pixel % a.width}, y ${Math.floor(pixel / a.width)}, channel ${i & 3}: ${a.data[i]} vs ${b.data[i]}`;
    }
  }
  return null;
}

async function expectSameAsLibwebp(bytes: Uint8Array): Promise<void> {
  const reference = await libwebp(bytes);
  expect(reference).not.toBeNull();
  expect(firstDifference(ours(bytes), reference!)).toBeNull();
}

async function encoded(picture: RgbaImage, options: Partial<EncodeOptions>): Promise<Uint8Array> {
  return encodeWebp(picture, options);
}

function reasonOf(bytes: Uint8Array): string {
  try {
    decodeLossyWebp(bytes, { accept() {} });
    return 'decoded';
  } catch (error) {
    if (error instanceof UndecodableImageError) return error.reason;
    throw error;
  }
}

function settings(bytes: Uint8Array): Vp8FrameSettings {
  return readVp8FrameSettings(bytes);
}

describe('lossy WebP decoder: the same pixels as libwebp', () => {
  const SIZES: [number, number][] = [
    [1, 1],
    [17, 33],
    [64, 48],
    [255, 129],
  ];
  for (const [width, height] of SIZES) {
    for (const quality of [5, 30, 75, 100]) {
      it(`is identical to libwebp for a ${width}×${height} photo at quality ${quality} (partial macroblocks, every intra mode)`, async () => {
        await expectSameAsLibwebp(await encoded(photoLikePicture(width, height), { quality }));
      });
    }
  }

  it('is identical for a noise picture, where every macroblock is 4×4-predicted with large coefficients', async () => {
    await expectSameAsLibwebp(await encoded(noisePicture(160, 112), { quality: 90 }));
    await expectSameAsLibwebp(await encoded(noisePicture(97, 61), { quality: 20 }));
  });

  it('is identical for a 600×400 photo at the default settings (many macroblock rows and bands)', async () => {
    await expectSameAsLibwebp(await encoded(photoLikePicture(600, 400), {}));
  });

  for (const segments of [1, 4]) {
    it(`is identical with ${segments} segment(s): ${segments > 1 ? 'per-segment quantisers and filter levels' : 'no segment map'}`, async () => {
      const bytes = await encoded(photoLikePicture(200, 150), { quality: 60, segments });
      expect(settings(bytes).segmentation).toBe(segments > 1);
      await expectSameAsLibwebp(bytes);
    });
  }

  for (const [filterType, name] of [
    [0, 'simple'],
    [1, 'normal'],
  ] as const) {
    for (const [strength, sharpness] of [
      [20, 0],
      [60, 3],
      [100, 7],
      [80, 5],
    ]) {
      it(`is identical with the ${name} loop filter at strength ${strength}, sharpness ${sharpness}`, async () => {
        const bytes = await encoded(photoLikePicture(160, 96), {
          quality: 40,
          filter_type: filterType,
          filter_strength: strength,
          filter_sharpness: sharpness,
        });
        const header = settings(bytes);
        expect(header.filter).toBe(name);
        expect(header.sharpness).toBe(sharpness);
        expect(header.filterLevel).toBeGreaterThan(0);
        await expectSameAsLibwebp(bytes);
      });
    }
  }

  it('is identical with the loop filter off', async () => {
    const bytes = await encoded(photoLikePicture(160, 96), { quality: 40, filter_strength: 0 });
    expect(settings(bytes).filter).toBe('none');
    await expectSameAsLibwebp(bytes);
  });

  for (const partitions of [0, 1, 2, 3]) {
    it(`is identical with ${1 << partitions} token partition(s)`, async () => {
      // libwebp's encoder writes several partitions only without its token buffer (low_memory).
      const bytes = await encoded(noisePicture(200, 150), { quality: 70, partitions, low_memory: 1 });
      expect(settings(bytes).tokenPartitions).toBe(1 << partitions);
      await expectSameAsLibwebp(bytes);
    });
  }

  it('is identical when macroblocks are skipped by the skip flag', async () => {
    for (const picture of [quadrantPicture(200, 150), photoLikePicture(200, 150)]) {
      const bytes = await encoded(picture, { quality: 30, method: 0 });
      expect(settings(bytes).skipFlags).toBe(true);
      await expectSameAsLibwebp(bytes);
    }
  });
});

describe('lossy WebP decoder: the container', () => {
  it('is classified by the shared inspection: lossy streams here, lossless and transparent go to libwebp', async () => {
    const picture = photoLikePicture(37, 23);
    expect(inspectImage(await encoded(picture, { quality: 80 }))).toMatchObject({
      ok: true,
      width: 37,
      height: 23,
      coding: 'webp',
      decoder: 'streaming',
    });
    expect(inspectImage(await encoded(picture, { lossless: 1 }))).toMatchObject({
      width: 37,
      height: 23,
      coding: 'webpLossless',
      decoder: 'whole',
    });
    const translucent = solidPicture(40, 30, [200, 30, 30], 128);
    expect(inspectImage(await encoded(translucent, { quality: 80 }))).toMatchObject({
      width: 40,
      height: 30,
      coding: 'webpAlpha',
      decoder: 'whole',
    });
    expect(inspectImage(new TextEncoder().encode('RIFF\x04\x00\x00\x00WEBP'))).toMatchObject({ ok: false });
  });

  it('refuses lossless and alpha WebP as corrupt: they are libwebp’s to decode', async () => {
    const lossless = await encoded(photoLikePicture(37, 23), { lossless: 1 });
    expect(reasonOf(lossless)).toBe('corrupt');
    const withAlpha = await encoded(solidPicture(40, 30, [200, 30, 30], 128), { quality: 80 });
    expect(reasonOf(withAlpha)).toBe('corrupt');
  });

  /** The file's VP8 chunk in an extended container: VP8X with `flags` and `canvas`, an ICCP-like chunk of odd size, then the image. */
  function extended(simple: Uint8Array, flags: number, canvas: { width: number; height: number }): Uint8Array {
    const vp8 = simple.subarray(12);
    const chunks: number[] = [];
    const chunk = (kind: string, payload: number[]): void => {
      chunks.push(...new TextEncoder().encode(kind), ...le32(payload.length), ...payload);
      if (payload.length & 1) chunks.push(0);
    };
    const le24 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff, v >> 16];
    const le32 = (v: number): number[] => [...le24(v), v >>> 24];
    chunk('VP8X', [flags, 0, 0, 0, ...le24(canvas.width - 1), ...le24(canvas.height - 1)]);
    chunk('ICCP', [1, 2, 3]);
    const body = [...new TextEncoder().encode('WEBP'), ...chunks, ...vp8];
    return new Uint8Array([...new TextEncoder().encode('RIFF'), ...le32(body.length), ...body]);
  }

  it('decodes an extended (VP8X) file with other chunks before the image like the simple one, as libwebp does', async () => {
    const simple = await encoded(photoLikePicture(45, 30), { quality: 70 });
    const bytes = extended(simple, 0x20, { width: 45, height: 30 });
    expect(inspectImage(bytes)).toMatchObject({ ok: true, width: 45, height: 30, coding: 'webp' });
    await expectSameAsLibwebp(bytes);
    expect(firstDifference(ours(bytes), ours(simple))).toBeNull();
  });

  it('refuses as corrupt a VP8X canvas of another size than the frame, and an animation', async () => {
    const simple = await encoded(photoLikePicture(45, 30), { quality: 70 });
    expect(reasonOf(extended(simple, 0, { width: 46, height: 30 }))).toBe('corrupt');
    const animated = extended(simple, 0x02, { width: 45, height: 30 });
    expect(inspectImage(animated)).toMatchObject({ coding: 'webpAlpha', decoder: 'whole' });
    expect(reasonOf(animated)).toBe('corrupt');
  });

  it('refuses a file that is not WebP as corrupt', () => {
    expect(reasonOf(new TextEncoder().encode('GIF89a this is not a WebP file'))).toBe('corrupt');
  });
});

describe('lossy WebP decoder: damaged files', () => {
  it('reports a file cut short anywhere as truncated', async () => {
    const bytes = await encoded(photoLikePicture(160, 120), { quality: 80 });
    for (const length of [0, 5, 11, 12, 19, 20, 29, 30, 40, 100, bytes.length >> 1, bytes.length - 1]) {
      expect(reasonOf(bytes.subarray(0, length)), `cut at ${length}`).toBe('truncated');
    }
  });

  it('detects partitions that end early even when the chunk sizes were rewritten to match, as libwebp does', async () => {
    const bytes = await encoded(noisePicture(96, 64), { quality: 60, partitions: 2, low_memory: 1 });
    for (const length of [40, 200, bytes.length >> 1, bytes.length - 20, bytes.length - 2]) {
      const cut = bytes.slice(0, length);
      const view = new DataView(cut.buffer);
      view.setUint32(4, length - 8, true); // RIFF size
      view.setUint32(16, length - 20, true); // VP8 chunk size
      const reference = await libwebp(cut);
      const reason = reasonOf(cut);
      expect(reason, `cut at ${length}`).toBe(reference ? 'decoded' : 'truncated');
    }
  });

  it('decodes or refuses bit-flipped files with UndecodableImageError only, promptly, and like libwebp when it decodes', async () => {
    const random = seededRandom(20261204);
    for (const source of [
      await encoded(photoLikePicture(160, 120), { quality: 80 }),
      await encoded(photoLikePicture(64, 64), { quality: 20, method: 0 }),
      await encoded(noisePicture(96, 64), { quality: 60, partitions: 3, low_memory: 1 }),
    ]) {
      for (let i = 0; i < 60; i++) {
        const mutated = source.slice();
        for (let flips = 1 + Math.floor(random() * 3); flips > 0; flips--) {
          mutated[Math.floor(random() * mutated.length)]! ^= 1 << Math.floor(random() * 8);
        }
        const started = Date.now();
        let decoded: RgbaImage | null = null;
        if (!inspectImage(mutated).ok) {
          // No readable header: refused (reasonOf fails the test on any other exception).
          expect(reasonOf(mutated)).not.toBe('decoded');
        } else {
          try {
            decoded = ours(mutated);
          } catch (error) {
            expect(error).toBeInstanceOf(UndecodableImageError);
          }
        }
        expect(Date.now() - started).toBeLessThan(5_000);
        if (decoded) {
          const reference = await libwebp(mutated);
          expect(reference).not.toBeNull();
          expect(firstDifference(decoded, reference!)).toBeNull();
        }
      }
    }
  });
});
