/**
 * Interlaced (Adam7) PNGs, which decodePng streams row by row like any other PNG: each pass is
 * read by its own inflater over the same data, and each image row is put together from the
 * passes that have a row there. The Rust `png` crate behind @jsquash/png is the reference.
 */
import { Unzlib } from 'fflate';
import { describe, expect, it } from 'vitest';
// ?module: the package ships a .d.ts for this file that describes its exports, not a Module.
import pngWasm from '@jsquash/png/codec/pkg/squoosh_png_bg.wasm?module';
import { decode as referenceDecode, initSync } from '@jsquash/png/codec/pkg/squoosh_png.js';
import { decodePng, readPngInfo } from '../../../src/processor/pipeline/png-decoder';
import { PixelsSink } from '../../../src/processor/pipeline/row-sinks';
import { UndecodableImageError } from '../../../src/processor/pipeline/errors';
import type { RowSink } from '../../../src/processor/pipeline/pixels';
import type { RgbaImage } from '../../fixtures/images/patterns';
import { encodePng, pngChunk, zlibCompress, type PngOptions } from '../../fixtures/images/png-writer';
import { sameBytes } from './support';
import { seededRandom } from '../../fixtures/seeded-random';

initSync(pngWasm);

/**
 * Every pixel different from its neighbours, so a pixel put in the wrong place shows: noise, with
 * alpha where the colour type has it, a palette of 2^depth colours (with tRNS alpha) for palette
 * images, and every third pixel the transparent key colour where there is one.
 */
function testPicture(width: number, height: number, options: PngOptions, seed = 1): RgbaImage {
  const next = seededRandom(seed);
  const byte = (): number => Math.floor(next() * 256);
  const data = new Uint8Array(width * height * 4);
  const paletteSize = 2 ** Math.min(8, options.bitDepth ?? 8);
  const palette = Array.from({ length: paletteSize }, () => [byte(), byte(), byte(), byte()]);
  const withAlpha = options.colourType === 'rgba' || options.colourType === 'gray-alpha';
  for (let i = 0; i < width * height; i++) {
    const pixel =
      options.colourType === 'palette'
        ? palette[Math.floor(next() * paletteSize)]!
        : options.transparentKey && i % 3 === 0
          ? [...options.transparentKey, 0, 0, 0].slice(0, 3).concat(255)
          : [byte(), byte(), byte(), withAlpha ? byte() : 255];
    data.set(pixel, i * 4);
  }
  return { data, width, height };
}

/** Checks that rows arrive one at a time, in order 0..height−1, each exactly once, in a one-row buffer. */
class InOrderSink implements RowSink {
  private readonly inner: PixelsSink;
  nextRow = 0;

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {
    this.inner = new PixelsSink(width, height);
  }

  accept(rows: Uint8Array, firstRow: number, rowCount: number): void {
    expect([firstRow, rowCount]).toEqual([this.nextRow, 1]);
    expect(rows.length).toBe(this.width * 4);
    this.nextRow++;
    this.inner.accept(rows, firstRow, rowCount);
  }

  finish(): RgbaImage {
    expect(this.nextRow).toBe(this.height);
    return this.inner.pixels;
  }
}

function decodeInOrder(png: Uint8Array): RgbaImage {
  const { width, height } = readPngInfo(png);
  const sink = new InOrderSink(width, height);
  decodePng(png, sink);
  return sink.finish();
}

function expectSameAsReference(png: Uint8Array): void {
  const ours = decodeInOrder(png);
  const reference = referenceDecode(png);
  expect([ours.width, ours.height]).toEqual([reference.width, reference.height]);
  const theirs = new Uint8Array(reference.data.buffer, reference.data.byteOffset, reference.data.byteLength);
  expect(sameBytes(ours.data, theirs)).toBe(true);
}

function refusalOf(png: Uint8Array): string {
  try {
    decodeInOrder(png);
  } catch (error) {
    expect(error).toBeInstanceOf(UndecodableImageError);
    return (error as UndecodableImageError).reason;
  }
  throw new Error('decoded without complaint');
}

const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

const CHANNELS = { gray: 1, rgb: 3, palette: 1, 'gray-alpha': 2, rgba: 4 } as const;

/** Each non-empty pass: its number (1–7) and where its scanlines start in the inflated data. */
function passLayout(width: number, height: number, options: PngOptions): { pass: number; start: number }[] {
  const layout: { pass: number; start: number }[] = [];
  let start = 0;
  ADAM7.forEach(([x0, y0, dx, dy], index) => {
    const passWidth = Math.max(0, Math.ceil((width - x0) / dx));
    const passHeight = Math.max(0, Math.ceil((height - y0) / dy));
    if (passWidth === 0 || passHeight === 0) return;
    layout.push({ pass: index + 1, start });
    const rowBytes = Math.ceil((passWidth * CHANNELS[options.colourType] * (options.bitDepth ?? 8)) / 8);
    start += (1 + rowBytes) * passHeight;
  });
  return layout;
}

/** The PNG's chunks before its image data, its image data (joined), and a way to rebuild it with other data. */
function splitPng(png: Uint8Array): { compressed: Uint8Array; withData: (compressed: Uint8Array) => Uint8Array } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const parts: Uint8Array[] = [];
  let at = 8;
  let headEnd = 0;
  for (;;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    if (type === 'IDAT') {
      headEnd ||= at;
      parts.push(png.subarray(at + 8, at + 8 + length));
    }
    if (type === 'IEND') break;
    at += 12 + length;
  }
  const compressed = concat(parts);
  const head = png.subarray(0, headEnd);
  return {
    compressed,
    withData: (data) => concat([head, pngChunk('IDAT', data), pngChunk('IEND', new Uint8Array(0))]),
  };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  parts.reduce((offset, part) => (out.set(part, offset), offset + part.length), 0);
  return out;
}

/** Inflates with fflate, an independent inflater: what came out, and whether the stream ended. */
function referenceInflate(compressed: Uint8Array): { bytes: Uint8Array; complete: boolean } {
  const pieces: Uint8Array[] = [];
  let complete = false;
  const inflater = new Unzlib((piece, final) => {
    pieces.push(piece);
    complete ||= final;
  });
  inflater.push(compressed, false);
  return { bytes: concat(pieces), complete };
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

interface StoredOptions {
  checksum?: number;
  /** Rewrites the header (BFINAL/BTYPE byte, LEN, NLEN) of block `index`. */
  blockHeader?: (header: number[], index: number) => number[];
}

/**
 * A zlib stream of stored (uncompressed) blocks of `blockSize` bytes: every byte of it is known,
 * so damage can be put exactly where a test wants it. `blockHeader` may rewrite a block's header.
 */
function storedZlib(
  raw: Uint8Array,
  blockSize: number,
  { checksum = adler32(raw), blockHeader = (header) => header }: StoredOptions = {},
): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.from([0x78, 0x01])];
  for (let start = 0, index = 0; start < raw.length; start += blockSize, index++) {
    const end = Math.min(raw.length, start + blockSize);
    const length = end - start;
    const header = blockHeader(
      [end === raw.length ? 1 : 0, length & 0xff, length >> 8, ~length & 0xff, (~length >> 8) & 0xff],
      index,
    );
    parts.push(Uint8Array.from(header), raw.subarray(start, end));
  }
  parts.push(Uint8Array.from([checksum >>> 24, (checksum >>> 16) & 0xff, (checksum >>> 8) & 0xff, checksum & 0xff]));
  return concat(parts);
}

const FORMATS: { label: string; options: PngOptions }[] = [
  { label: 'gray 1-bit', options: { colourType: 'gray', bitDepth: 1 } },
  { label: 'gray 2-bit', options: { colourType: 'gray', bitDepth: 2 } },
  { label: 'gray 4-bit', options: { colourType: 'gray', bitDepth: 4 } },
  { label: 'gray 8-bit', options: { colourType: 'gray' } },
  { label: 'gray 16-bit', options: { colourType: 'gray', bitDepth: 16 } },
  { label: 'gray 8-bit with tRNS key', options: { colourType: 'gray', transparentKey: [128] } },
  { label: 'gray 16-bit with tRNS key', options: { colourType: 'gray', bitDepth: 16, transparentKey: [77] } },
  { label: 'RGB 8-bit', options: { colourType: 'rgb' } },
  { label: 'RGB 16-bit', options: { colourType: 'rgb', bitDepth: 16 } },
  { label: 'RGB 8-bit with tRNS key', options: { colourType: 'rgb', transparentKey: [220, 40, 40] } },
  { label: 'palette 1-bit with tRNS', options: { colourType: 'palette', bitDepth: 1 } },
  { label: 'palette 2-bit with tRNS', options: { colourType: 'palette', bitDepth: 2 } },
  { label: 'palette 4-bit with tRNS', options: { colourType: 'palette', bitDepth: 4 } },
  { label: 'palette 8-bit with tRNS', options: { colourType: 'palette', bitDepth: 8 } },
  { label: 'gray+alpha 8-bit', options: { colourType: 'gray-alpha' } },
  { label: 'gray+alpha 16-bit', options: { colourType: 'gray-alpha', bitDepth: 16 } },
  { label: 'RGBA 8-bit', options: { colourType: 'rgba' } },
  { label: 'RGBA 16-bit', options: { colourType: 'rgba', bitDepth: 16 } },
];

/** Below 8 × 8 some passes are empty (1 × 1: only pass 1 has a pixel); odd sizes end passes unevenly. */
const SIZES: [number, number][] = [
  [1, 1],
  [2, 3],
  [5, 1],
  [1, 9],
  [3, 2],
  [7, 7],
  [8, 8],
  [9, 9],
  [13, 11],
  [37, 23],
];

function interlaced(options: PngOptions, extra: Partial<PngOptions> = {}): PngOptions {
  return { filter: 'cycle', ...options, ...extra, interlaced: true };
}

describe('Adam7 PNG, streamed row by row', () => {
  for (const { label, options } of FORMATS) {
    for (const [width, height] of SIZES) {
      const passes = passLayout(width, height, options)
        .map(({ pass }) => pass)
        .join('');
      it(`${label} ${width}×${height} (passes ${passes}): same pixels as the reference, rows 0..${height - 1} one at a time in order`, async () => {
        const interlacedOptions = interlaced(options);
        expectSameAsReference(await encodePng(testPicture(width, height, interlacedOptions), interlacedOptions));
      });
    }
  }

  for (const filter of [0, 1, 2, 3, 4] as const) {
    for (const { label, options } of FORMATS.filter(({ label }) =>
      ['gray 1-bit', 'palette 4-bit with tRNS', 'RGB 8-bit', 'gray+alpha 8-bit', 'RGBA 16-bit'].includes(label),
    )) {
      it(`row filter ${filter} in every pass, ${label} 37×23: same pixels as the reference`, async () => {
        const interlacedOptions = interlaced(options, { filter });
        expectSameAsReference(await encodePng(testPicture(37, 23, interlacedOptions), interlacedOptions));
      });
    }
  }

  it('a 1500×1000 RGBA image (many inflate pieces per pass): the same pixels as the picture encoded', async () => {
    const options = interlaced({ colourType: 'rgba' });
    const picture = testPicture(1500, 1000, options, 3);
    expect(sameBytes(decodeInOrder(await encodePng(picture, options)).data, picture.data)).toBe(true);
  });

  it('image data split over many IDAT chunks, some empty: the same pixels as the reference', async () => {
    const options = interlaced({ colourType: 'rgb' });
    const png = await encodePng(testPicture(61, 47, options), options);
    const { compressed, withData } = splitPng(png);
    const single = withData(compressed);
    const idatAt = single.length - 12 - compressed.length - 12;
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < compressed.length; at += 97)
      chunks.push(pngChunk('IDAT', compressed.subarray(at, at + 97)), pngChunk('IDAT', new Uint8Array(0)));
    const many = concat([single.subarray(0, idatAt), ...chunks, pngChunk('IEND', new Uint8Array(0))]);
    expectSameAsReference(many);
  });

  describe('refusals', () => {
    const options = interlaced({ colourType: 'rgb' });
    const width = 61;
    const height = 47;

    async function parts(): Promise<{
      raw: Uint8Array;
      compressed: Uint8Array;
      withData: (c: Uint8Array) => Uint8Array;
    }> {
      const { compressed, withData } = splitPng(await encodePng(testPicture(width, height, options), options));
      const { bytes: raw } = referenceInflate(compressed);
      const last = passLayout(width, height, options).at(-1)!;
      expect(raw.length).toBe(last.start + (1 + width * 3) * Math.floor(height / 2));
      return { raw, compressed, withData };
    }

    it("image data cut off in each pass's data: refused as truncated", async () => {
      const { raw, compressed, withData } = await parts();
      for (const { pass, start } of passLayout(width, height, options)) {
        // Stored blocks keep the cut exactly in this pass's data; the last cut also in zlib's own data.
        const stream = storedZlib(raw, 256);
        const end = start + 5;
        const cutAt = 2 + (Math.floor(end / 256) + 1) * 5 + end;
        expect(refusalOf(withData(stream.subarray(0, cutAt))), `pass ${pass}`).toBe('truncated');
      }
      for (const fraction of [0.01, 0.3, 0.6, 0.99])
        expect(refusalOf(withData(compressed.subarray(0, Math.floor(compressed.length * fraction))))).toBe('truncated');
    });

    it('a whole zlib stream that holds fewer rows than the passes need: refused as truncated', async () => {
      const { raw, withData } = await parts();
      const layout = passLayout(width, height, options);
      // Ends inside pass 2, at the start of pass 7, and one byte short of the end.
      for (const length of [layout[1]!.start + 3, layout[6]!.start, raw.length - 1])
        expect(refusalOf(withData(await zlibCompress(raw.subarray(0, length))))).toBe('truncated');
    });

    it('a zlib stream that ends early: truncated when its checksum is right, corrupt when it is wrong', async () => {
      const { raw, withData } = await parts();
      const short = raw.subarray(0, raw.length - 100);
      expect(refusalOf(withData(storedZlib(short, 300)))).toBe('truncated');
      expect(refusalOf(withData(storedZlib(short, 300, { checksum: adler32(short) ^ 1 })))).toBe('corrupt');
    });

    it("an unknown row filter at the start of each pass's data: refused as corrupt", async () => {
      const { raw, withData } = await parts();
      for (const { pass, start } of passLayout(width, height, options)) {
        const damaged = raw.slice();
        damaged[start] = 5;
        expect(refusalOf(withData(await zlibCompress(damaged))), `pass ${pass}`).toBe('corrupt');
      }
    });

    it("damaged deflate data (bad stored length, reserved block type) in the block where each pass's data starts: refused as corrupt", async () => {
      const { raw, withData } = await parts();
      for (const { pass, start } of passLayout(width, height, options)) {
        const damagedBlock = Math.floor(start / 200);
        const badLength = storedZlib(raw, 200, {
          blockHeader: (header, index) => (index === damagedBlock ? [header[0]!, 200, 0, 0, 0] : header),
        });
        expect(refusalOf(withData(badLength)), `pass ${pass}`).toBe('corrupt');
        const reserved = storedZlib(raw, 200, {
          blockHeader: (header, index) => (index === damagedBlock ? [header[0]! | 0b110, ...header.slice(1)] : header),
        });
        expect(refusalOf(withData(reserved)), `pass ${pass}`).toBe('corrupt');
      }
    });

    it('bytes of the image data changed at random (200 seeded cases): decoded, or refused with UndecodableImageError', async () => {
      const { compressed, withData } = await parts();
      const next = seededRandom(42);
      for (let i = 0; i < 200; i++) {
        const damaged = compressed.slice();
        for (let j = 0; j < 1 + (i % 4); j++) damaged[Math.floor(next() * damaged.length)] = Math.floor(next() * 256);
        try {
          decodeInOrder(withData(damaged));
        } catch (error) {
          expect(error, `case ${i}`).toBeInstanceOf(UndecodableImageError);
        }
      }
    });
  });

  it('stops inflating after the last row of the last pass: a zlib bomb after it is never inflated', async () => {
    const options = interlaced({ colourType: 'rgba' });
    const picture = testPicture(61, 47, options);
    const { compressed, withData } = splitPng(await encodePng(picture, options));
    const { bytes: raw } = referenceInflate(compressed);
    // The image data, then 16 MB of zeros (about 16 KB compressed)...
    const bomb = await zlibCompress(concat([raw, new Uint8Array(16 * 1024 * 1024)]));
    // ...cut off halfway through the zeros: inflating into them at all would end in 'truncated'.
    const cut = bomb.subarray(0, compressed.length + Math.floor((bomb.length - compressed.length) / 2));
    const whatIsThere = referenceInflate(cut);
    expect(whatIsThere.complete).toBe(false);
    expect(whatIsThere.bytes.length).toBeGreaterThan(raw.length + 4 * 1024 * 1024);
    expect(sameBytes(decodeInOrder(withData(cut)).data, picture.data)).toBe(true);
  });
});
