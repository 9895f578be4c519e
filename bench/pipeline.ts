/**
 * The image pipeline (src/processor/pipeline) in Node, against sharp doing the same three variants
 * in the same run, and the pipeline's peak memory per strategy, each measured in a fresh process.
 *
 * `benchPipeline()` needs no running Worker. Run on its own: `npx tsx bench/pipeline.ts`.
 * Timings are medians of interleaved rounds (ours, sharp, ours, …), because these machines are
 * shared and drift; sharp runs on one thread, as a Worker does.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp, { type Sharp } from 'sharp';
import decodeWithJsquash, { init as initJsquashDecoder } from '@jsquash/jpeg/decode.js';
import encodeWithJsquash, { init as initJsquashEncoder } from '@jsquash/jpeg/encode.js';
import resizeWithJsquash, { initResize } from '@jsquash/resize';
import {
  initCodecs,
  processImage,
  setPipelineProbe,
  UndecodableImageError,
  type CodecModules,
  type PipelineResult,
  type SourceFormat,
  type Stage,
} from '../src/processor/pipeline/index.ts';
import { buildExifApp1, withExif } from '../test/fixtures/exif-builder.ts';
import { noisePicture, photoLikePicture, type RgbaImage } from '../test/fixtures/images/patterns.ts';

const require = createRequire(import.meta.url);
const thisFile = fileURLToPath(import.meta.url);
const workDir = join(tmpdir(), 'lumen-bench-pipeline');
const corpusPhoto = fileURLToPath(new URL('../../shared/corpus/cameras/jolla.jpg', import.meta.url));

const MB = 1024 * 1024;
const STAGES: Stage[] = ['decode', 'orient', 'resize', 'encode'];

function wasm(path: string): WebAssembly.Module {
  return new WebAssembly.Module(readFileSync(require.resolve(path)));
}

/** What workerd gets by importing the .wasm files, compiled here from the same files. */
function compileCodecModules(): CodecModules {
  return {
    jpegDecoder: wasm('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm'),
    webpDecoder: wasm('@jsquash/webp/codec/dec/webp_dec.wasm'),
    heifDecoder: wasm('libheif-js/libheif-wasm/libheif.wasm'),
    avifDecoder: wasm('@jsquash/avif/codec/dec/avif_dec.wasm'),
  };
}

// ---------------------------------------------------------------------------------------------
// Inputs

interface Input {
  name: string;
  file: string;
  megapixels: number;
  orientation: number;
}

/** 4:3, at most `megapixels` (50 MP must stay within the 50 000 000 pixel limit). */
function sizeFor(megapixels: number): { width: number; height: number } {
  const width = Math.floor(Math.sqrt((megapixels * 1e6 * 4) / 3));
  return { width, height: Math.floor((width * 3) / 4) };
}

/** A JPEG at quality 90 as a camera would write it, tagged with `orientation` when it is not 1. */
async function writeJpeg(name: string, picture: RgbaImage, orientation: number): Promise<string> {
  const file = join(workDir, `${name}.jpg`);
  if (existsSync(file)) return file;
  const jpeg = await sharp(picture.data, { raw: { width: picture.width, height: picture.height, channels: 4 } })
    .jpeg({ quality: 90 })
    .toBuffer();
  const bytes =
    orientation === 1 ? jpeg : withExif(jpeg, buildExifApp1({ orientation, make: 'Bench', model: 'Pipeline' }));
  writeFileSync(file, bytes);
  return file;
}

/** A photo-like JPEG of the given size and orientation, written once and reused across runs. */
export async function photoJpeg(width: number, height: number, orientation: number): Promise<Buffer> {
  mkdirSync(workDir, { recursive: true });
  return readFileSync(
    await writeJpeg(`photo-${width}x${height}-o${orientation}`, photoLikePicture(width, height), orientation),
  );
}

/**
 * Sensor sizes of real cameras (VGA, 3 MP, an 8 MP phone, a 12 MP iPhone), each upright and turned
 * (orientation 6, as phones tag portrait photos). These are whole 16 px blocks, so a turned one is
 * turned losslessly; 4000 × 3000 is not, and shows the re-encoding path.
 */
const TIMING_SIZES = [
  { width: 640, height: 480, orientations: [1, 6] },
  { width: 2048, height: 1536, orientations: [1, 6] },
  { width: 3264, height: 2448, orientations: [1, 6] },
  { width: 4032, height: 3024, orientations: [1, 6] },
  { width: 4000, height: 3000, orientations: [6] },
];

async function timingInputs(): Promise<Input[]> {
  const inputs: Input[] = [];
  for (const { width, height, orientations } of TIMING_SIZES) {
    const picture = photoLikePicture(width, height);
    const megapixels = (width * height) / 1e6;
    for (const orientation of orientations) {
      const name = `photo ${width}×${height} (${megapixels.toFixed(1)} MP), orientation ${orientation}`;
      inputs.push({
        name,
        file: await writeJpeg(`photo-${width}x${height}-o${orientation}`, picture, orientation),
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
  baseline: string;
  progressive: string;
}

/**
 * Worst cases for memory: noise compresses worst, so it makes the largest file and decoder input
 * per pixel; 24 MP of it at quality 90 is just under the 20 MiB upload limit. 50 MP of noise
 * would be 41 MB, which the API refuses, so that row is a photo-like picture (14 MB). Each size
 * comes baseline (as cameras write) and progressive (only mozjpeg decodes it). Tagged
 * orientation 6 for the naive decoder, which reads the tag itself.
 */
async function memoryInputs(): Promise<MemoryInput[]> {
  const inputs: MemoryInput[] = [];
  for (const megapixels of [0.3, 3, 6, 8, 12, 24, 50]) {
    const { width, height } = sizeFor(megapixels);
    const kind = megapixels > 24 ? 'photo' : 'noise';
    const files = {
      baseline: join(workDir, `memory-${kind}-${megapixels}.jpg`),
      progressive: join(workDir, `memory-${kind}-${megapixels}-progressive.jpg`),
    };
    if (!existsSync(files.baseline) || !existsSync(files.progressive)) {
      const picture = kind === 'noise' ? noisePicture(width, height) : photoLikePicture(width, height);
      for (const progressive of [false, true]) {
        const jpeg = await sharp(picture.data, { raw: { width, height, channels: 4 } })
          .jpeg({ quality: 90, progressive })
          .toBuffer();
        writeFileSync(
          progressive ? files.progressive : files.baseline,
          withExif(jpeg, buildExifApp1({ orientation: 6 })),
        );
      }
    }
    inputs.push({
      name: `${kind} ${((width * height) / 1e6).toFixed(1)} MP (${(readFileSync(files.baseline).length / MB).toFixed(1)} MB)`,
      ...files,
    });
  }
  return inputs;
}

// ---------------------------------------------------------------------------------------------
// The contenders

interface Outcome {
  totalMs: number;
  stages: Record<Stage, number>;
  bytes: [number, number, number];
  originalMethod: string;
}

async function runOurs(input: Uint8Array, orientation: number): Promise<Outcome> {
  const start = performance.now();
  const result: PipelineResult = await processImage(input, 'jpeg', orientation);
  return {
    totalMs: performance.now() - start,
    stages: result.timings,
    bytes: [result.original.bytes.length, result.display.bytes.length, result.thumbnail.bytes.length],
    originalMethod: result.originalMethod,
  };
}

/** sharp with the same outputs: EXIF-rotated, metadata stripped (its default), same sizes and qualities. */
export async function runSharp(input: Buffer): Promise<Outcome> {
  const start = performance.now();
  const original = await sharp(input).rotate().jpeg({ quality: 90 }).toBuffer();
  const fit = (side: number) =>
    sharp(input)
      .rotate()
      .resize(side, side, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 80, progressive: true })
      .toBuffer();
  const display = await fit(1080);
  const thumbnail = await fit(320);
  return {
    totalMs: performance.now() - start,
    stages: { decode: 0, orient: 0, resize: 0, encode: 0 },
    bytes: [original.length, display.length, thumbnail.length],
    originalMethod: 're-encoded',
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

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
  row['ours KB (orig/disp/thumb)'] = ours[0]!.bytes.map((b) => Math.round(b / 1024)).join('/');
  row['sharp KB'] = theirs[0]!.bytes.map((b) => Math.round(b / 1024)).join('/');
  return row;
}

// ---------------------------------------------------------------------------------------------
// Memory: each measurement in a fresh process, so no run inherits another's heap or WASM memory.

type Strategy = 'naive' | 'pipeline';

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

const CASE_NOTES = [
  'naive: @jsquash as its README suggests: decode with preserveOrientation, @jsquash/resize (lanczos3) from the full image per variant, mozjpeg for all three variants, codecs initialised once and kept',
  'ours, upright: the original keeps its own data; the streaming decoder decodes at the DCT scale that covers the display size',
  'ours, turned / mirrored: the original is turned losslessly in the DCT domain while its coefficients fit LOSSLESS_TRANSFORM_MAX_BYTES, else re-encoded (at most ORIGINAL_MAX_PIXELS) from the streaming decoder',
  'ours, progressive turned: the same through mozjpeg, the whole-image decoder (its own limit: FULL_DECODE_MAX_PIXELS, refused above)',
];

interface MemoryReport {
  peakRssGrowthMb: number;
  /** Largest growth of V8 heap + ArrayBuffers, plus the WASM memories known to be alive at a sample. */
  peakAccountedMb: number;
  /** How the pipeline made the original (see PipelineResult.originalMethod). */
  method: string;
  wasmPeakMb: Record<string, number>;
  ms: number;
}

class MemorySampler {
  peakRss = 0;
  peakAccounted = 0;
  readonly wasmPeak: Record<string, number> = {};
  private readonly liveWasm = new Map<string, number>();

  sample = (): void => {
    const usage = process.memoryUsage();
    const wasmBytes = [...this.liveWasm.values()].reduce((sum, bytes) => sum + bytes, 0);
    this.peakRss = Math.max(this.peakRss, usage.rss);
    this.peakAccounted = Math.max(this.peakAccounted, usage.heapUsed + usage.arrayBuffers + wasmBytes);
  };

  /** The codec's WASM memory is `bytes` now; it counts until `released`. */
  wasm(name: string, bytes: number): void {
    this.wasmPeak[name] = Math.max(this.wasmPeak[name] ?? 0, bytes);
    this.liveWasm.set(name, bytes);
    this.sample();
  }

  released(name: string): void {
    this.liveWasm.delete(name);
  }
}

/** The straightforward use of @jsquash, kept here only to be measured against. */
async function naivePipeline(
  input: Uint8Array,
  sampler: MemorySampler,
  memories: Map<string, WebAssembly.Memory>,
): Promise<void> {
  const image = await decodeWithJsquash(input.buffer as ArrayBuffer, { preserveOrientation: true });
  sampler.wasm('jpegDecoder', memories.get('jpegDecoder')?.buffer.byteLength ?? 0);
  const fit = (side: number) => {
    const scale = Math.min(1, side / Math.max(image.width, image.height));
    return {
      width: Math.max(1, Math.round(image.width * scale)),
      height: Math.max(1, Math.round(image.height * scale)),
    };
  };
  const display = await resizeWithJsquash(image, { ...fit(1080), method: 'lanczos3' });
  const thumbnail = await resizeWithJsquash(image, { ...fit(320), method: 'lanczos3' });
  sampler.sample();
  for (const [picture, quality] of [
    [image, 90],
    [display, 80],
    [thumbnail, 80],
  ] as const) {
    await encodeWithJsquash(picture, { quality });
    sampler.wasm('jpegEncoder', memories.get('jpegEncoder')?.buffer.byteLength ?? 0);
  }
}

async function initNaiveCodecs(modules: CodecModules, memories: Map<string, WebAssembly.Memory>): Promise<void> {
  // The processor no longer has mozjpeg's encoder; the naive pipeline brings its own.
  const naiveModules = { ...modules, jpegEncoder: wasm('@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm') };
  const capture = (name: 'jpegDecoder' | 'jpegEncoder') => ({
    instantiateWasm(imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance) => void) {
      const instance = new WebAssembly.Instance(naiveModules[name], imports);
      const memory = Object.values(instance.exports).find((value) => value instanceof WebAssembly.Memory);
      if (memory) memories.set(name, memory);
      receive(instance);
      return instance.exports;
    },
  });
  type Init = (overrides: ReturnType<typeof capture>) => Promise<void>;
  await (initJsquashDecoder as unknown as Init)(capture('jpegDecoder'));
  await (initJsquashEncoder as unknown as Init)(capture('jpegEncoder'));
  await initResize(wasm('@jsquash/resize/lib/resize/pkg/squoosh_resize_bg.wasm'));
}

/** Runs in the child process: one strategy, one file, then a JSON line on stdout. */
function formatOf(path: string): SourceFormat {
  return path.endsWith('.png') ? 'png' : path.endsWith('.webp') ? 'webp' : 'jpeg';
}

async function memoryProbe(strategy: Strategy, path: string, orientation: number): Promise<void> {
  const modules = compileCodecModules();
  initCodecs(modules);
  const memories = new Map<string, WebAssembly.Memory>();
  if (strategy === 'naive') await initNaiveCodecs(modules, memories);
  const warmUp = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#808080' } })
    .jpeg()
    .toBuffer();
  if (strategy === 'naive') await naivePipeline(new Uint8Array(warmUp), new MemorySampler(), memories);
  else await processImage(new Uint8Array(warmUp), 'jpeg', orientation);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const idle = process.memoryUsage();
  // Read after the idle sample: in the Worker the file's bytes are part of the job too.
  const file = readFileSync(path);
  const input = new Uint8Array(file.buffer, file.byteOffset, file.length);
  const sampler = new MemorySampler();
  const timer = setInterval(sampler.sample, 1);
  let method = 'naive';
  const start = performance.now();
  if (strategy === 'naive') {
    await naivePipeline(input, sampler, memories);
  } else {
    setPipelineProbe({
      codecReturned: (codec, bytes) => {
        sampler.wasm(codec, bytes);
        // The instance is unreachable from here on: RSS shows how long it really lingers.
        sampler.released(codec);
      },
      stepEnded: sampler.sample,
    });
    try {
      method = (await processImage(input, formatOf(path), orientation)).originalMethod;
    } catch (error) {
      if (!(error instanceof UndecodableImageError)) throw error;
      clearInterval(timer);
      process.stdout.write(`refused (${error.reason})\n`);
      return;
    }
  }
  const ms = performance.now() - start;
  clearInterval(timer);
  sampler.sample();
  const report: MemoryReport = {
    peakRssGrowthMb: (sampler.peakRss - idle.rss) / MB,
    peakAccountedMb: (sampler.peakAccounted - idle.heapUsed - idle.arrayBuffers) / MB,
    method,
    wasmPeakMb: Object.fromEntries(Object.entries(sampler.wasmPeak).map(([name, bytes]) => [name, bytes / MB])),
    ms,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

function measureInChild(strategy: Strategy, file: string, orientation: number): Promise<MemoryReport | string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, '--expose-gc', thisFile, '--memory-probe', strategy, file, String(orientation)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = output.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as MemoryReport);
      else if (code === 0 && line.startsWith('refused')) resolve(line);
      else reject(new Error(`memory probe ${strategy} ${file} exited with ${code}: ${output}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------

type Part = 'timing' | 'memory';

export async function benchPipeline(parts: Part[] = ['timing', 'memory']): Promise<void> {
  mkdirSync(workDir, { recursive: true });
  initCodecs(compileCodecModules());
  sharp.concurrency(1);
  sharp.cache(false);
  if (parts.includes('timing')) await benchTiming();
  if (parts.includes('memory')) await benchMemory();
}

async function benchTiming(): Promise<void> {
  console.log('\n== pipeline: the three variants, ours (Node, WASM + TypeScript) vs sharp (libvips, 1 thread) ==');
  const rows = [];
  for (const input of await timingInputs()) rows.push(await timeInput(input));
  console.table(rows);
  console.log('Stage columns are our medians in ms; turning a JPEG losslessly counts as encoding.');
}

/** A smooth picture: PNG compresses it well, so 50 MP of it stays within the 20 MiB upload limit. */
function gradientPicture(width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 4) data.set([(x * 255) / width, (y * 255) / height, 128, 255], i);
  }
  return { data, width, height };
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
    const path = join(workDir, file);
    if (!existsSync(path)) {
      const picture = make();
      writeFileSync(
        path,
        await encode(
          sharp(picture.data, { raw: { width: picture.width, height: picture.height, channels: 4 } }),
        ).toBuffer(),
      );
    }
    inputs.push({ name: `${name} (${(readFileSync(path).length / MB).toFixed(1)} MB)`, file: path });
  }
  return inputs;
}

/** The largest codec memory, when it is more than an instance's initial 16 MB. */
function wasmNote(report: MemoryReport): string {
  const largest = Math.max(0, ...Object.values(report.wasmPeakMb));
  return largest > 16 ? `, WASM ${largest.toFixed(0)}` : '';
}

async function benchMemory(): Promise<void> {
  console.log(
    '\n== pipeline: peak memory per image, each in a fresh process, in MB over the idle process (the input file included): RSS / V8 heap + ArrayBuffers + live WASM ==',
  );
  const rows = [];
  for (const input of await memoryInputs()) {
    const row: Record<string, string> = { input: input.name };
    for (const { label, strategy, file, orientation } of MEMORY_CASES) {
      const report = await measureInChild(strategy, input[file], orientation);
      row[label] =
        typeof report === 'string'
          ? report
          : `${report.peakRssGrowthMb.toFixed(0)} / ${report.peakAccountedMb.toFixed(0)}${wasmNote(report)} (${(report.ms / 1000).toFixed(1)} s${strategy === 'pipeline' ? `, ${report.method}` : ''})`;
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
      row[`ours, orientation ${orientation}`] =
        typeof report === 'string'
          ? report
          : `${report.peakRssGrowthMb.toFixed(0)} / ${report.peakAccountedMb.toFixed(0)}${wasmNote(report)} (${(report.ms / 1000).toFixed(1)} s)`;
    }
    formatRows.push(row);
  }
  console.table(formatRows);
}

if (process.argv[1] === thisFile) {
  const probeAt = process.argv.indexOf('--memory-probe');
  if (probeAt >= 0) {
    const [strategy, file, orientation] = process.argv.slice(probeAt + 1);
    await memoryProbe(strategy as Strategy, file ?? '', Number(orientation));
  } else {
    const parts = process.argv.slice(2).filter((arg): arg is Part => arg === 'timing' || arg === 'memory');
    await benchPipeline(parts.length > 0 ? parts : undefined);
  }
}
