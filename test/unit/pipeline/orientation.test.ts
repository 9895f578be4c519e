import { beforeAll, describe, expect, it } from 'vitest';
import { processImage, type PipelineResult } from '../../../src/processor/pipeline/index';
import { buildExifApp1, withExif } from '../../fixtures/exif-builder';
import { corpusAvailable, readCorpus } from '../../fixtures/corpus';
import { quadrantPicture, storedForOrientation, type RgbaImage, type Rgb } from '../../fixtures/images/patterns';
import { decodeJpeg, encodeTestJpeg, gridMeans, largestCellDifference } from './support';

const UPRIGHT = quadrantPicture(1600, 1200);
const VARIANTS = ['thumbnail', 'display', 'original'] as const;
const EXPECTED_SIZES = { thumbnail: [320, 240], display: [1080, 810], original: [1600, 1200] } as const;
/** An 8 × 6 grid of cell means: coarse enough to forgive JPEG loss, fine enough to see every quadrant. */
const GRID = [8, 6] as const;
/** Levels per channel; a wrong turn or mirror moves whole quadrants, differences of 100 and more. */
const TOLERANCE = 12;

/**
 * A camera file: the picture stored under the inverse of `orientation`, tagged with it in EXIF.
 * Baseline goes through the streaming decoder, progressive through mozjpeg.
 */
async function cameraFile(orientation: number, progressive = false): Promise<Uint8Array> {
  const stored = storedForOrientation(UPRIGHT, orientation);
  return withExif(
    await encodeTestJpeg(stored, 92, { progressive }),
    buildExifApp1({ orientation, make: 'Test', model: 'Orientation' }),
  );
}

async function variantGrids(result: PipelineResult): Promise<Record<(typeof VARIANTS)[number], Rgb[]>> {
  const grids = await Promise.all(
    VARIANTS.map(async (name) => gridMeans(await decodeJpeg(result[name].bytes), ...GRID)),
  );
  return { thumbnail: grids[0]!, display: grids[1]!, original: grids[2]! };
}

describe('EXIF orientation', () => {
  let uprightGrids: Record<(typeof VARIANTS)[number], Rgb[]>;

  beforeAll(async () => {
    uprightGrids = await variantGrids(await processImage(await cameraFile(1), 'jpeg', 1));
  });

  it('leaves orientation 1 as the source picture', () => {
    const source = gridMeans(UPRIGHT, ...GRID);
    for (const name of VARIANTS)
      expect(largestCellDifference(uprightGrids[name], source), name).toBeLessThanOrEqual(TOLERANCE);
  });

  it.each(
    [2, 3, 4, 5, 6, 7, 8].flatMap(
      (orientation) =>
        [
          [orientation, 'baseline'],
          [orientation, 'progressive'],
        ] as const,
    ),
  )(
    'turns orientation %i (%s) upright in every variant, pixel for pixel like orientation 1',
    async (orientation, kind) => {
      const result = await processImage(await cameraFile(orientation, kind === 'progressive'), 'jpeg', orientation);
      expect([result.width, result.height]).toEqual([1600, 1200]);
      const grids = await variantGrids(result);
      for (const name of VARIANTS) {
        const decoded = await decodeJpeg(result[name].bytes);
        expect([decoded.width, decoded.height, result[name].width, result[name].height], name).toEqual([
          ...EXPECTED_SIZES[name],
          ...EXPECTED_SIZES[name],
        ]);
        expect(
          largestCellDifference(grids[name], uprightGrids[name]),
          `${name} of orientation ${orientation}`,
        ).toBeLessThanOrEqual(TOLERANCE);
      }
    },
  );

  it('applies the orientation it is given exactly once, although the file carries the same tag', async () => {
    // The decoder could apply the tag too (preserveOrientation); had it done so, orientation 6
    // would come out turned twice: 180°, and of the stored size.
    const result = await processImage(await cameraFile(6), 'jpeg', 6);
    const grid = gridMeans(await decodeJpeg(result.display.bytes), ...GRID);
    expect(largestCellDifference(grid, uprightGrids.display)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('treats an out-of-range orientation as upright', async () => {
    const result = await processImage(await cameraFile(1), 'jpeg', 0);
    expect(
      largestCellDifference(await variantGrids(result).then((g) => g.display), uprightGrids.display),
    ).toBeLessThanOrEqual(TOLERANCE);
  });
});

/**
 * The corpus has one scene stored eight ways, each with the tag that undoes it. All eight must
 * come out as the same picture.
 */
describe.skipIf(!corpusAvailable)('EXIF orientation on real camera files', () => {
  it.each(['landscape', 'portrait'])('turns every %s_N.jpg into the same upright picture', async (kind) => {
    const { readExif } = await import('../../../src/shared/image/exif');
    const grids: Rgb[][] = [];
    const sizes: [number, number][] = [];
    for (let n = 1; n <= 8; n++) {
      const bytes = await readCorpus(`orientation/${kind}_${n}.jpg`);
      const result = await processImage(bytes, 'jpeg', readExif(bytes).orientation);
      const display: RgbaImage = await decodeJpeg(result.display.bytes);
      sizes.push([display.width, display.height]);
      grids.push(gridMeans(display, ...GRID));
    }
    const [first] = sizes;
    expect(kind === 'landscape' ? first![0] > first![1] : first![0] < first![1]).toBe(true);
    for (let n = 2; n <= 8; n++) {
      expect(sizes[n - 1], `${kind}_${n}`).toEqual(first);
      expect(largestCellDifference(grids[n - 1]!, grids[0]!), `${kind}_${n}`).toBeLessThanOrEqual(TOLERANCE * 2);
    }
  });
});
