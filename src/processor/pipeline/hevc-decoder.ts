/**
 * HEIC pictures (HEVC-coded HEIF items) decoded tile by tile into a row sink.
 *
 * Phones store a photo as a grid of independently coded 512 × 512 tiles (a 48 MP iPhone photo is
 * 192 of them). libheif's own decode assembles the whole picture, twice (YCbCr, then RGBA): 290 MB
 * for 48 MP. Here libde265 (bundled in the libheif WASM build) decodes one row of tiles at a time,
 * which is converted to RGBA and handed to the sink — the memory is one strip of the width of the
 * picture, whatever its height. A picture without a grid is a single "tile".
 */
import type { HeifCodedItem, HeifImage } from '../../shared/image/heif';
import { withHevcDecoder, type HevcDecoderInstance } from './codecs';
import { UndecodableImageError } from './errors';
import type { RowSink } from './pixels';

const DE265_OK = 0;
const DE265_ERROR_WAITING_FOR_INPUT_DATA = 13;
/** de265's warnings are numbered from 1000; they leave the picture usable. */
const DE265_FIRST_WARNING = 1000;
const CHROMA_MONO = 0;
const CHROMA_444 = 3;

/** One decoded tile's planes, copied out of WASM memory: Y, Cb, Cr at their own sizes. */
interface TilePlanes {
  width: number;
  height: number;
  chroma: number;
  bitDepth: number;
  planes: { data: Uint8Array | Uint16Array; width: number; height: number }[];
  matrixCoefficients: number;
  fullRange: boolean;
}

/** The NAL units of an `hvcC` record: parameter sets (VPS, SPS, PPS, SEI) in its arrays. */
function configNals(config: Uint8Array): { nals: Uint8Array[]; lengthSize: number } {
  const corrupt = (): never => {
    throw new UndecodableImageError('corrupt', 'The HEVC configuration (hvcC) is malformed');
  };
  if (config.length < 23) corrupt();
  const lengthSize = ((config[21] ?? 0) & 3) + 1;
  const nals: Uint8Array[] = [];
  let pos = 23;
  for (let array = 0, arrays = config[22] ?? 0; array < arrays; array++) {
    if (pos + 3 > config.length) corrupt();
    const count = (config[pos + 1] ?? 0) * 256 + (config[pos + 2] ?? 0);
    pos += 3;
    for (let i = 0; i < count; i++) {
      if (pos + 2 > config.length) corrupt();
      const length = (config[pos] ?? 0) * 256 + (config[pos + 1] ?? 0);
      if (pos + 2 + length > config.length) corrupt();
      nals.push(config.subarray(pos + 2, pos + 2 + length));
      pos += 2 + length;
    }
  }
  return { nals, lengthSize };
}

/** The NAL units of an item's data: each prefixed by its length in `lengthSize` bytes. */
function dataNals(data: Uint8Array, lengthSize: number): Uint8Array[] {
  const nals: Uint8Array[] = [];
  for (let pos = 0; pos < data.length;) {
    let length = 0;
    for (let i = 0; i < lengthSize; i++) length = length * 256 + (data[pos + i] ?? 0);
    pos += lengthSize;
    if (length === 0 || pos + length > data.length)
      throw new UndecodableImageError('truncated', 'An HEVC tile ends inside a NAL unit');
    nals.push(data.subarray(pos, pos + length));
    pos += length;
  }
  return nals;
}

function itemData(file: Uint8Array, item: HeifCodedItem): Uint8Array {
  if (item.data.length === 1 && item.data[0]) {
    const { offset, length } = item.data[0];
    return file.subarray(offset, offset + length);
  }
  const out = new Uint8Array(item.data.reduce((sum, range) => sum + range.length, 0));
  let at = 0;
  for (const { offset, length } of item.data) {
    out.set(file.subarray(offset, offset + length), at);
    at += length;
  }
  return out;
}

/**
 * Buffers for the planes of one tile, reused for every tile of the same size: a 48 MP grid has
 * 192 tiles, and fresh buffers for each would leave 75 MB of garbage behind.
 */
class PlaneBuffers {
  private readonly buffers: Uint8Array[] = [];

  get(channel: number, bytes: number): Uint8Array {
    const existing = this.buffers[channel];
    if (existing?.length === bytes) return existing;
    const buffer = new Uint8Array(bytes);
    this.buffers[channel] = buffer;
    return buffer;
  }
}

function copyPlanes(
  codec: HevcDecoderInstance,
  image: number,
  stridePointer: number,
  buffers: PlaneBuffers,
): TilePlanes {
  const chroma = codec._de265_get_chroma_format(image);
  const bitDepth = codec._de265_get_bits_per_pixel(image, 0);
  const planes = [];
  for (let channel = 0; channel < (chroma === CHROMA_MONO ? 1 : 3); channel++) {
    if (codec._de265_get_bits_per_pixel(image, channel) !== bitDepth)
      throw new UndecodableImageError('corrupt', 'HEVC planes of different bit depths are not supported');
    const width = codec._de265_get_image_width(image, channel);
    const height = codec._de265_get_image_height(image, channel);
    const pointer = codec._de265_get_image_plane(image, channel, stridePointer);
    const heap = codec.HEAPU8;
    const stride = new Int32Array(heap.buffer, stridePointer, 1)[0] ?? 0;
    const bytesPerSample = bitDepth > 8 ? 2 : 1;
    const data = buffers.get(channel, width * height * bytesPerSample);
    for (let y = 0; y < height; y++) {
      const from = pointer + y * stride;
      data.set(heap.subarray(from, from + width * bytesPerSample), y * width * bytesPerSample);
    }
    planes.push({ data: bytesPerSample === 2 ? new Uint16Array(data.buffer) : data, width, height });
  }
  return {
    width: codec._de265_get_image_width(image, 0),
    height: codec._de265_get_image_height(image, 0),
    chroma,
    bitDepth,
    planes,
    matrixCoefficients: codec._de265_get_image_matrix_coefficients(image),
    fullRange: codec._de265_get_image_full_range_flag(image) !== 0,
  };
}

/**
 * Decodes one coded picture with a decoder of its own (a tile is a complete IDR picture with the
 * item's parameter sets), returning its planes outside WASM memory.
 */
function decodeTile(
  codec: HevcDecoderInstance,
  file: Uint8Array,
  item: HeifCodedItem,
  buffers: PlaneBuffers,
): TilePlanes {
  const { nals: parameterSets, lengthSize } = configNals(item.config);
  const nals = [...parameterSets, ...dataNals(itemData(file, item), lengthSize)];
  const decoder = codec._de265_new_decoder();
  if (!decoder) throw new Error('libde265 could not create a decoder');
  const scratch = codec._malloc(8);
  try {
    for (const nal of nals) {
      const pointer = codec._malloc(nal.length);
      codec.HEAPU8.set(nal, pointer);
      // libde265 copies the unit, so its buffer is freed at once.
      const pushed = codec._de265_push_NAL(decoder, pointer, nal.length, 0, 0, 0);
      codec._free(pointer);
      if (pushed !== DE265_OK) throw new UndecodableImageError('corrupt', `libde265 refused a NAL unit (${pushed})`);
    }
    codec._de265_flush_data(decoder);
    let planes: TilePlanes | null = null;
    for (let more = 1; more !== 0 && !planes;) {
      new Int32Array(codec.HEAPU8.buffer, scratch, 1)[0] = 0;
      const error = codec._de265_decode(decoder, scratch);
      more = new Int32Array(codec.HEAPU8.buffer, scratch, 1)[0] ?? 0;
      if (error !== DE265_OK && error !== DE265_ERROR_WAITING_FOR_INPUT_DATA && error < DE265_FIRST_WARNING)
        throw new UndecodableImageError('corrupt', `The HEVC data cannot be decoded (libde265 error ${error})`);
      const image = codec._de265_get_next_picture(decoder);
      if (image) {
        planes = copyPlanes(codec, image, scratch, buffers);
        codec._de265_release_next_picture(decoder);
      }
      if (error === DE265_ERROR_WAITING_FOR_INPUT_DATA) break;
    }
    if (!planes) throw new UndecodableImageError('corrupt', 'The HEVC data holds no picture');
    if (planes.width < item.width || planes.height < item.height)
      throw new UndecodableImageError('corrupt', 'An HEVC picture is smaller than its item says');
    return planes;
  } finally {
    codec._free(scratch);
    codec._de265_free_decoder(decoder);
  }
}

/** Luma and chroma weights (Kr, Kb) of the matrix coefficients of H.273; BT.601 when unknown. */
function lumaWeights(matrixCoefficients: number): [number, number] | null {
  if (matrixCoefficients === 0) return null; // identity: the planes are G, B, R
  if (matrixCoefficients === 1) return [0.2126, 0.0722];
  if (matrixCoefficients === 9 || matrixCoefficients === 10) return [0.2627, 0.0593];
  return [0.299, 0.114];
}

/** How YCbCr becomes RGB: from the container's `nclx` if it has one, else the bitstream's VUI. */
interface Conversion {
  weights: [number, number] | null;
  fullRange: boolean;
}

function conversionFor(heif: HeifImage, planes: TilePlanes): Conversion {
  // libde265 reports 2 ("unspecified") when the stream carries no colour description.
  const fromStream = planes.matrixCoefficients !== 2;
  const matrix = heif.nclx?.matrixCoefficients ?? (fromStream ? planes.matrixCoefficients : 6);
  const fullRange = heif.nclx ? heif.nclx.fullRange : fromStream ? planes.fullRange : true;
  return { weights: lumaWeights(matrix), fullRange };
}

/**
 * Converts the visible part of a tile (`width` × `height` from its top left) into `strip`, whose
 * rows are `stripWidth` pixels, at column `left` (clamped and rounded by the array). Chroma is repeated, not interpolated, as for
 * JPEG; 10- and 12-bit samples are scaled to 8.
 */
function convertTile(
  planes: TilePlanes,
  conversion: Conversion,
  strip: Uint8ClampedArray,
  stripWidth: number,
  left: number,
  width: number,
  height: number,
): void {
  const max = (1 << planes.bitDepth) - 1;
  const [yPlane, cbPlane, crPlane] = planes.planes;
  if (!yPlane) return;
  const xShift = planes.chroma === CHROMA_444 ? 0 : 1;
  const yShift = planes.chroma === 1 ? 1 : 0;
  const lumaOffset = conversion.fullRange ? 0 : 16 << (planes.bitDepth - 8);
  const lumaScale = 255 / (conversion.fullRange ? max : 219 << (planes.bitDepth - 8));
  const chromaScale = 255 / (conversion.fullRange ? max : 224 << (planes.bitDepth - 8));
  const half = 1 << (planes.bitDepth - 1);
  const [kr, kb] = conversion.weights ?? [0, 0];
  const kg = 1 - kr - kb;
  const crToR = 2 * (1 - kr);
  const cbToB = 2 * (1 - kb);
  const cbToG = (2 * kb * (1 - kb)) / kg;
  const crToG = (2 * kr * (1 - kr)) / kg;
  for (let y = 0; y < height; y++) {
    let out = (y * stripWidth + left) * 4;
    const lumaRow = y * yPlane.width;
    const chromaRow = (y >> yShift) * (cbPlane?.width ?? 0);
    for (let x = 0; x < width; x++, out += 4) {
      const luma = ((yPlane.data[lumaRow + x] ?? 0) - lumaOffset) * lumaScale;
      if (!cbPlane || !crPlane) {
        strip[out] = strip[out + 1] = strip[out + 2] = luma;
      } else if (!conversion.weights) {
        strip[out] = (crPlane.data[chromaRow + (x >> xShift)] ?? 0) * (255 / max);
        strip[out + 1] = (yPlane.data[lumaRow + x] ?? 0) * (255 / max);
        strip[out + 2] = (cbPlane.data[chromaRow + (x >> xShift)] ?? 0) * (255 / max);
      } else {
        const cb = ((cbPlane.data[chromaRow + (x >> xShift)] ?? half) - half) * chromaScale;
        const cr = ((crPlane.data[chromaRow + (x >> xShift)] ?? half) - half) * chromaScale;
        strip[out] = luma + crToR * cr;
        strip[out + 1] = luma - cbToG * cb - crToG * cr;
        strip[out + 2] = luma + cbToB * cb;
      }
      strip[out + 3] = 255;
    }
  }
}

/** libde265 aborting on hostile data traps the WASM instance: that is damaged data, not a bug here. */
function withTrapsAsCorrupt<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError)
      throw new UndecodableImageError('corrupt', 'The HEVC data cannot be decoded', { cause: error });
    throw error;
  }
}

/**
 * Decodes a HEVC HEIF picture in stored orientation into `sink`, one row of tiles at a time.
 * Alpha planes (auxiliary images) are not read: the variants are opaque JPEGs.
 */
export async function decodeHevcHeif(file: Uint8Array, heif: HeifImage, sink: RowSink): Promise<void> {
  const columns = heif.grid?.columns ?? 1;
  const rows = heif.grid?.rows ?? 1;
  const tileWidth = heif.grid?.tileWidth ?? heif.width;
  const tileHeight = heif.grid?.tileHeight ?? heif.height;
  await withHevcDecoder(({ codec }) => {
    const strip = new Uint8ClampedArray(heif.width * Math.min(tileHeight, heif.height) * 4);
    const rowsOut = new Uint8Array(strip.buffer);
    const buffers = new PlaneBuffers();
    for (let row = 0; row < rows; row++) {
      const top = row * tileHeight;
      const stripHeight = Math.min(tileHeight, heif.height - top);
      for (let column = 0; column < columns; column++) {
        const tile = heif.tiles[row * columns + column];
        if (!tile) throw new UndecodableImageError('corrupt', 'A grid tile is missing');
        const planes = withTrapsAsCorrupt(() => decodeTile(codec, file, tile, buffers));
        const left = column * tileWidth;
        convertTile(
          planes,
          conversionFor(heif, planes),
          strip,
          heif.width,
          left,
          Math.min(tileWidth, heif.width - left),
          stripHeight,
        );
      }
      sink.accept(rowsOut, top, stripHeight);
    }
  });
}
