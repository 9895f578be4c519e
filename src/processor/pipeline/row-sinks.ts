/**
 * Where streaming decoders put their rows: straight into an image, or through a resizer that
 * never holds more than a few rows of the larger source — so a 50 MP photo can become a 12.6 MP
 * original in about 50 MB instead of 200.
 */
import { allocatePixels, compositeOnWhite, type Pixels, type RowSink } from './pixels';
import { contributions, type Contributions, type ResizeFilter } from './resize';

/** Collects the rows into one image of the decoder's size. */
export class PixelsSink implements RowSink {
  readonly pixels: Pixels;

  constructor(width: number, height: number) {
    this.pixels = allocatePixels(width, height);
  }

  accept(rows: Uint8Array, firstRow: number, rowCount: number): void {
    const rowBytes = this.pixels.width * 4;
    this.pixels.data.set(rows.subarray(0, rowCount * rowBytes), firstRow * rowBytes);
  }
}

/** Flattens transparency onto white before passing rows on (JPEG has no alpha). */
export class OnWhiteSink implements RowSink {
  constructor(
    private readonly next: RowSink,
    private readonly width: number,
  ) {}

  accept(rows: Uint8Array, firstRow: number, rowCount: number): void {
    compositeOnWhite({ data: rows.subarray(0, rowCount * this.width * 4), width: this.width, height: rowCount });
    this.next.accept(rows, firstRow, rowCount);
  }
}

/**
 * Resamples a stream of source rows to `width` × `height` with a separable filter: each source row
 * is resampled horizontally on arrival into a ring of as many rows as the vertical filter spans,
 * and each output row is written as soon as the last source row it needs has arrived.
 */
export class ResizingSink implements RowSink {
  readonly pixels: Pixels;
  private readonly horizontal: Contributions;
  private readonly vertical: Contributions;
  /** Last source row each output row needs. */
  private readonly lastSourceRow: Int32Array;
  private readonly ring: Float64Array;
  private nextOutputRow = 0;

  constructor(
    private readonly sourceWidth: number,
    sourceHeight: number,
    width: number,
    height: number,
    filter: ResizeFilter,
  ) {
    this.pixels = allocatePixels(width, height);
    this.horizontal = contributions(sourceWidth, width, filter);
    this.vertical = contributions(sourceHeight, height, filter);
    this.lastSourceRow = Int32Array.from(this.vertical.starts, (start) =>
      Math.min(sourceHeight - 1, start + this.vertical.taps - 1),
    );
    this.ring = new Float64Array(this.vertical.taps * width * 3);
  }

  accept(rows: Uint8Array, firstRow: number, rowCount: number): void {
    for (let r = 0; r < rowCount; r++) {
      const sourceRow = firstRow + r;
      this.resampleRow(rows, r * this.sourceWidth * 4, sourceRow % this.vertical.taps);
      while (this.nextOutputRow < this.pixels.height && this.lastSourceRow[this.nextOutputRow]! <= sourceRow) {
        this.writeOutputRow(this.nextOutputRow++);
      }
    }
  }

  private resampleRow(rows: Uint8Array, from: number, slot: number): void {
    const { starts, weights, taps } = this.horizontal;
    const width = this.pixels.width;
    let o = slot * width * 3;
    for (let x = 0; x < width; x++, o += 3) {
      let s = from + starts[x]! * 4;
      let r = 0,
        g = 0,
        b = 0;
      for (let k = x * taps, end = k + taps; k < end; k++, s += 4) {
        const w = weights[k]!;
        if (w === 0) continue;
        r += rows[s]! * w;
        g += rows[s + 1]! * w;
        b += rows[s + 2]! * w;
      }
      this.ring[o] = r;
      this.ring[o + 1] = g;
      this.ring[o + 2] = b;
    }
  }

  private writeOutputRow(y: number): void {
    const { starts, weights, taps } = this.vertical;
    const width = this.pixels.width;
    const out = this.pixels.data;
    const rowStart = y * width * 4;
    for (let x = 0; x < width; x++) {
      let r = 0,
        g = 0,
        b = 0;
      for (let k = 0; k < taps; k++) {
        const w = weights[y * taps + k]!;
        if (w === 0) continue;
        const s = (((starts[y]! + k) % taps) * width + x) * 3;
        r += this.ring[s]! * w;
        g += this.ring[s + 1]! * w;
        b += this.ring[s + 2]! * w;
      }
      const o = rowStart + x * 4;
      out[o] = Math.min(255, Math.max(0, r + 0.5));
      out[o + 1] = Math.min(255, Math.max(0, g + 0.5));
      out[o + 2] = Math.min(255, Math.max(0, b + 0.5));
      out[o + 3] = 255;
    }
  }
}
