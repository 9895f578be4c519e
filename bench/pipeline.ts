/**
 * The image pipeline (src/processor/pipeline) in Node, against sharp doing the same three variants
 * in the same run; the pipeline's peak memory per strategy and per stage, each measured in a fresh
 * process (pipeline-memory.ts); and every source format at its limits (pipeline-formats.ts).
 *
 * `benchPipeline()` needs no running Worker. `npm run bench pipeline` runs all three parts and the
 * end-to-end one; `npm run bench pipeline-timing` (-memory, -formats) one of them; `npx tsx
 * bench/pipeline.ts [timing] [memory] [formats]` the same without starting a stack.
 * Timings are medians of interleaved rounds (ours, sharp, ours, …), because these machines are
 * shared and drift; sharp runs on one thread, as a Worker does.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import sharp, { type Sharp } from 'sharp';
import { initCodecs } from '../src/processor/pipeline/index.ts';
import { limits } from '../src/shared/limits.ts';
import { noisePicture, photoLikePicture } from '../test/fixtures/images/patterns.ts';
import { benchFormats, gradientPicture } from './pipeline-formats.ts';
import { measureInChild, memoryCell, STAGE_NOTE, stageRow, type Strategy } from './pipeline-memory.ts';
import {
  compileCodecModules,
  fileMb,
  kilobytes,
  median,
  memoryJpegFiles,
  photoJpegFile,
  rawSharp,
  runOurs,
  runSharp,
  sizeFor,
  STAGES,
  workDir,
  writeOnce,
  type Outcome,
} from './pipeline-shared.ts';

export { median, photoJpeg, runSharp } from './pipeline-shared.ts';

const thisFile = fileURLToPath(import.meta.url);
const corpusPhoto = fileURLToPath(new URL('../../shared/corpus/cameras/jolla.jpg', import.meta.url));

// ---------------------------------------------------------------------------------------------
// Inputs

interface Input {
  name: string;
  file: string;
  megapixels: number;
  orientation: number;
}

/**
 * Sensor sizes of real cameras (VGA, 3 MP, an 8 MP phone, a 12 MP iPhone, a 24 MP camera), each
 * upright and turned (orientation 6, as phones tag portrait photos). These are whole 16 px blocks,
 * so a turned one is turned losslessly (up to LOSSLESS_TRANSFORM_MAX_BYTES: 24 MP is re-encoded);
 * Samsung's 4000 × 3000 is not, and shows the re-encoding path.
 */
const TIMING_SIZES = [
  { width: 640, height: 480, orientations: [1, 6] },
  { width: 2048, height: 1536, orientations: [1, 6] },
  { width: 3264, height: 2448, orientations: [1, 6] },
  { width: 4032, height: 3024, orientations: [1, 6] },
  { width: 4000, height: 3000, orientations: [1, 6] },
  { width: 6000, height: 4000, orientations: [1, 6] },
];

const aligned = (width: number, height: number) => width % 16 === 0 && height % 16 === 0;

async function timingInputs(): Promise<Input[]> {
  const inputs: Input[] = [];
  for (const { width, height, orientations } of TIMING_SIZES) {
    const megapixels = (width * height) / 1e6;
    for (const orientation of orientations) {
      const blocks = aligned(width, height) ? '' : ', not whole 16 px blocks';
      inputs.push({
        name: `photo ${width}×${height} (${megapixels.toFixed(1)} MP), orientation ${orientation}${blocks}`,
        file: await photoJpegFile(width, height, orientation),
        megapixels,
        orientation,
      });
    }
  }
  if (existsSync(corpusPhoto)) {
    inputs.push({
      name: 'jolla.jpg (8 MP phone photo)',
      file: corpusPhoto,
      megapixels: (3264 * 2448) / 1e6,
      orientation: 1,
    });
  } else {
    console.log(`(${corpusPhoto} is absent: the real-photo row is skipped)`);
  }
  return inputs;
}

interface MemoryInput {
  name: string;
  megapixels: number;
  baseline: string;
  progressive: string;
}

/**
 * Worst cases for memory (pipeline-shared.ts memoryJpegFiles): noise up to 24 MP, photo-like at
 * 50 MP; each baseline (as cameras write) and progressive; tagged orientation 6 for the naive
 * decoder, which reads the tag itself.
 */
async function memoryInputs(): Promise<MemoryInput[]> {
  const inputs: MemoryInput[] = [];
  for (const megapixels of [0.3, 3, 6, 8, 12, 24, 50]) {
    const files = await memoryJpegFiles(megapixels);
    inputs.push({
      name: `${files.kind} ${((files.width * files.height) / 1e6).toFixed(1)} MP (${fileMb(files.baseline)})`,
      megapixels,
      ...files,
    });
  }
  return inputs;
}

// ---------------------------------------------------------------------------------------------
// Timing

const ROUNDS = 5;

async function timeInput(input: Input): Promise<Record<string, string | number>> {
  const bytes = readFileSync(input.file);
  const ours: Outcome[] = [];
  const theirs: Outcome[] = [];
  // One warm-up each: JIT, codec instantiation paths, sharp's thread pool.
  await runOurs(new Uint8Array(bytes), input.orientation);
  await runSharp(bytes);
  for (let round = 0; round < ROUNDS; round++) {
    ours.push(await runOurs(new Uint8Array(bytes), input.orientation));
    theirs.push(await runSharp(bytes));
  }
  const oursTotal = median(ours.map((o) => o.totalMs));
  const sharpTotal = median(theirs.map((o) => o.totalMs));
  const row: Record<string, string | number> = { input: input.name, original: ours[0]!.originalMethod };
  for (const stage of STAGES) row[stage] = median(ours.map((o) => o.stages[stage])).toFixed(0);
  row['ours ms'] = oursTotal.toFixed(0);
  row['sharp ms'] = sharpTotal.toFixed(0);
  row['ours/sharp'] = `${(oursTotal / sharpTotal).toFixed(2)}×`;
  row['ours KB (orig/disp/thumb)'] = kilobytes(ours[0]!);
  row['sharp KB'] = kilobytes(theirs[0]!);
  return row;
}

// ---------------------------------------------------------------------------------------------
// Memory: each measurement in a fresh process, so no run inherits another's heap or WASM memory.

interface MemoryCase {
  label: string;
  strategy: Strategy;
  file: 'baseline' | 'progressive';
  orientation: number;
}

const MEMORY_CASES: MemoryCase[] = [
  { label: 'naive', strategy: 'naive', file: 'baseline', orientation: 6 },
  { label: 'ours, upright', strategy: 'pipeline', file: 'baseline', orientation: 1 },
  { label: 'ours, turned', strategy: 'pipeline', file: 'baseline', orientation: 6 },
  { label: 'ours, mirrored', strategy: 'pipeline', file: 'baseline', orientation: 2 },
  { label: 'ours, progressive turned', strategy: 'pipeline', file: 'progressive', orientation: 6 },
];

/**
 * The naive strategy takes ~2 s and ~70 MB per megapixel (845 MB at 12 MP, 1639 at 24, 2911 at 50
 * measured before): above 12 MP it would cost minutes of the run to show the same line.
 */
const NAIVE_MAX_MEGAPIXELS = 12;

const CASE_NOTES = [
  `naive: @jsquash as its README suggests: decode with preserveOrientation, @jsquash/resize (lanczos3) from the full image per variant, mozjpeg for all three variants, codecs initialised once and kept; not run above ${NAIVE_MAX_MEGAPIXELS} MP (it grows linearly, ~70 MB per MP: 1639 MB at 24 MP, 2911 at 50 in docs/image-pipeline.md)`,
  'ours, upright: the original keeps its own data; the streaming decoder decodes at the DCT scale that covers the display size',
  'ours, turned / mirrored: the original is turned losslessly in the DCT domain while its coefficients fit LOSSLESS_TRANSFORM_MAX_BYTES, else re-encoded (at most ORIGINAL_MAX_PIXELS) from the streaming decoder',
  `ours, progressive turned: the same from a progressive file, through the progressive decoder (its limit now: ${limits.upload.maxPixelsPerFormat.jpegProgressive / 1e6} MP, limits.upload.maxPixelsPerFormat.jpegProgressive; refused above)`,
];

// ---------------------------------------------------------------------------------------------

const PARTS = ['timing', 'memory', 'formats'] as const;
export type Part = (typeof PARTS)[number];

export async function benchPipeline(parts: readonly Part[] = PARTS): Promise<void> {
  mkdirSync(workDir, { recursive: true });
  initCodecs(compileCodecModules());
  sharp.concurrency(1);
  sharp.cache(false);
  const run = { timing: benchTiming, memory: benchMemory, formats: benchFormats };
  for (const part of PARTS) {
    if (!parts.includes(part)) continue;
    const start = performance.now();
    await run[part]();
    console.log(
      `(pipeline ${part}: ${((performance.now() - start) / 60_000).toFixed(1)} min, load average ${loadavg()[0]!.toFixed(1)})`,
    );
  }
}

async function benchTiming(): Promise<void> {
  console.log(
    '\n== pipeline: the three variants, ours (Node, WASM + TypeScript) vs sharp (libvips, 1 thread; baseline q90/q80 4:2:0 like ours) ==',
  );
  const rows = [];
  for (const input of await timingInputs()) rows.push(await timeInput(input));
  console.table(rows);
  console.log(
    `Medians of ${ROUNDS} interleaved rounds after a warm-up. Stage columns are our medians in ms; turning a JPEG losslessly counts as encoding.`,
  );
}

/** PNG and WebP, which are always re-encoded: the streaming PNG decoder, and libwebp at its limit. */
async function formatMemoryInputs(): Promise<{ name: string; file: string }[]> {
  const cases = [
    {
      name: 'gradient 50 MP PNG',
      file: 'memory-gradient-50.png',
      make: () => gradientPicture(sizeFor(50).width, sizeFor(50).height),
      encode: (s: Sharp) => s.png(),
    },
    {
      name: 'photo 6 MP PNG',
      file: 'memory-photo-6.png',
      make: () => photoLikePicture(sizeFor(6).width, sizeFor(6).height),
      encode: (s: Sharp) => s.png(),
    },
    {
      name: 'noise 6 MP WebP',
      file: 'memory-noise-6.webp',
      make: () => noisePicture(sizeFor(6).width, sizeFor(6).height),
      encode: (s: Sharp) => s.webp({ quality: 90 }),
    },
  ];
  const inputs = [];
  for (const { name, file, make, encode } of cases) {
    const path = await writeOnce(file, () => encode(rawSharp(make())).toBuffer());
    inputs.push({ name: `${name} (${fileMb(path)})`, file: path });
  }
  return inputs;
}

async function benchMemory(): Promise<void> {
  console.log(
    '\n== pipeline: peak memory per image, each in a fresh process, in MB over the idle process (the input file included): RSS / V8 heap + ArrayBuffers + live WASM ==',
  );
  const rows = [];
  const stageRows = [];
  for (const input of await memoryInputs()) {
    const row: Record<string, string> = { input: input.name };
    for (const { label, strategy, file, orientation } of MEMORY_CASES) {
      if (strategy === 'naive' && input.megapixels > NAIVE_MAX_MEGAPIXELS) {
        row[label] = 'not run';
        continue;
      }
      const report = await measureInChild(strategy, input[file], orientation);
      row[label] = memoryCell(report, strategy === 'pipeline');
      stageRows.push(stageRow(input.name, label, report));
    }
    rows.push(row);
  }
  console.table(rows);
  for (const note of CASE_NOTES) console.log(note);

  const formatRows = [];
  for (const input of await formatMemoryInputs()) {
    const row: Record<string, string> = { input: input.name };
    for (const orientation of [1, 6]) {
      const report = await measureInChild('pipeline', input.file, orientation);
      row[`ours, orientation ${orientation}`] = memoryCell(report, false);
      stageRows.push(stageRow(input.name, `ours, orientation ${orientation}`, report));
    }
    formatRows.push(row);
  }
  console.table(formatRows);
  console.log(
    '\nPeak memory per stage for the rows of both tables above (naive: decode, resize, encode as its steps):',
  );
  console.table(stageRows);
  console.log(STAGE_NOTE);
}

if (process.argv[1] === thisFile) {
  const parts = process.argv.slice(2).filter((arg): arg is Part => (PARTS as readonly string[]).includes(arg));
  await benchPipeline(parts.length > 0 ? parts : undefined);
}
