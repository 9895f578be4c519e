/**
 * `pipeline formats`: each source format the processor takes, at the sizes where its decoder's
 * limits are (src/shared/limits.ts), timed against sharp making the same three variants (where
 * sharp reads the format) and measured for peak memory in fresh processes, ours and sharp's, with
 * ours broken down by stage.
 *
 * Inputs are made here (by sharp, photo-like where noise would not fit the upload limit) and kept
 * in the work directory; HEIC grids are assembled from real iPhone tiles (heic-grid.ts).
 */
import { readFileSync } from 'node:fs';
import { limits } from '../src/shared/limits.ts';
import type { SourceFormat } from '../src/processor/pipeline/index.ts';
import { photoLikePicture, type RgbaImage } from '../test/fixtures/images/patterns.ts';
import { corpusHeic, heicGrids } from './heic-grid.ts';
import { measureInChild, memoryCell, STAGE_NOTE, stageRow, formatOf, type MemoryReport } from './pipeline-memory.ts';
import {
  fileMb,
  kilobytes,
  MB,
  median,
  memoryJpegFiles,
  photoJpegFile,
  rawSharp,
  sizeFor,
  tryOurs,
  trySharp,
  writeOnce,
  type Outcome,
} from './pipeline-shared.ts';

/** Interleaved rounds (ours, sharp, ours, …) after one warm-up per format; fewer than the timing part's, as these are large. */
const FORMAT_ROUNDS = 3;

interface FormatInput {
  /** Inputs of one group share a warm-up. */
  group: string;
  name: string;
  file: string;
  orientation: number;
  /** What sharp reads instead when it cannot read `file` (HEIC), and what to call it. */
  sharpStandIn?: { file: string; label: string };
}

/** A smooth picture: PNG compresses it well, so 50 MP of it stays within the 20 MiB upload limit. */
export function gradientPicture(width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 4) data.set([(x * 255) / width, (y * 255) / height, 128, 255], i);
  }
  return { data, width, height };
}

/** The largest 4:3 size within `pixels`, and one just above it (2 px more each way). */
function atAndAbove(pixels: number) {
  const at = sizeFor(pixels / 1e6);
  return { at, above: { width: at.width + 2, height: at.height + 2 } };
}

const mp = (size: { width: number; height: number }) =>
  `${size.width}×${size.height} (${((size.width * size.height) / 1e6).toFixed(1)} MP)`;

async function formatInputs(): Promise<FormatInput[]> {
  const perFormat = limits.upload.maxPixelsPerFormat;
  const inputs: FormatInput[] = [];

  const grids = await heicGrids();
  if (grids.length === 0) console.log(`(${corpusHeic} is absent: the HEIC rows are skipped)`);
  for (const grid of grids) {
    inputs.push({
      group: 'heic',
      name: grid.name,
      file: grid.file,
      orientation: 1,
      sharpStandIn: {
        file: await photoJpegFile(grid.width, grid.height, 6),
        label: 'photo-like baseline JPEG q90, orientation 6',
      },
    });
  }

  const avif = atAndAbove(perFormat.avif);
  for (const [where, size] of [
    ['at the AVIF limit', avif.at],
    ['just above it', avif.above],
  ] as const) {
    inputs.push({
      group: 'avif',
      name: `AVIF photo ${mp(size)}, ${where}`,
      file: await writeOnce(`format-photo-${size.width}x${size.height}.avif`, () =>
        rawSharp(photoLikePicture(size.width, size.height)).avif({ quality: 80 }).toBuffer(),
      ),
      orientation: 1,
    });
  }

  for (const megapixels of [24, 50]) {
    const jpeg = await memoryJpegFiles(megapixels);
    inputs.push({
      group: 'jpeg-progressive',
      name: `progressive JPEG ${jpeg.kind} ${mp(jpeg)}, orientation 6`,
      file: jpeg.progressive,
      orientation: 6,
    });
  }

  for (const megapixels of [24, 50]) {
    const size = sizeFor(megapixels);
    inputs.push({
      group: 'webp',
      name: `lossy WebP photo ${mp(size)}, q90`,
      file: await writeOnce(`format-photo-${megapixels}.webp`, () =>
        rawSharp(photoLikePicture(size.width, size.height)).webp({ quality: 90 }).toBuffer(),
      ),
      orientation: 1,
    });
  }

  // Lossless photo-like pictures are ~1.5 bytes a pixel: above ~12 MP they would not fit the upload limit.
  const lossless = sizeFor(perFormat.webpLossless / 1e6);
  const losslessKind = lossless.width * lossless.height <= 12e6 ? 'photo' : 'gradient';
  inputs.push({
    group: 'webp-lossless',
    name: `lossless WebP ${losslessKind} ${mp(lossless)}, at its limit`,
    file: await writeOnce(`format-${losslessKind}-${lossless.width}x${lossless.height}-lossless.webp`, () => {
      const picture = (losslessKind === 'photo' ? photoLikePicture : gradientPicture)(lossless.width, lossless.height);
      return rawSharp(picture).webp({ lossless: true }).toBuffer();
    }),
    orientation: 1,
  });

  // Photo-like at 50 MP would be ~75 MB as PNG: the smooth gradient is what fits.
  const png = sizeFor(50);
  inputs.push({
    group: 'png-interlaced',
    name: `interlaced PNG gradient ${mp(png)}`,
    file: await writeOnce('format-gradient-50-interlaced.png', () =>
      rawSharp(gradientPicture(png.width, png.height)).png({ progressive: true }).toBuffer(),
    ),
    orientation: 1,
  });

  const cmyk = { width: 4032, height: 3024 };
  inputs.push({
    group: 'cmyk',
    name: `CMYK JPEG photo ${mp(cmyk)}, q90`,
    file: await writeOnce('format-photo-4032x3024-cmyk.jpg', () =>
      rawSharp(photoLikePicture(cmyk.width, cmyk.height)).toColourspace('cmyk').jpeg({ quality: 90 }).toBuffer(),
    ),
    orientation: 1,
  });
  return inputs;
}

function msCell(outcomes: (Outcome | string)[]): { text: string; ms: number } {
  const failed = outcomes.find((outcome): outcome is string => typeof outcome === 'string');
  if (failed) return { text: failed, ms: NaN };
  const ms = median(outcomes.map((outcome) => (outcome as Outcome).totalMs));
  return { text: ms.toFixed(0), ms };
}

export async function benchFormats(): Promise<void> {
  console.log(
    `\n== pipeline: formats, ours vs sharp (1 thread), medians of ${FORMAT_ROUNDS} interleaved rounds after a warm-up per format; peak memory in MB over the idle process (fresh process each), RSS / V8 heap + ArrayBuffers + live WASM ==`,
  );
  const inputs = await formatInputs();
  const rows = [];
  const stageRows = [];
  const warmed = new Set<string>();
  for (const input of inputs) {
    const bytes = readFileSync(input.file);
    const format: SourceFormat = formatOf(input.file);
    const sharpBytes = readFileSync(input.sharpStandIn?.file ?? input.file);
    const sizeNote = bytes.length > limits.upload.maxBytes ? ', over the upload limit' : '';
    if (!warmed.has(input.group)) {
      warmed.add(input.group);
      await tryOurs(new Uint8Array(bytes), input.orientation, format);
      await trySharp(sharpBytes);
    }
    const ours: (Outcome | string)[] = [];
    const theirs: (Outcome | string)[] = [];
    for (let round = 0; round < FORMAT_ROUNDS; round++) {
      const outcome = await tryOurs(new Uint8Array(bytes), input.orientation, format);
      ours.push(outcome);
      theirs.push(await trySharp(sharpBytes));
      // A refusal or a failure is the same every round.
      if (typeof outcome === 'string') break;
    }
    const oursMs = msCell(ours);
    const sharpMs = msCell(theirs);
    const oursMemory = await measureInChild('pipeline', input.file, input.orientation);
    const sharpMemory: MemoryReport | string = await measureInChild('sharp', input.sharpStandIn?.file ?? input.file, 1);
    const first = ours[0];
    const standIn = input.sharpStandIn ? ' *' : '';
    rows.push({
      input: input.name,
      file: `${fileMb(input.file)}${sizeNote}`,
      original: typeof first === 'string' || !first ? '' : first.originalMethod,
      'ours ms': oursMs.text,
      'sharp ms': input.sharpStandIn ? `—${standIn} (${sharpMs.text})` : sharpMs.text,
      'ours/sharp': Number.isFinite(oursMs.ms / sharpMs.ms) ? `${(oursMs.ms / sharpMs.ms).toFixed(2)}×${standIn}` : '',
      'ours peak MB': memoryCell(oursMemory, false),
      'sharp peak MB': memoryCell(sharpMemory, false),
      'KB ours (orig/disp/thumb)': typeof first === 'string' || !first ? '' : kilobytes(first),
      'KB sharp': typeof theirs[0] === 'string' || !theirs[0] ? '' : kilobytes(theirs[0]),
    });
    stageRows.push(stageRow(input.name, 'ours', oursMemory));
  }
  console.table(rows);
  const standIns = inputs.filter((input) => input.sharpStandIn);
  if (standIns.length > 0) {
    console.log(
      `* HEIC: no sharp reference (sharp's prebuilt libvips has no HEVC decoder). "—" marks it; the number in brackets, the ratio and the sharp memory are sharp on a ${standIns[0]!.sharpStandIn!.label} of the same size, the file the phone would otherwise have written.`,
    );
  }
  console.log(
    `Limits now (src/shared/limits.ts maxPixelsPerFormat): ${Object.entries(limits.upload.maxPixelsPerFormat)
      .map(([name, pixels]) => `${name} ${(pixels / 1e6).toFixed(1)} MP`)
      .join(
        ', ',
      )}; upload limit ${(limits.upload.maxBytes / MB).toFixed(0)} MiB. YCCK JPEG: no row, sharp (libvips) cannot write one (it writes CMYK with an Adobe marker, transform 0) and nothing here encodes YCCK.`,
  );
  console.log('\nPeak memory per stage, ours, for the rows above:');
  console.table(stageRows);
  console.log(STAGE_NOTE);
}
