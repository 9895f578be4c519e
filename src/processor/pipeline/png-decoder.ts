/**
 * A PNG decoder in TypeScript that streams rows.
 *
 * Why not @jsquash/png: its wasm-bindgen glue keeps a single instance per isolate that cannot be
 * replaced, so its linear memory would keep the high-water mark of the largest PNG ever decoded
 * (input + 4 bytes per pixel, e.g. 73 MB after one 12 MP PNG) for the isolate's whole life, and it
 * returns a second copy of the pixels on the JavaScript side. Here rows are inflated (inflate.ts)
 * and unfiltered as they stream out to a sink, and nothing grows with the image but the sink.
 *
 * Supports every standard colour type and bit depth, tRNS transparency and Adam7 interlacing
 * (streamed too, in seven inflaters' windows: see passReaders). 16-bit samples keep their high byte. Ancillary chunks (gamma, ICC, text, EXIF) are ignored.
 */
import { UndecodableImageError } from './errors';
import { Inflater, MAX_PIECE } from './inflate';
import type { RowSink } from './pixels';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const COLOR = { gray: 0, rgb: 2, palette: 3, grayAlpha: 4, rgba: 6 } as const;

const SAMPLES_PER_PIXEL: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

const ALLOWED_DEPTHS: Readonly<Record<number, readonly number[]>> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

interface Header {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlaced: boolean;
}

interface PngParts {
  header: Header;
  /** RGBA per palette index; absent entries are opaque black. */
  palette: Uint8Array | null;
  /** For gray and RGB images: the one sample value (per channel) that is fully transparent. */
  transparentKey: number[] | null;
  compressed: Uint8Array[];
}

/** One Adam7 pass (or the whole image when not interlaced): which pixels its rows carry. */
interface Pass {
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  width: number;
  height: number;
}

function corrupt(message: string): UndecodableImageError {
  return new UndecodableImageError('corrupt', `The PNG is damaged: ${message}`);
}

function truncated(): UndecodableImageError {
  return new UndecodableImageError('truncated', 'The PNG file ends before its image data does');
}

function uint32(bytes: Uint8Array, at: number): number {
  return (
    (((bytes[at] ?? 0) << 24) | ((bytes[at + 1] ?? 0) << 16) | ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0)) >>> 0
  );
}

function chunkType(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);
}

function readHeader(data: Uint8Array): Header {
  const header = {
    width: uint32(data, 0),
    height: uint32(data, 4),
    bitDepth: data[8] ?? 0,
    colorType: data[9] ?? 0,
    interlaced: data[12] === 1,
  };
  const depths = ALLOWED_DEPTHS[header.colorType];
  if (data.length < 13 || header.width === 0 || header.height === 0) throw corrupt('bad IHDR');
  if (!depths?.includes(header.bitDepth))
    throw corrupt(`colour type ${header.colorType} with bit depth ${header.bitDepth}`);
  if (data[10] !== 0 || data[11] !== 0 || (data[12] ?? 0) > 1)
    throw corrupt('unknown compression, filter or interlace method');
  return header;
}

function readPalette(plte: Uint8Array, trns: Uint8Array | null): Uint8Array {
  const palette = new Uint8Array(256 * 4);
  for (let i = 0; i < 256; i++) palette[i * 4 + 3] = 255;
  for (let i = 0; i * 3 + 2 < plte.length && i < 256; i++) {
    palette.set(plte.subarray(i * 3, i * 3 + 3), i * 4);
    if (trns && i < trns.length) palette[i * 4 + 3] = trns[i] ?? 255;
  }
  return palette;
}

function readTransparentKey(trns: Uint8Array, colorType: number): number[] | null {
  const channels = colorType === COLOR.gray ? 1 : colorType === COLOR.rgb ? 3 : 0;
  if (channels === 0 || trns.length < channels * 2) return null;
  return Array.from({ length: channels }, (_, i) => ((trns[i * 2] ?? 0) << 8) | (trns[i * 2 + 1] ?? 0));
}

/** Splits the file into the chunks decoding needs; checks order only as far as decoding depends on it. */
function readChunks(bytes: Uint8Array): PngParts {
  if (!SIGNATURE.every((value, i) => bytes[i] === value)) throw corrupt('not a PNG signature');
  let header: Header | null = null;
  let plte: Uint8Array | null = null;
  let trns: Uint8Array | null = null;
  const compressed: Uint8Array[] = [];
  let at = 8;
  for (;;) {
    if (at + 8 > bytes.length) throw truncated();
    const length = uint32(bytes, at);
    const type = chunkType(bytes, at + 4);
    const dataStart = at + 8;
    if (dataStart + length + 4 > bytes.length) throw truncated();
    const data = bytes.subarray(dataStart, dataStart + length);
    if (type === 'IHDR') header = readHeader(data);
    else if (type === 'PLTE') plte = data;
    else if (type === 'tRNS') trns = data;
    else if (type === 'IDAT') compressed.push(data);
    else if (type === 'IEND') break;
    at = dataStart + length + 4;
  }
  if (!header) throw corrupt('no IHDR');
  if (compressed.length === 0) throw corrupt('no image data');
  if (header.colorType === COLOR.palette && !plte) throw corrupt('palette image without PLTE');
  return {
    header,
    palette: header.colorType === COLOR.palette && plte ? readPalette(plte, trns) : null,
    transparentKey: trns ? readTransparentKey(trns, header.colorType) : null,
    compressed,
  };
}

const ADAM7: readonly [number, number, number, number][] = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

function passesOf(header: Header): Pass[] {
  const { width, height } = header;
  if (!header.interlaced) return [{ x0: 0, y0: 0, dx: 1, dy: 1, width, height }];
  return ADAM7.map(([x0, y0, dx, dy]) => ({
    x0,
    y0,
    dx,
    dy,
    width: Math.max(0, Math.ceil((width - x0) / dx)),
    height: Math.max(0, Math.ceil((height - y0) / dy)),
  })).filter((pass) => pass.width > 0 && pass.height > 0);
}

function paeth(left: number, up: number, upLeft: number): number {
  const p = left + up - upLeft;
  const pa = Math.abs(p - left);
  const pb = Math.abs(p - up);
  const pc = Math.abs(p - upLeft);
  if (pa <= pb && pa <= pc) return left;
  return pb <= pc ? up : upLeft;
}

/** Reverses the row filter in place; `previous` is the pass's previous unfiltered row (zeros at the top). */
function unfilter(filter: number, row: Uint8Array, previous: Uint8Array, bytesPerPixel: number): void {
  const length = row.length;
  switch (filter) {
    case 0:
      return;
    case 1:
      for (let i = bytesPerPixel; i < length; i++) row[i] = (row[i]! + row[i - bytesPerPixel]!) & 0xff;
      return;
    case 2:
      for (let i = 0; i < length; i++) row[i] = (row[i]! + previous[i]!) & 0xff;
      return;
    case 3:
      for (let i = 0; i < length; i++) {
        const left = i >= bytesPerPixel ? row[i - bytesPerPixel]! : 0;
        row[i] = (row[i]! + ((left + previous[i]!) >> 1)) & 0xff;
      }
      return;
    case 4:
      for (let i = 0; i < length; i++) {
        const left = i >= bytesPerPixel ? row[i - bytesPerPixel]! : 0;
        const upLeft = i >= bytesPerPixel ? previous[i - bytesPerPixel]! : 0;
        row[i] = (row[i]! + paeth(left, previous[i]!, upLeft)) & 0xff;
      }
      return;
    default:
      throw corrupt(`unknown row filter ${filter}`);
  }
}

/** Reads sample `index` of a row of `bitDepth`-bit samples, unscaled. */
function rawSampleReader(bitDepth: number): (row: Uint8Array, index: number) => number {
  if (bitDepth === 8) return (row, index) => row[index]!;
  if (bitDepth === 16) return (row, index) => (row[index * 2]! << 8) | row[index * 2 + 1]!;
  const perByte = 8 / bitDepth;
  const mask = (1 << bitDepth) - 1;
  return (row, index) => (row[Math.floor(index / perByte)]! >> (8 - bitDepth * ((index % perByte) + 1))) & mask;
}

/** Scales a raw sample to 0–255; 16-bit samples keep their high byte. */
function toByteScaler(bitDepth: number): (sample: number) => number {
  if (bitDepth === 8) return (sample) => sample;
  if (bitDepth === 16) return (sample) => sample >> 8;
  const scale = 255 / ((1 << bitDepth) - 1);
  return (sample) => sample * scale;
}

/** Converts one unfiltered scanline of `pass` into RGBA pixels of row `targetRow` of `target` (`width` wide). */
type RowWriter = (row: Uint8Array, pass: Pass, target: Uint8Array, targetRow: number) => void;

/** The common case, 8-bit RGB or RGBA without a transparent key, without per-sample calls. */
function rgb8Writer(width: number, channels: 3 | 4): RowWriter {
  return (row, pass, data, targetRow) => {
    let o = (targetRow * width + pass.x0) * 4;
    const step = pass.dx * 4;
    for (let s = 0; s < pass.width * channels; s += channels, o += step) {
      data[o] = row[s]!;
      data[o + 1] = row[s + 1]!;
      data[o + 2] = row[s + 2]!;
      data[o + 3] = channels === 4 ? row[s + 3]! : 255;
    }
  };
}

/** Any colour type and depth, one sample at a time. */
function genericWriter(parts: PngParts, width: number): RowWriter {
  const { bitDepth, colorType } = parts.header;
  const raw = rawSampleReader(bitDepth);
  const toByte = toByteScaler(bitDepth);
  const channels = SAMPLES_PER_PIXEL[colorType]!;
  const gray = colorType === COLOR.gray || colorType === COLOR.grayAlpha;
  const hasAlpha = colorType === COLOR.grayAlpha || colorType === COLOR.rgba;
  const key = parts.transparentKey;
  const isKey = (row: Uint8Array, s: number): boolean =>
    key !== null &&
    (gray
      ? raw(row, s) === key[0]
      : raw(row, s) === key[0] && raw(row, s + 1) === key[1] && raw(row, s + 2) === key[2]);
  return (row, pass, data, targetRow) => {
    for (let px = 0; px < pass.width; px++) {
      const o = (targetRow * width + pass.x0 + px * pass.dx) * 4;
      const s = px * channels;
      if (colorType === COLOR.palette) {
        const entry = raw(row, s) * 4;
        data.set(parts.palette!.subarray(entry, entry + 4), o);
        continue;
      }
      const first = toByte(raw(row, s));
      data[o] = first;
      data[o + 1] = gray ? first : toByte(raw(row, s + 1));
      data[o + 2] = gray ? first : toByte(raw(row, s + 2));
      data[o + 3] = hasAlpha ? toByte(raw(row, s + channels - 1)) : isKey(row, s) ? 0 : 255;
    }
  };
}

function rowWriter(parts: PngParts): RowWriter {
  const { bitDepth, colorType, width } = parts.header;
  if (bitDepth === 8 && colorType === COLOR.rgba) return rgb8Writer(width, 4);
  if (bitDepth === 8 && colorType === COLOR.rgb && !parts.transparentKey) return rgb8Writer(width, 3);
  return genericWriter(parts, width);
}

/** Bytes of one unfiltered scanline of `pass`, without its filter type byte. */
function rowBytesOf(header: Header, pass: Pass): number {
  return Math.ceil((pass.width * SAMPLES_PER_PIXEL[header.colorType]! * header.bitDepth) / 8);
}

/**
 * Hands out the scanlines of one pass, unfiltered, one per `next()`, pulling the filtered bytes
 * from its own inflater — which it first advances past `skip` bytes, the end of earlier passes.
 */
class PassReader {
  private piece: Uint8Array = new Uint8Array(0);
  private at = 0;
  /** The filter type byte and the scanline being read, then the one before it (zeros at first). */
  private row: Uint8Array;
  private previous: Uint8Array;
  private scanline: Uint8Array;
  private previousScanline: Uint8Array;
  private rowsLeft: number;
  private readonly bytesPerPixel: number;

  constructor(
    header: Header,
    readonly pass: Pass,
    private readonly inflater: Inflater,
    private skip: number,
  ) {
    const bitsPerPixel = SAMPLES_PER_PIXEL[header.colorType]! * header.bitDepth;
    this.bytesPerPixel = Math.max(1, bitsPerPixel >> 3);
    this.row = new Uint8Array(1 + rowBytesOf(header, pass));
    this.previous = new Uint8Array(this.row.length);
    this.scanline = this.row.subarray(1);
    this.previousScanline = this.previous.subarray(1);
    this.rowsLeft = pass.height;
  }

  /** The next scanline, valid until the next call. */
  next(): Uint8Array {
    if (this.rowsLeft-- <= 0) throw new RangeError('no more rows in this pass');
    // The scanline just handed out becomes the one above; the buffer of the one before is reused.
    const row = this.previous;
    const scanline = this.previousScanline;
    this.previous = this.row;
    this.previousScanline = this.scanline;
    this.row = row;
    this.scanline = scanline;
    let filled = 0;
    while (filled < row.length) {
      if (this.at === this.piece.length) this.pull();
      const take = Math.min(row.length - filled, this.piece.length - this.at);
      row.set(this.piece.subarray(this.at, this.at + take), filled);
      filled += take;
      this.at += take;
    }
    unfilter(row[0]!, scanline, this.previousScanline, this.bytesPerPixel);
    return scanline;
  }

  private pull(): void {
    for (;;) {
      const piece = this.inflater.next();
      if (!piece) throw truncated();
      if (this.skip < piece.length) {
        this.piece = piece;
        this.at = this.skip;
        this.skip = 0;
        if (this.at < piece.length) return;
      } else {
        this.skip -= piece.length;
      }
    }
  }
}

/**
 * One reader per pass, each with its own inflater over the same data, placed at its pass's start.
 * Rather than inflate from the start for each pass (7 passes: about 2 × the data), one inflater
 * scans to the start of the last pass and is cloned on the way at each earlier pass's start,
 * give or take a piece: about 1.5 × the data in all.
 */
function passReaders(header: Header, passes: Pass[], compressed: Uint8Array[]): PassReader[] {
  const scanner = new Inflater(compressed);
  let scanned = 0;
  let passStart = 0;
  return passes.map((pass, index) => {
    // Scan on while the next piece is sure to end before the pass starts.
    while (scanned + MAX_PIECE <= passStart) {
      const piece = scanner.next();
      if (!piece) throw truncated();
      scanned += piece.length;
    }
    const inflater = index === passes.length - 1 ? scanner : scanner.clone();
    const reader = new PassReader(header, pass, inflater, passStart - scanned);
    passStart += (1 + rowBytesOf(header, pass)) * pass.height;
    return reader;
  });
}

export interface PngInfo {
  width: number;
  height: number;
  interlaced: boolean;
}

export function readPngInfo(bytes: Uint8Array): PngInfo {
  const { width, height, interlaced } = readChunks(bytes).header;
  return { width, height, interlaced };
}

/**
 * Decodes to RGBA rows with the image's own alpha, streamed to `sink` one row at a time, top to
 * bottom. An interlaced (Adam7) image too: each of its seven passes is read by its own reader
 * (passReaders), and each image row is put together from the passes that have a row there.
 */
export function decodePng(bytes: Uint8Array, sink: RowSink): void {
  const parts = readChunks(bytes);
  const { header } = parts;
  const write = rowWriter(parts);
  const readers = passReaders(header, passesOf(header), parts.compressed);
  const row = new Uint8Array(header.width * 4);
  for (let y = 0; y < header.height; y++) {
    for (const reader of readers) {
      const { pass } = reader;
      if (y >= pass.y0 && (y - pass.y0) % pass.dy === 0) write(reader.next(), pass, row, 0);
    }
    sink.accept(row, y, 1);
  }
}
