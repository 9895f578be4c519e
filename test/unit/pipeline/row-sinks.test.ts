import { describe, expect, it } from 'vitest';
import { resample, type ResizeFilter } from '../../../src/processor/pipeline/resize';
import { ResizingSink } from '../../../src/processor/pipeline/row-sinks';
import { photoLikePicture } from '../../fixtures/images/patterns';

describe('streaming resize', () => {
  // Lanczos is left out: its overshoot is clamped between the whole-image resampler's passes but
  // not in the stream, so the two legitimately differ at edges (the stream uses the triangle).
  it.each([
    ['triangle', 4001, 2999, 2400, 1800, 7],
    ['triangle', 1000, 700, 999, 699, 16],
    ['triangle', 5000, 300, 1000, 60, 33],
    ['mitchell', 900, 600, 320, 213, 1],
  ] as [ResizeFilter, number, number, number, number, number][])(
    '%s %i×%i → %i×%i fed %i rows at a time matches resizing the whole image',
    (filter, width, height, targetWidth, targetHeight, band) => {
      const picture = photoLikePicture(width, height);
      const sink = new ResizingSink(width, height, targetWidth, targetHeight, filter);
      for (let top = 0; top < height; top += band) {
        const rows = Math.min(band, height - top);
        sink.accept(picture.data.subarray(top * width * 4, (top + rows) * width * 4), top, rows);
      }
      const whole = resample(picture, targetWidth, targetHeight, filter);
      let largest = 0;
      for (let i = 0; i < whole.data.length; i++)
        largest = Math.max(largest, Math.abs(whole.data[i]! - sink.pixels.data[i]!));
      // The whole-image resampler rounds between its two passes; the streaming one does not.
      expect(largest).toBeLessThanOrEqual(2);
    },
  );
});
