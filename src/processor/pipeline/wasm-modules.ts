/**
 * The codecs' WASM, imported as compiled modules the way workerd requires (wrangler bundles each
 * .wasm as a CompiledWasm module). Only for code that runs in workerd: the processor Worker and the
 * tests. Node has no such import; the benchmark compiles the same files itself.
 */
import jpegDecoder from '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm';
import webpDecoder from '@jsquash/webp/codec/dec/webp_dec.wasm';
import avifDecoder from '@jsquash/avif/codec/dec/avif_dec.wasm';
import heifDecoder from 'libheif-js/libheif-wasm/libheif.wasm';
import type { CodecModules } from './codecs';

export const codecModules: CodecModules = { jpegDecoder, webpDecoder, heifDecoder, avifDecoder };
