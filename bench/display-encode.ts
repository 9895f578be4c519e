/**
 * The display and thumbnail encoders side by side: mozjpeg as the pipeline used it (q80,
 * progressive, trellis, its default tables) against the pipeline's own baseline encoder with the
 * Annex K tables and with mozjpeg's tables. Time (medians of interleaved rounds), bytes, and PSNR
 * against the pixels encoded, decoded by sharp; then the quality at which our encoder matches
 * mozjpeg's PSNR, and its bytes there. Run: `npx tsx bench/display-encode.ts [corpus folder]` (default
 * ../shared/corpus beside the repository; its photos are skipped when absent).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import mozjpegEncoderFactory from '@jsquash/jpeg/codec/enc/mozjpeg_enc.js';
import { defaultOptions as mozjpegDefaults } from '@jsquash/jpeg/meta.js';
import type { EncodeOptions } from '@jsquash/jpeg/codec/enc/mozjpeg_enc.js';
import { ANNEX_K, encodeJpeg, MOZJPEG_LIKE, type Quantisation } from '../src/processor/pipeline/jpeg-encoder.ts';
import { orientedWalk } from '../src/processor/pipeline/orient.ts';
import type { Pixels } from '../src/processor/pipeline/pixels.ts';
import { photoLikePicture } from '../test/fixtures/images/patterns.ts';

const require = createRequire(import.meta.url);
const ROUNDS = 9;
const QUALITY = 80;

interface Mozjpeg {
  encode(data: Uint8Array, width: number, height: number, options: EncodeOptions): Uint8Array;
}

async function mozjpegInstance(): Promise<Mozjpeg> {
  const module = new WebAssembly.Module(readFileSync(require.resolve('@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm')));
  type Factory = (overrides: object) => Promise<Mozjpeg>;
  return (mozjpegEncoderFactory as unknown as Factory)({
    noInitialRun: true,
    instantiateWasm(imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance) => void) {
      const instance = new WebAssembly.Instance(module, imports);
      receive(instance);
      return instance.exports;
    },
  });
}

async function psnr(jpeg: Uint8Array, reference: Pixels): Promise<number> {
  const decoded = await sharp(jpeg).ensureAlpha().raw().toBuffer();
  let squared = 0;
  for (let i = 0; i < decoded.length; i++) if ((i & 3) !== 3) squared += (decoded[i]! - reference.data[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / (squared / ((decoded.length * 3) / 4)));
}

async function fromPhoto(path: string, longSide: number): Promise<Pixels> {
  const { data, info } = await sharp(path)
    .rotate()
    .resize(longSide, longSide, { fit: 'inside' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
  };
}

function ours(pixels: Pixels, quality: number, tables: Quantisation): Uint8Array {
  return encodeJpeg(pixels, quality, orientedWalk(pixels.width, pixels.height, 1), undefined, tables);
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function compare(name: string, pixels: Pixels, mozjpeg: Mozjpeg): Promise<void> {
  const encoders: Record<string, () => Uint8Array> = {
    'mozjpeg q80': () =>
      mozjpeg.encode(pixels.data, pixels.width, pixels.height, {
        ...mozjpegDefaults,
        quality: QUALITY,
        auto_subsample: false,
        chroma_subsample: 2,
      }),
    'ours, Annex K q80': () => ours(pixels, QUALITY, ANNEX_K),
    'ours, mozjpeg-like q80': () => ours(pixels, QUALITY, MOZJPEG_LIKE),
  };
  const times = new Map<string, number[]>(Object.keys(encoders).map((key) => [key, []]));
  const bytes = new Map<string, Uint8Array>();
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [key, encode] of Object.entries(encoders)) {
      const start = performance.now();
      const out = encode();
      if (round > 0) times.get(key)!.push(performance.now() - start);
      bytes.set(key, out);
    }
  }
  const reference = median(times.get('mozjpeg q80')!);
  const referencePsnr = await psnr(bytes.get('mozjpeg q80')!, pixels);
  for (const [key, out] of bytes) {
    const ms = median(times.get(key)!);
    console.log(
      `| ${name} | ${key} | ${ms.toFixed(1)} | ${(ms / reference).toFixed(2)} | ${(out.length / 1024).toFixed(1)} | ${(await psnr(out, pixels)).toFixed(2)} |`,
    );
  }
  // The quality where ours first reaches mozjpeg's PSNR: bytes at equal fidelity.
  for (let quality = 70; quality <= 95; quality++) {
    const out = ours(pixels, quality, MOZJPEG_LIKE);
    if ((await psnr(out, pixels)) >= referencePsnr) {
      const ratio = out.length / bytes.get('mozjpeg q80')!.length;
      console.log(
        `| ${name} | ours at mozjpeg's PSNR (${referencePsnr.toFixed(2)} dB): q${quality} | | | ${(out.length / 1024).toFixed(1)} (${ratio.toFixed(2)}×) | |`,
      );
      return;
    }
  }
}

const corpusDir = process.argv[2] ?? fileURLToPath(new URL('../../shared/corpus', import.meta.url));
const corpus = (file: string): string => join(corpusDir, 'cameras', file);
const mozjpeg = await mozjpegInstance();
console.log('| picture | encoder | ms | × mozjpeg | KB | PSNR dB |');
console.log('|---|---|---|---|---|---|');
const photo = photoLikePicture(640, 480);
await compare('photo-like 640×480', { data: photo.data, width: 640, height: 480 }, mozjpeg);
const photos: [string, number][] = [
  ['jolla.jpg', 1080],
  ['Canon_40D.jpg', 1080],
  ['Nikon_D70.jpg', 1080],
  ['jolla.jpg', 320],
];
for (const [file, side] of photos) {
  if (existsSync(corpus(file))) await compare(`${file} at ${side}`, await fromPhoto(corpus(file), side), mozjpeg);
  else console.log(`(${corpus(file)} is absent: skipped)`);
}
