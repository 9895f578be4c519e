import { describe, expect, it } from 'vitest';
import { processImage } from '../../../src/processor/pipeline/index';
import { inspectImage } from '../../../src/shared/image/inspect';
import { checkWithSharp, sharpCmykJpeg, sharpSrgb } from '../../fixtures/image-checker';
import { photoLikePicture, quadrantPicture } from '../../fixtures/images/patterns';
import { encodePng } from '../../fixtures/images/png-writer';
import { tinyImage } from '../../fixtures/tiny-images';
import { decodeJpeg, gridMeans, largestCellDifference } from './support';

/**
 * The pipeline converts with a polynomial fitted to the SWOP press profile; sharp's reference goes
 * through its own default CMYK ICC profile, and the two render saturated colours differently
 * (sharp clips pure yellow's blue to 3, ours keeps 73). Measured, largest grid-cell difference per
 * channel: 30 on the photo-like picture, 70 on the saturated quadrants; the naive "light left by
 * the ink" conversion was 54 and 113, and ignoring the Adobe inversion gives a negative, 200+.
 */
const PHOTO_TOLERANCE = 36;
const SATURATED_TOLERANCE = 76;

async function cmykFixture(progressive = false): Promise<Uint8Array> {
  return sharpCmykJpeg(await encodePng(photoLikePicture(960, 640), { colourType: 'rgb' }), { progressive });
}

describe('CMYK JPEGs', () => {
  it('are read as CMYK with the Adobe transform flag by the shared inspection', async () => {
    const cmyk = await cmykFixture();
    const inspected = inspectImage(cmyk);
    expect(inspected.ok && inspected.jpegColour).toBe('cmyk');
    expect(inspected.ok && inspected.decoder).toBe('streaming');
  });

  it('become sRGB variants whose colours match sharp’s own sRGB conversion', async () => {
    const cmyk = await cmykFixture();
    const reference = gridMeans(await sharpSrgb(cmyk), 8, 6);
    const result = await processImage(cmyk, 'jpeg', 1);
    expect(result.originalMethod).toBe('re-encoded');
    for (const name of ['original', 'display', 'thumbnail'] as const) {
      const checked = await checkWithSharp(result[name].bytes);
      expect(checked.space, `${name} colour space`).toBe('srgb');
      expect(checked.icc, `${name} carries no CMYK profile`).toBe(false);
      const ours = gridMeans(await decodeJpeg(result[name].bytes), 8, 6);
      expect(largestCellDifference(ours, reference), name).toBeLessThanOrEqual(PHOTO_TOLERANCE);
    }
  });

  it('keep the picture’s layout: quadrants in place, ink inverted the Adobe way', async () => {
    const cmyk = await sharpCmykJpeg(await encodePng(quadrantPicture(400, 300), { colourType: 'rgb' }));
    const result = await processImage(cmyk, 'jpeg', 1);
    const ours = gridMeans(await decodeJpeg(result.display.bytes), 4, 4);
    const reference = gridMeans(await sharpSrgb(cmyk), 4, 4);
    expect(largestCellDifference(ours, reference)).toBeLessThanOrEqual(SATURATED_TOLERANCE);
  });

  it('read YCCK (Adobe transform 2, subsampled) as the same picture coded as CMYK, and like sharp’s conversion', async () => {
    const ycck = tinyImage('jpeg-ycck-64x48');
    const cmyk = tinyImage('jpeg-cmyk-64x48');
    expect(inspectImage(ycck)).toMatchObject({ jpegColour: 'ycck', decoder: 'streaming' });
    expect(inspectImage(cmyk)).toMatchObject({ jpegColour: 'cmyk' });
    const displayMeans = async (file: Uint8Array) =>
      gridMeans(await decodeJpeg((await processImage(file, 'jpeg', 1)).display.bytes), 4, 4);
    const fromYcck = await displayMeans(ycck);
    const fromCmyk = await displayMeans(cmyk);
    // YCCK's round trip through YCbCr and its 2×2 Y and K sampling cost a few levels, no more.
    expect(largestCellDifference(fromYcck, fromCmyk)).toBeLessThanOrEqual(8);
    expect(largestCellDifference(fromYcck, gridMeans(await sharpSrgb(ycck), 4, 4))).toBeLessThanOrEqual(
      SATURATED_TOLERANCE,
    );
  });

  it('turned by EXIF become upright sRGB originals, re-encoded', async () => {
    const cmyk = await cmykFixture();
    const result = await processImage(cmyk, 'jpeg', 6);
    expect([result.original.width, result.original.height]).toEqual([640, 960]);
    expect((await checkWithSharp(result.original.bytes)).space).toBe('srgb');
  });
});
