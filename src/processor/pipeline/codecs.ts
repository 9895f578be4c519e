/**
 * The WASM decoders (@jsquash mozjpeg, libwebp and libavif, libheif's libde265) and their lifetimes.
 * Every JPEG the processor writes comes from its own encoder (jpeg-encoder.ts).
 *
 * `initCodecs` is called once per isolate with compiled `WebAssembly.Module`s: in workerd they are
 * imported as modules (see wasm-modules.ts), because compiling bytes at run time is forbidden
 * there; in Node (the benchmark) they are compiled from the .wasm files.
 *
 * Instances, unlike modules, live for one call only. A WASM memory grows and never shrinks, so an
 * instance kept across jobs would keep the high-water mark of the largest image it ever saw (a
 * 12 MP decode leaves ~60 MB behind). A fresh instance costs about a millisecond and 16 MB of
 * initial memory that becomes garbage with it. @jsquash's own `init()` keeps its instance in a
 * module variable that cannot be cleared, so the Emscripten factories are used directly.
 */
import mozjpegDecoderFactory from '@jsquash/jpeg/codec/dec/mozjpeg_dec.js';
import webpDecoderFactory from '@jsquash/webp/codec/dec/webp_dec.js';
import avifDecoderFactory from '@jsquash/avif/codec/dec/avif_dec.js';
import heifDecoderFactory from 'libheif-js/libheif-wasm/libheif.js';
import { pipelineProbe, type CodecName } from './probe';

export type CodecModules = Record<CodecName, WebAssembly.Module>;

export interface DecodedRgba {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

interface JpegDecoderInstance {
  decode(data: Uint8Array, preserveOrientation: boolean): DecodedRgba | null;
}

interface WebpDecoderInstance {
  decode(data: Uint8Array): DecodedRgba | null;
}

interface AvifDecoderInstance {
  decode(data: Uint8Array, bitDepth: number): DecodedRgba | null;
}

/**
 * The libheif build's exports used here: its bundled libde265 HEVC decoder, called directly so
 * that a grid image is decoded one tile at a time (libheif's own decode holds the whole picture).
 */
export interface HevcDecoderInstance {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(pointer: number): void;
  _de265_new_decoder(): number;
  _de265_free_decoder(decoder: number): number;
  // The 64-bit presentation time is passed as two 32-bit halves (the build legalises i64 for JavaScript).
  _de265_push_NAL(
    decoder: number,
    data: number,
    length: number,
    ptsLow: number,
    ptsHigh: number,
    userData: number,
  ): number;
  _de265_flush_data(decoder: number): number;
  _de265_decode(decoder: number, more: number): number;
  _de265_get_next_picture(decoder: number): number;
  _de265_release_next_picture(decoder: number): void;
  _de265_get_chroma_format(image: number): number;
  _de265_get_image_width(image: number, channel: number): number;
  _de265_get_image_height(image: number, channel: number): number;
  _de265_get_bits_per_pixel(image: number, channel: number): number;
  _de265_get_image_plane(image: number, channel: number, stride: number): number;
  _de265_get_image_matrix_coefficients(image: number): number;
  _de265_get_image_full_range_flag(image: number): number;
}

interface EmscriptenOverrides {
  noInitialRun: boolean;
  instantiateWasm(
    imports: WebAssembly.Imports,
    receiveInstance: (instance: WebAssembly.Instance) => void,
  ): WebAssembly.Exports;
  print(text: string): void;
  printErr(text: string): void;
}

/**
 * The packages type the factories' `instantiateWasm` callback as taking a Module, but Emscripten
 * passes the Instance (as @jsquash's own utils.js does); this is the shape the glue really has.
 */
type EmscriptenFactory<Instance> = (overrides: EmscriptenOverrides) => Promise<Instance>;

let modules: CodecModules | null = null;

export function initCodecs(compiled: CodecModules): void {
  modules = compiled;
}

function requireModules(): CodecModules {
  if (!modules) throw new Error('initCodecs() must be called before processing images');
  return modules;
}

export interface CodecUse<Instance> {
  codec: Instance;
  /** Lines the codec printed to stderr (libjpeg reports truncated or corrupt data only there). */
  warnings: string[];
  memory: () => number;
}

async function instantiate<Instance>(
  factory: EmscriptenFactory<Instance>,
  module: WebAssembly.Module,
): Promise<CodecUse<Instance>> {
  const warnings: string[] = [];
  let memory: WebAssembly.Memory | null = null;
  const codec = await factory({
    noInitialRun: true,
    instantiateWasm(imports, receiveInstance) {
      const instance = new WebAssembly.Instance(module, imports);
      memory = Object.values(instance.exports).find((value) => value instanceof WebAssembly.Memory) ?? null;
      receiveInstance(instance);
      return instance.exports;
    },
    print: () => {},
    printErr: (text) => warnings.push(text),
  });
  return { codec, warnings, memory: () => memory?.buffer.byteLength ?? 0 };
}

/**
 * Runs `use` with a fresh codec instance and lets the instance go afterwards. Nothing may keep a
 * reference to the instance past `use`, or its memory could not be collected.
 */
async function withCodec<Instance, Result>(
  name: keyof CodecModules,
  factory: EmscriptenFactory<Instance>,
  use: (codec: CodecUse<Instance>) => Result,
): Promise<Result> {
  const instance = await instantiate(factory, requireModules()[name]);
  try {
    return use(instance);
  } finally {
    pipelineProbe().codecReturned?.(name, instance.memory());
  }
}

export function withJpegDecoder<Result>(use: (codec: CodecUse<JpegDecoderInstance>) => Result): Promise<Result> {
  return withCodec('jpegDecoder', mozjpegDecoderFactory as unknown as EmscriptenFactory<JpegDecoderInstance>, use);
}

export function withAvifDecoder<Result>(use: (codec: CodecUse<AvifDecoderInstance>) => Result): Promise<Result> {
  return withCodec('avifDecoder', avifDecoderFactory as unknown as EmscriptenFactory<AvifDecoderInstance>, use);
}

export function withHevcDecoder<Result>(use: (codec: CodecUse<HevcDecoderInstance>) => Result): Promise<Result> {
  return withCodec('heifDecoder', heifDecoderFactory as unknown as EmscriptenFactory<HevcDecoderInstance>, use);
}

export function withWebpDecoder<Result>(use: (codec: CodecUse<WebpDecoderInstance>) => Result): Promise<Result> {
  return withCodec('webpDecoder', webpDecoderFactory as unknown as EmscriptenFactory<WebpDecoderInstance>, use);
}
