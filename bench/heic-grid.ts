/**
 * HEIC grids of phone sizes for the benchmark. Nothing here encodes HEVC (sharp's prebuilt libvips
 * neither reads nor writes it, and no x265 is installed), so the tiles are real ones: the 512 × 512
 * tiles an iPhone wrote in the corpus's IMG_5195.HEIC (its 30 interior ones, without the padded
 * right and bottom edges), laid out again, repeating, into larger grids by the tests' HEIF writer
 * (test/fixtures/images/heif-writer.ts), with the phone's ICC profile and `irot` 3 (a portrait
 * photo: turned as EXIF orientation 6 turns).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readHeif, type HeifCodedItem } from '../src/shared/image/heif.ts';
import { buildHeif } from '../test/fixtures/images/heif-writer.ts';
import { writeOnce } from './pipeline-shared.ts';

export const corpusHeic = fileURLToPath(new URL('../../shared/corpus/other/IMG_5195.HEIC', import.meta.url));

function u16(value: number): number[] {
  return [(value >> 8) & 255, value & 255];
}

function u32(value: number): number[] {
  return [(value >>> 24) & 255, (value >> 16) & 255, (value >> 8) & 255, value & 255];
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

function box(type: string, ...payload: (number[] | Uint8Array)[]): number[] {
  const body = payload.flatMap((part) => [...part]);
  return [...u32(8 + body.length), ...ascii(type), ...body];
}

function fullBox(type: string, version: number, ...payload: (number[] | Uint8Array)[]): number[] {
  return box(type, [version, 0, 0, 0], ...payload);
}

/**
 * A single-picture HEIC around one coded tile: what the HEIF writer takes as a tile
 * (`codedPictureOf` reads the picture back out of it).
 */
function singlePictureHeic(tile: HeifCodedItem, source: Uint8Array): Uint8Array {
  const data = new Uint8Array(tile.data.flatMap(({ offset, length }) => [...source.subarray(offset, offset + length)]));
  const ftyp = box('ftyp', ascii('heic'), u32(0), ascii('mif1'), ascii('heic'));
  const metaWith = (dataOffset: number) =>
    fullBox(
      'meta',
      0,
      fullBox('hdlr', 0, u32(0), ascii('pict'), u32(0), u32(0), u32(0), [0]),
      fullBox('pitm', 0, u16(1)),
      fullBox('iinf', 0, u16(1), fullBox('infe', 2, u16(1), u16(0), ascii('hvc1'), [0])),
      box(
        'iprp',
        box('ipco', box('hvcC', tile.config), fullBox('ispe', 0, u32(tile.width), u32(tile.height))),
        fullBox('ipma', 0, u32(1), u16(1), [2, 0x81, 0x82]),
      ),
      fullBox('iloc', 1, [0x44, 0x00], u16(1), u16(1), u16(0), u16(0), u16(1), u32(dataOffset), u32(data.length)),
    );
  const metaLength = metaWith(0).length;
  return new Uint8Array([...ftyp, ...metaWith(ftyp.length + metaLength + 8), ...box('mdat', data)]);
}

export interface HeicGrid {
  name: string;
  file: string;
  width: number;
  height: number;
}

/** Phone sizes: 12 MP, 24 MP (iPhone 15 Pro's default) and 48 MP (its full sensor). */
export const HEIC_SIZES = [
  { width: 4032, height: 3024 },
  { width: 5712, height: 4284 },
  { width: 8064, height: 6048 },
];

/** The grids, written once; none when the corpus is absent. */
export async function heicGrids(): Promise<HeicGrid[]> {
  if (!existsSync(corpusHeic)) return [];
  const source = new Uint8Array(readFileSync(corpusHeic));
  const read = readHeif(source);
  if (!read.ok || !read.image.grid) throw new Error(`${corpusHeic}: not a HEIC grid`);
  const { grid, tiles, icc } = read.image;
  const interior = tiles.filter((_, i) => i % grid.columns < grid.columns - 1 && i < (grid.rows - 1) * grid.columns);
  const singles = interior.map((tile) => singlePictureHeic(tile, source));
  const grids: HeicGrid[] = [];
  for (const { width, height } of HEIC_SIZES) {
    const columns = Math.ceil(width / grid.tileWidth);
    const rows = Math.ceil(height / grid.tileHeight);
    const file = await writeOnce(`heic-${width}x${height}-irot3.heic`, async () =>
      buildHeif({
        tiles: Array.from({ length: columns * rows }, (_, i) => singles[i % singles.length]!),
        grid: { columns, rows, width, height },
        transforms: [{ irot: 3 }],
        ...(icc ? { icc } : {}),
      }),
    );
    grids.push({
      name: `HEIC ${width}×${height} (${((width * height) / 1e6).toFixed(1)} MP), ${columns * rows} tiles, irot 3`,
      file,
      width,
      height,
    });
  }
  return grids;
}
