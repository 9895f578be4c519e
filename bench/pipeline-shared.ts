/**
 * What the pipeline benchmarks share (bench/pipeline.ts, pipeline-formats.ts, pipeline-memory.ts,
 * pipeline-e2e.ts): the work directory where inputs are written once, the codec modules, the two
 * contenders (ours and sharp making the same three variants) and medians.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  processImage,
  UndecodableImageError,
  type CodecModules,
  type PipelineResult,
  type SourceFormat,
  type Stage,
} from '../src/processor/pipeline/index.ts';
import { buildExifApp1, withExif } from '../test/fixtures/exif-builder.ts';
import { noisePicture, photoLikePicture, type RgbaImage } from '../test/fixtures/images/patterns.ts';

const require = createRequire(import.meta.url);

/** Inputs are written here once and reused by later runs (delete it to make them again). */
export const workDir = join(tmpdir(), 'lumen-bench-pipeline');
export const MB = 1024 * 1024;
export const STAGES: Stage[] = ['decode', 'orient', 'resize', 'encode'];

function wasm(path: string): WebAssembly.Module {
  return new WebAssembly.Module(readFileSync(require.resolve(path)));
}

export { wasm as compileWasm };

/** What workerd gets by importing the .wasm files, compiled here from the same files. */
export function compileCodecModules(): CodecModules {
  return {
    jpegDecoder: wasm('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm'),
    webpDecoder: wasm('@jsquash/webp/codec/dec/webp_dec.wasm'),
    heifDecoder: wasm('libheif-js/libheif-wasm/libheif.wasm'),
    avifDecoder: wasm('@jsquash/avif/codec/dec/avif_dec.wasm'),
  };
}

/** 4:3, at most `megapixels` (50 MP must stay within the 50 000 000 pixel limit). */
export function sizeFor(megapixels: number): { width: number; height: number } {
  const width = Math.floor(Math.sqrt((megapixels * 1e6 * 4) / 3));
  return { width, height: Math.floor((width * 3) / 4) };
}

/** `file` in the work directory, made by `make` unless an earlier run left it there. */
export async function writeOnce(file: string, make: () => Promise<Uint8Array>): Promise<string> {
  mkdirSync(workDir, { recursive: true });
  const path = join(workDir, file);
  if (!existsSync(path)) writeFileSync(path, await make());
  return path;
}

export function fileMb(path: string): string {
  return `${(statSync(path).size / MB).toFixed(1)} MB`;
}

export function rawSharp(picture: RgbaImage) {
  return sharp(picture.data, { raw: { width: picture.width, height: picture.height, channels: 4 } });
}

/** A baseline JPEG at quality 90 as a camera would write it, tagged with `orientation` when it is not 1. */
export function writeJpeg(name: string, picture: () => RgbaImage, orientation: number): Promise<string> {
  return writeOnce(`${name}.jpg`, async () => {
    const jpeg = await rawSharp(picture()).jpeg({ quality: 90 }).toBuffer();
    return orientation === 1 ? jpeg : withExif(jpeg, buildExifApp1({ orientation, make: 'Bench', model: 'Pipeline' }));
  });
}

/** A photo-like JPEG of the given size and orientation, written once and reused across runs. */
export async function photoJpeg(width: number, height: number, orientation: number): Promise<Buffer> {
  return readFileSync(await photoJpegFile(width, height, orientation));
}

export function photoJpegFile(width: number, height: number, orientation: number): Promise<string> {
  return writeJpeg(`photo-${width}x${height}-o${orientation}`, () => photoLikePicture(width, height), orientation);
}

export interface Outcome {
  totalMs: number;
  stages: Record<Stage, number>;
  bytes: [number, number, number];
  originalMethod: string;
}

export async function runOurs(input: Uint8Array, orientation: number, format: SourceFormat = 'jpeg'): Promise<Outcome> {
  const start = performance.now();
  const result: PipelineResult = await processImage(input, format, orientation);
  return {
    totalMs: performance.now() - start,
    stages: result.timings,
    bytes: [result.original.bytes.length, result.display.bytes.length, result.thumbnail.bytes.length],
    originalMethod: result.originalMethod,
  };
}

/** The same call, with a refusal or a decoder's failure as text for the table's cell instead of a throw. */
export async function tryOurs(input: Uint8Array, orientation: number, format: SourceFormat): Promise<Outcome | string> {
  try {
    return await runOurs(input, orientation, format);
  } catch (error) {
    return failureText(error);
  }
}

export function failureText(error: unknown): string {
  if (error instanceof UndecodableImageError) return `refused (${error.reason})`;
  return `error (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
}

/**
 * sharp making the same outputs as ours: EXIF-rotated, metadata stripped (its default), the same
 * sizes, quality 90 original and 80 display/thumbnail, all baseline (ours are baseline; a
 * progressive encode costs sharp time and would flatter our ratios), chroma 4:2:0 (sharp's
 * default, named here so that it stays so).
 */
export async function runSharp(input: Buffer): Promise<Outcome> {
  const start = performance.now();
  const jpeg = (quality: number) => ({ quality, progressive: false, chromaSubsampling: '4:2:0' }) as const;
  const original = await sharp(input).rotate().jpeg(jpeg(90)).toBuffer();
  const fit = (side: number) =>
    sharp(input).rotate().resize(side, side, { fit: 'inside', withoutEnlargement: true }).jpeg(jpeg(80)).toBuffer();
  const display = await fit(1080);
  const thumbnail = await fit(320);
  return {
    totalMs: performance.now() - start,
    stages: { decode: 0, orient: 0, resize: 0, encode: 0 },
    bytes: [original.length, display.length, thumbnail.length],
    originalMethod: 're-encoded',
  };
}

export async function trySharp(input: Buffer): Promise<Outcome | string> {
  try {
    return await runSharp(input);
  } catch (error) {
    return `error (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

export function kilobytes(outcome: Outcome): string {
  return outcome.bytes.map((b) => Math.round(b / 1024)).join('/');
}

/**
 * The memory part's worst-case JPEGs, tagged orientation 6: noise (largest file and decoder input
 * per pixel; 24 MP of it at quality 90 is just under the 20 MiB upload limit), photo-like above
 * 24 MP (50 MP of noise would be 41 MB, which the API refuses). Baseline and progressive.
 */
export async function memoryJpegFiles(
  megapixels: number,
): Promise<{ kind: string; width: number; height: number; baseline: string; progressive: string }> {
  const { width, height } = sizeFor(megapixels);
  const kind = megapixels > 24 ? 'photo' : 'noise';
  let picture: RgbaImage | undefined;
  const make = (progressive: boolean) => async () => {
    picture ??= kind === 'noise' ? noisePicture(width, height) : photoLikePicture(width, height);
    const jpeg = await rawSharp(picture).jpeg({ quality: 90, progressive }).toBuffer();
    return withExif(jpeg, buildExifApp1({ orientation: 6 }));
  };
  return {
    kind,
    width,
    height,
    baseline: await writeOnce(`memory-${kind}-${megapixels}.jpg`, make(false)),
    progressive: await writeOnce(`memory-${kind}-${megapixels}-progressive.jpg`, make(true)),
  };
}
