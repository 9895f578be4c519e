import { describe, expect, it } from 'vitest';
// ?module: the package ships a .d.ts for this file that describes its exports, not a Module.
import pngWasm from '@jsquash/png/codec/pkg/squoosh_png_bg.wasm?module';
import { decode as referenceDecode, initSync } from '@jsquash/png/codec/pkg/squoosh_png.js';
import { decodePng, readPngInfo } from '../../../src/processor/pipeline/png-decoder';
import { PixelsSink } from '../../../src/processor/pipeline/row-sinks';
import { UndecodableImageError } from '../../../src/processor/pipeline/errors';
import { photoLikePicture, quadrantPicture, type RgbaImage } from '../../fixtures/images/patterns';
import { encodePng, pngChunk, zlibCompress, type PngOptions } from '../../fixtures/images/png-writer';
import { sameBytes } from './support';

// The Rust `png` crate behind @jsquash/png is the independent reference decoder here.
initSync(pngWasm);

/** A picture with a gradient, transparency and a few flat colours, small enough for a palette. */
function testPicture(options: PngOptions): RgbaImage {
  const picture = options.colourType === 'palette' ? quadrantPicture(37, 23) : photoLikePicture(37, 23);
  const withAlpha = options.colourType === 'rgba' || options.colourType === 'gray-alpha';
  // A palette holds at most 16 entries at 4 bits: three alpha levels over the quadrants' five colours.
  const alphaAt = (i: number): number =>
    withAlpha ? (i * 7) % 256 : options.colourType === 'palette' ? ((i >> 2) % 3) * 127 : 255;
  for (let i = 3; i < picture.data.length; i += 4) picture.data[i] = alphaAt(i);
  return picture;
}

const CASES: PngOptions[] = [
  { colourType: 'rgb' },
  { colourType: 'rgba' },
  { colourType: 'rgb', bitDepth: 16 },
  { colourType: 'rgba', bitDepth: 16 },
  { colourType: 'gray' },
  { colourType: 'gray', bitDepth: 1 },
  { colourType: 'gray', bitDepth: 2 },
  { colourType: 'gray', bitDepth: 4 },
  { colourType: 'gray', bitDepth: 16 },
  { colourType: 'gray-alpha' },
  { colourType: 'gray-alpha', bitDepth: 16 },
  { colourType: 'palette' },
  { colourType: 'palette', bitDepth: 4 },
  { colourType: 'rgb', transparentKey: [220, 40, 40] },
  { colourType: 'gray', transparentKey: [128] },
];

async function decodeAll(png: Uint8Array): Promise<RgbaImage> {
  const { width, height } = readPngInfo(png);
  const sink = new PixelsSink(width, height);
  decodePng(png, sink);
  return sink.pixels;
}

describe('PNG decoder', () => {
  for (const base of CASES) {
    for (const variant of [{ filter: 'cycle' as const }, { filter: 'cycle' as const, interlaced: true }]) {
      const options = { ...base, ...variant };
      it(`matches the reference decoder: ${JSON.stringify(options)}`, async () => {
        const png = await encodePng(testPicture(options), options);
        const ours = await decodeAll(png);
        const reference = referenceDecode(png);
        expect([ours.width, ours.height]).toEqual([reference.width, reference.height]);
        // The reference keeps 16-bit samples' high byte too, and expands low bit depths the same way.
        expect(
          sameBytes(
            ours.data,
            new Uint8Array(reference.data.buffer, reference.data.byteOffset, reference.data.byteLength),
          ),
        ).toBe(true);
      });
    }
  }

  it('decodes a large image in pieces as zlib delivers them', async () => {
    const picture = photoLikePicture(1500, 1000);
    const ours = await decodeAll(await encodePng(picture, { colourType: 'rgba', filter: 'cycle' }));
    expect(sameBytes(ours.data, picture.data)).toBe(true);
  });

  it('refuses a file without IHDR', async () => {
    const png = await encodePng(photoLikePicture(40, 30), { colourType: 'rgb' });
    expect(await refusalOf(new Uint8Array([...png.subarray(0, 8), ...png.subarray(8 + 25)]))).toBe('corrupt');
  });

  it('refuses an unknown row filter', async () => {
    expect(await refusalOf(await withFirstFilterByte(photoLikePicture(40, 30), 9))).toBe('corrupt');
  });

  it('refuses a cut-off file', async () => {
    const png = await encodePng(photoLikePicture(40, 30), { colourType: 'rgb' });
    expect(await refusalOf(png.subarray(0, png.length - 40))).toBe('truncated');
  });
});

async function refusalOf(png: Uint8Array): Promise<string> {
  const error = await decodeAll(png).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(UndecodableImageError);
  return (error as UndecodableImageError).reason;
}

/** An RGB PNG whose first scanline names filter type `filter` (types above 4 do not exist). */
async function withFirstFilterByte(picture: RgbaImage, filter: number): Promise<Uint8Array> {
  const raw = new Uint8Array((picture.width * 3 + 1) * picture.height);
  raw[0] = filter;
  const ihdr = Uint8Array.from([0, 0, 0, picture.width, 0, 0, 0, picture.height, 8, 2, 0, 0, 0]);
  const parts = [
    Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', await zlibCompress(raw)),
    pngChunk('IEND', new Uint8Array(0)),
  ];
  return new Uint8Array(parts.flatMap((part) => [...part]));
}
