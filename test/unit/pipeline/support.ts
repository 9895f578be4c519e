/**
 * Shared by the pipeline tests: codec set-up, encoding fixtures, decoding results, comparing pixels.
 */
import { expect } from 'vitest';
import { defaultOptions as mozjpegDefaults } from '@jsquash/jpeg/meta.js';
import { initCodecs } from '../../../src/processor/pipeline/index';
import { withJpegDecoder } from '../../../src/processor/pipeline/codecs';
import { UndecodableImageError } from '../../../src/processor/pipeline/errors';
import { codecModules } from '../../../src/processor/pipeline/wasm-modules';
import { isStartOfFrame, MARKER, readSegmentAt } from '../../../src/shared/image/jpeg-segments';
import type { RgbaImage, Rgb } from '../../fixtures/images/patterns';
import { mozjpegEncode } from './mozjpeg';

initCodecs(codecModules);

/**
 * A camera-like JPEG of the picture (mozjpeg, 4:2:0, baseline as cameras write them), without any
 * metadata yet. `progressive` makes the kind the coefficient decoder (jpeg-progressive.ts) reads;
 * `chromaSubsample` 1 is 4:4:4; `grey` one component.
 */
export async function encodeTestJpeg(
  image: RgbaImage,
  quality = 92,
  { progressive = false, chromaSubsample = 2, grey = false } = {},
): Promise<Uint8Array> {
  return mozjpegEncode(image.data, image.width, image.height, {
    ...mozjpegDefaults,
    quality,
    progressive,
    auto_subsample: false,
    chroma_subsample: chromaSubsample,
    color_space: grey ? 1 : 3,
  });
}

/** The reason `run` is refused with (it must throw UndecodableImageError). */
export async function refusal(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(UndecodableImageError);
    return (error as UndecodableImageError).reason;
  }
  throw new Error('expected a refusal');
}

/** Decodes with mozjpeg, independently of the pipeline's own decode stage. */
export async function decodeJpeg(bytes: Uint8Array): Promise<RgbaImage> {
  return withJpegDecoder(({ codec }) => {
    const image = codec.decode(bytes, false);
    if (!image) throw new Error('not decodable');
    return { data: new Uint8Array(image.data), width: image.width, height: image.height };
  });
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** Mean colour of each cell of a `columns` × `rows` grid over the picture. */
export function gridMeans(image: RgbaImage, columns: number, rows: number): Rgb[] {
  const cells: Rgb[] = [];
  for (let cy = 0; cy < rows; cy++) {
    for (let cx = 0; cx < columns; cx++) {
      const x0 = Math.floor((cx * image.width) / columns),
        x1 = Math.floor(((cx + 1) * image.width) / columns);
      const y0 = Math.floor((cy * image.height) / rows),
        y1 = Math.floor(((cy + 1) * image.height) / rows);
      const sum = [0, 0, 0];
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) sum[c]! += image.data[(y * image.width + x) * 4 + c]!;
      }
      const count = (x1 - x0) * (y1 - y0);
      cells.push([sum[0]! / count, sum[1]! / count, sum[2]! / count]);
    }
  }
  return cells;
}

/** Largest difference of any channel of any cell. */
export function largestCellDifference(a: Rgb[], b: Rgb[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(...a.flatMap((cell, i) => cell.map((value, c) => Math.abs(value - b[i]![c]!))));
}

export function expectColourNear(actual: Rgb, expected: Rgb, tolerance: number): void {
  actual.forEach((value, c) =>
    expect(Math.abs(value - expected[c]!), `channel ${c}: ${actual.join()} vs ${expected.join()}`).toBeLessThanOrEqual(
      tolerance,
    ),
  );
}

/** The marker codes of a JPEG's header segments, in order, up to and including the first SOS. */
export function headerMarkers(jpeg: Uint8Array): number[] {
  const markers: number[] = [];
  let at = 2;
  for (;;) {
    const read = readSegmentAt(jpeg, at);
    if (!read.ok) throw new Error(`unreadable JPEG header at ${at}`);
    markers.push(read.segment.marker);
    if (read.segment.marker === MARKER.SOS) return markers;
    at = read.segment.end;
  }
}

/** Width and height from the SOF segment. */
export function jpegSize(jpeg: Uint8Array): { width: number; height: number } {
  let at = 2;
  for (;;) {
    const read = readSegmentAt(jpeg, at);
    if (!read.ok) throw new Error('no frame header');
    const { marker, payloadStart, end } = read.segment;
    if (isStartOfFrame(marker)) {
      const p = payloadStart;
      return { height: (jpeg[p + 1]! << 8) | jpeg[p + 2]!, width: (jpeg[p + 3]! << 8) | jpeg[p + 4]! };
    }
    at = end;
  }
}

/** PSNR over the colour channels, in dB (the sizes must match). */
export function psnr(a: RgbaImage, b: RgbaImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let squared = 0;
  for (let i = 0; i < a.data.length; i++) if ((i & 3) !== 3) squared += (a.data[i]! - b.data[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / Math.max(1e-9, squared / ((a.data.length * 3) / 4)));
}

/** Luma recomputed from RGB: equal to the decoded Y whatever the chroma upsampling. */
export function luma(image: RgbaImage): RgbaImage {
  const data = new Uint8Array(image.data.length);
  for (let i = 0; i < data.length; i += 4) {
    const y = 0.299 * image.data[i]! + 0.587 * image.data[i + 1]! + 0.114 * image.data[i + 2]!;
    data.fill(Math.round(y), i, i + 3);
  }
  return { ...image, data };
}
