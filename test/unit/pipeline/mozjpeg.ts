/**
 * mozjpeg's encoder, for tests only: it makes camera-like fixtures and is the reference the
 * pipeline's own variant encoder is compared with. The processor itself no longer bundles it.
 */
import mozjpegEncoderFactory from '@jsquash/jpeg/codec/enc/mozjpeg_enc.js';
import mozjpegEncoderModule from '@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm';
import type { EncodeOptions } from '@jsquash/jpeg/codec/enc/mozjpeg_enc.js';

interface MozjpegEncoder {
  encode(data: Uint8Array, width: number, height: number, options: EncodeOptions): Uint8Array;
}

type Factory = (overrides: {
  noInitialRun: boolean;
  instantiateWasm(imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance) => void): WebAssembly.Exports;
}) => Promise<MozjpegEncoder>;

/** A fresh instance per call, as the processor's codecs are, so no test inherits another's memory. */
export async function mozjpegEncode(
  data: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  options: EncodeOptions,
): Promise<Uint8Array> {
  const codec = await (mozjpegEncoderFactory as unknown as Factory)({
    noInitialRun: true,
    instantiateWasm(imports, receive) {
      const instance = new WebAssembly.Instance(mozjpegEncoderModule, imports);
      receive(instance);
      return instance.exports;
    },
  });
  return codec.encode(data as Uint8Array, width, height, options).slice();
}
