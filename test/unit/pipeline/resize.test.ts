import { describe, expect, it } from 'vitest';
import { boxShrink, fitLongSide, resize, type ResizeFilter } from '../../../src/processor/pipeline/resize';
import { solidPicture, splitPicture } from '../../fixtures/images/patterns';
import { expectColourNear, gridMeans } from './support';

describe('resize', () => {
  it('fits the longest side and never upscales', () => {
    expect(fitLongSide(4000, 3000, 1080)).toEqual({ width: 1080, height: 810 });
    expect(fitLongSide(3000, 4000, 1080)).toEqual({ width: 810, height: 1080 });
    expect(fitLongSide(1080, 1080, 1080)).toEqual({ width: 1080, height: 1080 });
    expect(fitLongSide(500, 20, 1080)).toEqual({ width: 500, height: 20 });
    expect(fitLongSide(10000, 3, 320)).toEqual({ width: 320, height: 1 });
  });

  it('averages whole and edge blocks in the box shrink', () => {
    // 5 × 1 pixels shrunk by 2: [0, 100] [200, 50] [30] → 50, 125, 30.
    const row = { data: Uint8Array.from([0, 100, 200, 50, 30].flatMap((v) => [v, v, v, 255])), width: 5, height: 1 };
    expect(Array.from(boxShrink(row, 2, 1).data)).toEqual([50, 50, 50, 255, 125, 125, 125, 255, 30, 30, 30, 255]);
  });

  it.each(['triangle', 'mitchell', 'lanczos3'] as ResizeFilter[])(
    '%s keeps a flat colour flat and sharp edges in place',
    (filter) => {
      const flat = resize(solidPicture(999, 601, [12, 200, 77]), 320, 193, filter);
      expect(gridMeans(flat, 1, 1)[0]).toEqual([12, 200, 77]);
      const split = resize(splitPicture(1600, 900, [250, 0, 0], [0, 0, 250]), 400, 225, filter);
      const cells = gridMeans(split, 4, 1);
      expectColourNear(cells[0]!, [250, 0, 0], 1);
      expectColourNear(cells[3]!, [0, 0, 250], 1);
      // The edge stays between the two middle cells: each keeps its side's colour mostly.
      expect(cells[1]![0]).toBeGreaterThan(200);
      expect(cells[2]![2]).toBeGreaterThan(200);
    },
  );
});
