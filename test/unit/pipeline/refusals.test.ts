import { afterEach, describe, expect, it } from 'vitest';
import {
  FULL_DECODE_MAX_PIXELS,
  MAX_PIXELS,
  processImage,
  setPipelineProbe,
  UndecodableImageError,
  type UndecodableReason,
} from '../../../src/processor/pipeline/index';
import { isStartOfFrame, readSegmentAt } from '../../../src/shared/image/jpeg-segments';
import { corpusAvailable, readCorpus } from '../../fixtures/corpus';
import { photoLikePicture, solidPicture } from '../../fixtures/images/patterns';
import { encodePng, pngChunk } from '../../fixtures/images/png-writer';
import { encodeTestJpeg } from './support';

async function refusal(run: Promise<unknown>): Promise<UndecodableReason> {
  const error = await run.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(UndecodableImageError);
  return (error as UndecodableImageError).reason;
}

/** A copy of the JPEG whose frame header claims another size; the data stays that of the small picture. */
function withClaimedSize(jpeg: Uint8Array, width: number, height: number): Uint8Array {
  const out = jpeg.slice();
  let at = 2;
  for (;;) {
    const read = readSegmentAt(out, at);
    if (!read.ok) throw new Error('no SOF');
    if (isStartOfFrame(read.segment.marker)) {
      const p = read.segment.payloadStart;
      out.set([height >> 8, height & 0xff, width >> 8, width & 0xff], p + 1);
      return out;
    }
    at = read.segment.end;
  }
}

describe('images the processor refuses', () => {
  const codecsUsed: string[] = [];
  afterEach(() => {
    setPipelineProbe(null);
    codecsUsed.length = 0;
  });

  it.each(['baseline', 'progressive'])('refuses a truncated %s JPEG instead of serving grey fill', async (kind) => {
    const jpeg = await encodeTestJpeg(photoLikePicture(800, 600), 90, { progressive: kind === 'progressive' });
    expect(await refusal(processImage(jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), 'jpeg', 1))).toBe('truncated');
    // Cut just before the end-of-image marker: every scan byte is there but one.
    expect(await refusal(processImage(jpeg.subarray(0, jpeg.length - 3), 'jpeg', 1))).toBe('truncated');
  });

  it.skipIf(!corpusAvailable)('refuses the corpus’s 12 MP photo whose data ends early', async () => {
    expect(await refusal(processImage(await readCorpus('broken/corrupted.jpg'), 'jpeg', 1))).toMatch(
      /truncated|corrupt/,
    );
  });

  it(`refuses more than ${MAX_PIXELS / 1e6} megapixels from the header, before any decoder exists`, async () => {
    setPipelineProbe({ codecReturned: (codec) => codecsUsed.push(codec) });
    const side = Math.ceil(Math.sqrt(MAX_PIXELS)) + 1;
    const bomb = withClaimedSize(await encodeTestJpeg(solidPicture(64, 64, [0, 0, 0])), side, side);
    codecsUsed.length = 0;
    expect(await refusal(processImage(bomb, 'jpeg', 1))).toBe('too-many-pixels');

    // A PNG whose header claims 10 000 × 10 000: 400 MB of RGBA, were it believed.
    const png = await encodePng(solidPicture(16, 16, [0, 0, 0]), { colourType: 'rgb' });
    const ihdr = pngChunk('IHDR', Uint8Array.from([0, 0, 0x27, 0x10, 0, 0, 0x27, 0x10, 8, 2, 0, 0, 0]));
    const pngBomb = new Uint8Array([...png.subarray(0, 8), ...ihdr, ...png.subarray(8 + 25)]);
    expect(await refusal(processImage(pngBomb, 'png', 1))).toBe('too-many-pixels');
    expect(codecsUsed).toEqual([]);
  });

  it(`refuses more than ${FULL_DECODE_MAX_PIXELS / 1e6} megapixels for files only a whole-image decoder reads`, async () => {
    setPipelineProbe({ codecReturned: (codec) => codecsUsed.push(codec) });
    const side = Math.ceil(Math.sqrt(FULL_DECODE_MAX_PIXELS)) + 1;
    const progressive = withClaimedSize(
      await encodeTestJpeg(solidPicture(64, 64, [0, 0, 0]), 90, { progressive: true }),
      side,
      side,
    );
    // Arithmetic coding (SOF10): only mozjpeg reads it, whole.
    const arithmetic = progressive.slice();
    arithmetic[arithmetic.findIndex((byte, i) => byte === 0xff && arithmetic[i + 1] === 0xc2) + 1] = 0xca;
    codecsUsed.length = 0;
    expect(await refusal(processImage(arithmetic, 'jpeg', 1))).toBe('too-many-pixels');
    // Lossless WebP: the VP8L header holds 14-bit width and height minus one from byte 21.
    const { encodeWebp } = await import('../../fixtures/images/webp-writer');
    const lossless = await encodeWebp(solidPicture(64, 64, [0, 0, 0]), { lossless: 1 });
    const bits = (side - 1) | ((side - 1) << 14);
    lossless.set([bits & 0xff, (bits >> 8) & 0xff, (bits >> 16) & 0xff, (lossless[24]! & 0xf0) | (bits >>> 24)], 21);
    codecsUsed.length = 0;
    expect(await refusal(processImage(lossless, 'webp', 1))).toBe('too-many-pixels');
    expect(codecsUsed).toEqual([]);
    // The same claimed size is fine for a baseline JPEG, an interlaced PNG and a lossy WebP, which
    // stream, and a progressive JPEG, whose decoder keeps only the low frequencies (refused here
    // only because their data is that of a small picture).
    const { encodeJpeg } = await import('../../../src/processor/pipeline/jpeg-encoder');
    const baseline = withClaimedSize(encodeJpeg(solidPicture(64, 64, [0, 0, 0]), 80), side, side);
    expect(await refusal(processImage(baseline, 'jpeg', 1))).not.toBe('too-many-pixels');
    expect(await refusal(processImage(progressive, 'jpeg', 1))).not.toBe('too-many-pixels');
    // Interlaced PNG, one inflater per Adam7 pass.
    const png = await encodePng(solidPicture(16, 16, [0, 0, 0]), { colourType: 'rgb', interlaced: true });
    const ihdr = pngChunk(
      'IHDR',
      Uint8Array.from([0, 0, side >> 8, side & 0xff, 0, 0, side >> 8, side & 0xff, 8, 2, 0, 0, 1]),
    );
    expect(
      await refusal(processImage(new Uint8Array([...png.subarray(0, 8), ...ihdr, ...png.subarray(8 + 25)]), 'png', 1)),
    ).not.toBe('too-many-pixels');
    // Lossy WebP: the VP8 frame header holds 14-bit width and height at bytes 26 and 28.
    const lossy = await encodeWebp(solidPicture(64, 64, [0, 0, 0]));
    lossy.set([side & 0xff, side >> 8, side & 0xff, side >> 8], 26);
    expect(await refusal(processImage(lossy, 'webp', 1))).not.toBe('too-many-pixels');
  });

  it('refuses a file that is not of the format it was sent as, or not an image', async () => {
    const png = await encodePng(solidPicture(8, 8, [1, 2, 3]), { colourType: 'rgb' });
    expect(await refusal(processImage(png, 'jpeg', 1))).toBe('format-mismatch');
    expect(await refusal(processImage(new TextEncoder().encode('<svg/>'), 'png', 1))).toBe('format-mismatch');
    expect(await refusal(processImage(new Uint8Array(0), 'webp', 1))).toBe('format-mismatch');
  });

  it('refuses truncated and damaged PNGs', async () => {
    const png = await encodePng(photoLikePicture(300, 200), { colourType: 'rgb' });
    expect(await refusal(processImage(png.subarray(0, png.length >> 1), 'png', 1))).toBe('truncated');
    const damaged = png.slice();
    // Inside the first IDAT's zlib data: the stream no longer inflates.
    damaged.fill(0xff, 60, 90);
    expect(await refusal(processImage(damaged, 'png', 1))).toMatch(/truncated|corrupt/);
  });

  it('refuses a damaged WebP', async () => {
    const { encodeWebp } = await import('../../fixtures/images/webp-writer');
    const webp = await encodeWebp(photoLikePicture(300, 200));
    expect(await refusal(processImage(webp.subarray(0, webp.length >> 1), 'webp', 1))).toMatch(/truncated|corrupt/);
  });

  it('still decodes after a codec failed: each call has a fresh instance', async () => {
    const jpeg = await encodeTestJpeg(photoLikePicture(300, 200), 90, { progressive: true });
    const garbage = jpeg.slice();
    garbage.fill(0x55, 700, jpeg.length - 2);
    await processImage(garbage, 'jpeg', 1).catch(() => {});
    expect((await processImage(jpeg, 'jpeg', 1)).width).toBe(300);
  });
});
