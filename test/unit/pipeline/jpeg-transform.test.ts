import { describe, expect, it } from 'vitest';
import { defaultOptions as mozjpegDefaults } from '@jsquash/jpeg/meta.js';
import {
  decodeBaselineJpeg,
  readBaselineHeader,
  scaledBlockDecoder,
  scaledSize,
  scanBlocks,
  type DctScale,
} from '../../../src/processor/pipeline/jpeg-decoder';
import { PixelsSink } from '../../../src/processor/pipeline/row-sinks';
import { encodeJpeg, encodePlanarJpeg } from '../../../src/processor/pipeline/jpeg-encoder';
import { ZIGZAG } from '../../../src/processor/pipeline/jpeg-entropy';
import { canTranscode, transcodeJpeg } from '../../../src/processor/pipeline/jpeg-transcode';
import { planLosslessTransform, transformJpeg } from '../../../src/processor/pipeline/jpeg-transform';
import { orient, orientedWalk, type Orientation } from '../../../src/processor/pipeline/orient';
import { MARKER, readSegmentAt } from '../../../src/shared/image/jpeg-segments';
import { photoLikePicture, type RgbaImage } from '../../fixtures/images/patterns';
import { mozjpegEncode } from './mozjpeg';
import { decodeJpeg, headerMarkers } from './support';

interface FixtureOptions {
  chromaSubsample?: number;
  grey?: boolean;
  quality?: number;
  /** mozjpeg's table set: 3 (its default, Robidoux's), 0 (Annex K) */
  quantTable?: number;
}

async function baselineJpeg(picture: RgbaImage, options: FixtureOptions = {}): Promise<Uint8Array> {
  return mozjpegEncode(picture.data, picture.width, picture.height, {
    ...mozjpegDefaults,
    quality: options.quality ?? 85,
    quant_table: options.quantTable ?? 3,
    progressive: false,
    auto_subsample: false,
    chroma_subsample: options.chromaSubsample ?? 2,
    color_space: options.grey ? 1 : 3,
  });
}

function headerOf(file: Uint8Array) {
  const header = readBaselineHeader(file);
  if (!header.ok) throw new Error(header.unsupported);
  return header.jpeg;
}

function transform(file: Uint8Array, orientation: Orientation, alongside?: Parameters<typeof transformJpeg>[3]) {
  const jpeg = headerOf(file);
  const check = planLosslessTransform(jpeg, orientation);
  if (!check.ok) throw new Error(check.reason);
  return transformJpeg(file, jpeg, check.plan, alongside);
}

function crop(image: RgbaImage, width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    data.set(image.data.subarray(y * image.width * 4, (y * image.width + width) * 4), y * width * 4);
  return { data, width, height };
}

function largestDifference(a: RgbaImage, b: RgbaImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let largest = 0;
  for (let i = 0; i < a.data.length; i++) largest = Math.max(largest, Math.abs(a.data[i]! - b.data[i]!));
  return largest;
}

const ORIENTATIONS = [2, 3, 4, 5, 6, 7, 8] as Orientation[];

describe('lossless JPEG orientation', () => {
  it.each([
    ['4:2:0', { chromaSubsample: 2 }],
    ['4:4:4', { chromaSubsample: 1 }],
    ['grey', { grey: true }],
  ] as const)('turns %s pixels exactly as turning the decoded image would', async (_, options) => {
    const file = await baselineJpeg(photoLikePicture(160, 96), options);
    const decoded = await decodeJpeg(file);
    for (const orientation of ORIENTATIONS) {
      const turned = transform(file, orientation);
      // The same coefficients, moved: only the decoder's rounding and chroma interpolation may differ.
      expect(
        largestDifference(await decodeJpeg(turned.bytes), orient(decoded, orientation)),
        `orientation ${orientation}`,
      ).toBeLessThanOrEqual(3);
    }
  });

  it('trims the partial MCU of an edge a flip moves to the start, and only that edge', async () => {
    // 170 × 100 at 4:2:0: neither side is a multiple of 16.
    const file = await baselineJpeg(photoLikePicture(170, 100));
    const decoded = await decodeJpeg(file);
    const expected: Record<number, [number, number]> = {
      2: [160, 100],
      3: [160, 96],
      4: [170, 96],
      5: [100, 170],
      6: [96, 170],
      7: [96, 160],
      8: [100, 160],
    };
    for (const orientation of ORIENTATIONS) {
      const turned = transform(file, orientation);
      expect([turned.width, turned.height], `orientation ${orientation}`).toEqual(expected[orientation]);
      // What remains is the stored picture without the trimmed right or bottom edge, turned. Next
      // to the cut, the decoder's chroma interpolation has lost a neighbour: a few levels there.
      const kept =
        orientation >= 5 ? crop(decoded, turned.height, turned.width) : crop(decoded, turned.width, turned.height);
      expect(
        largestDifference(await decodeJpeg(turned.bytes), orient(kept, orientation)),
        `orientation ${orientation}`,
      ).toBeLessThanOrEqual(8);
    }
  });

  it('writes JFIF, tables, frame and scan, nothing else, about the size of the source', async () => {
    const file = await baselineJpeg(photoLikePicture(320, 240));
    const turned = transform(file, 6);
    expect(headerMarkers(turned.bytes)).toEqual([
      MARKER.APP0,
      MARKER.DQT,
      MARKER.DQT,
      0xc0,
      MARKER.DHT,
      MARKER.DHT,
      MARKER.DHT,
      MARKER.DHT,
      MARKER.SOS,
    ]);
    // Not smaller: mozjpeg chose its coefficients (trellis) for the unturned zigzag runs.
    expect(Math.abs(turned.bytes.length / file.length - 1)).toBeLessThan(0.05);
  });

  it.each([1, 2, 4, 8] as DctScale[])(
    'decodes the stored pixels at scale %i/8 from the blocks it reads, as a decode of its own would, and writes the same file',
    async (scale) => {
      // 4:2:0 with a partial MCU on both sides: every block of the stored picture, trimmed ones too.
      const file = await baselineJpeg(photoLikePicture(170, 100));
      const jpeg = headerOf(file);
      const size = (sink: PixelsSink) => [sink.pixels.width, sink.pixels.height];
      const alone = new PixelsSink(scaledSize(170, scale), scaledSize(100, scale));
      decodeBaselineJpeg(file, jpeg, scale, alone);
      const alongside = new PixelsSink(scaledSize(170, scale), scaledSize(100, scale));
      const turned = transform(file, 6, scaledBlockDecoder(jpeg, scale, alongside));
      expect(size(alongside)).toEqual(size(alone));
      expect(alongside.pixels.data).toEqual(alone.pixels.data);
      expect(turned.bytes).toEqual(transform(file, 6).bytes);
    },
  );
});

/** RGB PSNR of `a` against `b`, both decoded images of one size. */
function psnr(a: RgbaImage, b: RgbaImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let squared = 0;
  for (let i = 0; i < a.data.length; i++) if ((i & 3) !== 3) squared += (a.data[i]! - b.data[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / (squared / ((a.data.length * 3) / 4)));
}

/** The frame's sampling factors (h, v) and quantisation table ids, component by component. */
function frameOf(file: Uint8Array): { h: number; v: number; quantId: number }[] {
  const jpeg = headerOf(file);
  return jpeg.components.map(({ h, v, quantId }) => ({ h, v, quantId }));
}

/** The 8-bit DQT tables in natural order, by table id. */
function quantTablesOf(file: Uint8Array): Map<number, number[]> {
  const tables = new Map<number, number[]>();
  for (let at = 2; ;) {
    const read = readSegmentAt(file, at);
    if (!read.ok || read.segment.marker === MARKER.SOS) return tables;
    const { marker, payloadStart, end } = read.segment;
    for (let p = payloadStart; marker === MARKER.DQT && p < end; p += 65)
      tables.set(
        file[p]! & 15,
        Array.from({ length: 64 }, (_, n) => file[p + 1 + ZIGZAG.indexOf(n)]!),
      );
    at = end;
  }
}

/** Quality 90 with the Annex K tables, as libjpeg, sharp and our re-encoding path write it. */
function annexKJpeg(picture: RgbaImage, options: FixtureOptions = {}): Promise<Uint8Array> {
  return baselineJpeg(picture, { ...options, quality: 90, quantTable: 0 });
}

/**
 * A 4:2:2 file (Y 2×1, what many cameras write), which mozjpeg's options cannot make: BT.601
 * planes of the picture, chroma averaged in pairs across, written as they are at the Annex K
 * quality-90 tables.
 */
async function jpeg422(picture: RgbaImage): Promise<Uint8Array> {
  const { data, width, height } = picture;
  const half = Math.ceil(width / 2);
  const luma = new Uint8Array(width * height);
  const cb = new Uint8Array(half * height);
  const cr = new Uint8Array(half * height);
  const at = (x: number, y: number) => (y * width + Math.min(x, width - 1)) * 4;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = at(x, y);
      luma[y * width + x] = Math.round(0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!);
    }
    for (let x = 0; x < half; x++) {
      let [b, r] = [0, 0];
      for (const i of [at(2 * x, y), at(2 * x + 1, y)]) {
        b += 128 - 0.168736 * data[i]! - 0.331264 * data[i + 1]! + 0.5 * data[i + 2]!;
        r += 128 + 0.5 * data[i]! - 0.418688 * data[i + 1]! - 0.081312 * data[i + 2]!;
      }
      cb[y * half + x] = Math.round(b / 2);
      cr[y * half + x] = Math.round(r / 2);
    }
  }
  const tables = headerOf(await annexKJpeg(photoLikePicture(16, 16))).quantTables.map((table) =>
    Uint8Array.from(table),
  );
  const chroma = (samples: Uint8Array) => ({
    samples,
    walk: orientedWalk(half, height, 1),
    h: 1,
    v: 1,
    quantId: 1,
  });
  return encodePlanarJpeg(
    {
      width,
      height,
      components: [
        { samples: luma, walk: orientedWalk(width, height, 1), h: 2, v: 1, quantId: 0 },
        chroma(cb),
        chroma(cr),
      ],
      quantTables: tables,
    },
    width * height,
  );
}

/** What the pipeline did before (and still does for other files): decode to RGBA, encode at quality 90 through the walk. */
function reEncode(file: Uint8Array, orientation: Orientation): Uint8Array {
  const jpeg = headerOf(file);
  const sink = new PixelsSink(jpeg.width, jpeg.height);
  decodeBaselineJpeg(file, jpeg, 8, sink);
  return encodeJpeg(sink.pixels, 90, orientedWalk(jpeg.width, jpeg.height, orientation));
}

describe('transcoding a turned JPEG from its own planes (partial MCUs)', () => {
  const sources = [
    ['4:2:0', (picture: RgbaImage) => annexKJpeg(picture)],
    ['4:2:2', jpeg422],
    ['4:4:4', (picture: RgbaImage) => annexKJpeg(picture, { chromaSubsample: 1 })],
    ['grey', (picture: RgbaImage) => annexKJpeg(picture, { grey: true })],
  ] as const;

  // Partial MCUs across and down, across only, down only (16 px MCUs for 4:2:x, 8 px for 4:4:4
  // and grey); luma's 8 px blocks partial too. Subsampled sides even (see the next test).
  const sizes = (name: string) =>
    name === '4:4:4' || name === 'grey'
      ? [
          [203, 157],
          [208, 157],
          [203, 160],
        ]
      : [
          [202, 158],
          [208, 158],
          [202, 160],
        ];
  it.each(
    sources.flatMap(([name, make]) => sizes(name).map(([width, height]) => [name, width!, height!, make] as const)),
  )(
    'turns a %s %i×%i file in every orientation, at its sampling and with its tables, as faithfully as re-encoding its pixels',
    async (_, width, height, make) => {
      const file = await make(photoLikePicture(width, height));
      const decoded = await decodeJpeg(file);
      const stored = frameOf(file);
      const storedTables = quantTablesOf(file);
      for (const orientation of ORIENTATIONS) {
        const turned = transcodeJpeg(file, headerOf(file), orientation);
        const transposes = orientation >= 5;
        const result = await decodeJpeg(turned);
        expect([result.width, result.height], `orientation ${orientation}`).toEqual(
          transposes ? [height, width] : [width, height],
        );
        expect(frameOf(turned), `orientation ${orientation}`).toEqual(
          stored.map(({ h, v, quantId }) => (transposes ? { h: v, v: h, quantId } : { h, v, quantId })),
        );
        // The source's own tables, transposed with the blocks when the picture is.
        for (const [id, table] of quantTablesOf(turned)) {
          const expected = storedTables.get(id)!;
          const transposed = transposes ? expected.map((_, n) => expected[(n % 8) * 8 + (n >> 3)]!) : expected;
          expect(table, `table ${id}`).toEqual(transposed);
        }
        expect(headerMarkers(turned), `orientation ${orientation}`).not.toContain(MARKER.APP1);
        // A second generation at the source's own tables (here the re-encoding path's own). Where
        // a flip moves an edge that is not whole 8 px blocks the block grid moves, and this is a
        // true re-encode (4:2:x chroma of an odd side is also read half a sample off, not
        // resampled): then about as faithful as re-encoding the decoded RGBA, else far more.
        const upright = orient(decoded, orientation);
        const reEncoded = psnr(await decodeJpeg(reEncode(file, orientation)), upright);
        const transcoded = psnr(result, upright);
        expect(transcoded, `orientation ${orientation}`).toBeGreaterThan(reEncoded - 0.5);
      }
    },
  );

  it('keeps a quality-90 photo at ≥ 40 dB against its own decode, about as faithful as re-encoding its RGBA or better', async () => {
    // 1000 × 744: 744 = 46.5 MCUs (not losslessly turnable) but 93 luma blocks; 1000 = 62.5 MCUs.
    const picture = photoLikePicture(1000, 744);
    const file = await annexKJpeg(picture);
    const decoded = await decodeJpeg(file);
    for (const orientation of [3, 6, 8] as Orientation[]) {
      const upright = orient(decoded, orientation);
      const transcoded = psnr(await decodeJpeg(transcodeJpeg(file, headerOf(file), orientation)), upright);
      const reEncoded = psnr(await decodeJpeg(reEncode(file, orientation)), upright);
      // Luma comes back almost exactly (its 8 px blocks line up); chroma's blocks do not
      // (500 and 372 samples), so it is re-encoded at the source's chroma table. Measured: 48.8 /
      // 49.5 / 49.5 dB; the RGBA path 48.2 / 43.1 / 43.1 (it loses most when transposing).
      expect(transcoded, `orientation ${orientation}`).toBeGreaterThanOrEqual(40);
      expect(transcoded, `orientation ${orientation}`).toBeGreaterThan(reEncoded - 3);
      if (orientation !== 3) expect(transcoded, `orientation ${orientation}`).toBeGreaterThan(reEncoded + 3);
    }
  });

  it('is not planned where a flip moves an odd side of subsampled chroma, which would need resampling', async () => {
    const subsampled = headerOf(await annexKJpeg(photoLikePicture(202, 157)));
    const full = headerOf(await annexKJpeg(photoLikePicture(203, 157), { chromaSubsample: 1 }));
    const grey = headerOf(await annexKJpeg(photoLikePicture(203, 157), { grey: true }));
    // 2 mirrors x (202: even), 4 mirrors y (157: odd); 5 flips neither, 6 flips y, 8 flips x.
    expect(ORIENTATIONS.map((o) => canTranscode(subsampled, o))).toEqual([
      true,
      false,
      false,
      true,
      false,
      false,
      true,
    ]);
    expect(ORIENTATIONS.every((o) => canTranscode(full, o) && canTranscode(grey, o))).toBe(true);
  });

  it('decodes the display pixels from the blocks it reads, as a decode of its own would, and writes the same file', async () => {
    const file = await baselineJpeg(photoLikePicture(202, 157));
    const jpeg = headerOf(file);
    const alone = new PixelsSink(scaledSize(202, 4), scaledSize(157, 4));
    decodeBaselineJpeg(file, jpeg, 4, alone);
    const alongside = new PixelsSink(scaledSize(202, 4), scaledSize(157, 4));
    const turned = transcodeJpeg(file, jpeg, 6, scaledBlockDecoder(jpeg, 4, alongside));
    expect(alongside.pixels.data).toEqual(alone.pixels.data);
    expect(turned).toEqual(transcodeJpeg(file, jpeg, 6));
  });

  it('gives back nearly the same coefficients where the planes are not turned', async () => {
    const file = await annexKJpeg(photoLikePicture(203, 157));
    const blocks = (bytes: Uint8Array) => {
      const all: number[] = [];
      scanBlocks(bytes, headerOf(bytes), (_c, _x, _y, coefficients) => all.push(...coefficients));
      return all;
    };
    const before = blocks(file);
    const after = blocks(transcodeJpeg(file, headerOf(file), 1));
    expect(after.length).toBe(before.length);
    const changed = before.filter((value, i) => Math.abs(value - after[i]!) > 1).length;
    // The rest: edge blocks, whose padding past the picture is now repeated edge samples.
    expect(changed / before.length).toBeLessThan(0.01);
  });
});
