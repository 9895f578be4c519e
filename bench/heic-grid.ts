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
import { readHeif } from '../src/shared/image/heif.ts';
import { buildHeif, singlePictureHeic } from '../test/fixtures/images/heif-writer.ts';
import { writeOnce } from './pipeline-shared.ts';

export const corpusHeic = fileURLToPath(new URL('../../shared/corpus/other/IMG_5195.HEIC', import.meta.url));

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
