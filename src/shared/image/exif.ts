/**
 * Reads the few EXIF fields the platform displays or needs (orientation, camera, lens, exposure)
 * from JPEG APP1, PNG eXIf and WebP EXIF blocks and HEIF (HEIC, AVIF) Exif items.
 *
 * Privacy by construction: only IFD0 and the Exif sub-IFD are visited and only the tags below are
 * looked at, so GPS, serial numbers, owner names, timestamps and maker notes are never even read.
 * Every offset is bounds-checked and each directory is read once, so malformed or hostile data
 * yields whatever could be read, never an exception or a loop.
 */
import { heifExifTiff, readHeif } from './heif';
import { isJpegStart, MARKER, readSegmentAt } from './jpeg-segments';

export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

export interface CameraExif {
  /** 1 (upright) when absent or out of range. */
  orientation: Orientation;
  make: string | null;
  model: string | null;
  lensModel: string | null;
  fNumber: number | null;
  /** As photographers write it: "1/250" below a quarter second, else decimal seconds ("0.5", "2"). */
  exposureTime: string | null;
  exposureSeconds: number | null;
  iso: number | null;
  /** Millimetres, as recorded (not 35 mm equivalent). */
  focalLength: number | null;
}

const TAG = {
  make: 0x010f,
  model: 0x0110,
  orientation: 0x0112,
  exifIfdPointer: 0x8769,
  exposureTime: 0x829a,
  fNumber: 0x829d,
  iso: 0x8827,
  focalLength: 0x920a,
  lensModel: 0xa434,
} as const;

const WANTED_TAGS: ReadonlySet<number> = new Set(Object.values(TAG));

const TYPE = {
  byte: 1,
  ascii: 2,
  short: 3,
  long: 4,
  rational: 5,
  undefined: 7,
  srational: 10,
  ifd: 13,
} as const;

/** Text is meant to be ASCII, but some writers store names as plain bytes. */
const TEXT_TYPES: ReadonlySet<number> = new Set([TYPE.ascii, TYPE.undefined, TYPE.byte]);

/** Bytes per value for each TIFF field type; unknown types are ignored. */
const TYPE_SIZES: Readonly<Record<number, number>> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
};

/** Long enough for any real make, model or lens name; caps what hostile data can make us decode. */
const MAX_TEXT_BYTES = 128;

interface Tiff {
  view: DataView;
  littleEndian: boolean;
}

interface IfdEntry {
  type: number;
  count: number;
  /** Where the value lives, relative to the TIFF header: inline in the entry or at its offset. */
  valueOffset: number;
}

type IfdEntries = ReadonlyMap<number, IfdEntry>;

function fits(tiff: Tiff, offset: number, length: number): boolean {
  return offset >= 0 && length >= 0 && offset + length <= tiff.view.byteLength;
}

function uint16(tiff: Tiff, offset: number): number | null {
  return fits(tiff, offset, 2) ? tiff.view.getUint16(offset, tiff.littleEndian) : null;
}

function uint32(tiff: Tiff, offset: number): number | null {
  return fits(tiff, offset, 4) ? tiff.view.getUint32(offset, tiff.littleEndian) : null;
}

function int32(tiff: Tiff, offset: number): number | null {
  return fits(tiff, offset, 4) ? tiff.view.getInt32(offset, tiff.littleEndian) : null;
}

function openTiff(bytes: Uint8Array): Tiff | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.byteLength < 8) return null;
  const order = view.getUint16(0, false);
  const littleEndian = order === 0x4949; // "II"; "MM" (0x4d4d) is big-endian
  if (!littleEndian && order !== 0x4d4d) return null;
  const tiff = { view, littleEndian };
  return uint16(tiff, 2) === 42 ? tiff : null;
}

/** Reads the wanted entries of one directory; entries past the end of the data are skipped. */
function readIfd(tiff: Tiff, ifdOffset: number): IfdEntries {
  const entries = new Map<number, IfdEntry>();
  const count = uint16(tiff, ifdOffset) ?? 0;
  for (let i = 0; i < count; i++) {
    const entryOffset = ifdOffset + 2 + i * 12;
    if (!fits(tiff, entryOffset, 12)) break;
    const tag = tiff.view.getUint16(entryOffset, tiff.littleEndian);
    const type = tiff.view.getUint16(entryOffset + 2, tiff.littleEndian);
    const valueCount = tiff.view.getUint32(entryOffset + 4, tiff.littleEndian);
    const typeSize = TYPE_SIZES[type];
    if (!WANTED_TAGS.has(tag) || entries.has(tag) || typeSize === undefined) continue;
    const inline = typeSize * valueCount <= 4;
    const valueOffset = inline ? entryOffset + 8 : tiff.view.getUint32(entryOffset + 8, tiff.littleEndian);
    entries.set(tag, { type, count: valueCount, valueOffset });
  }
  return entries;
}

const utf8 = new TextDecoder();

function cleanText(text: string): string | null {
  // Writers pad with NULs and spaces; control characters have no place in a display string.
  const cleaned = text
    // eslint-disable-next-line no-control-regex -- control characters are exactly what EXIF strings must lose
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned === '' ? null : cleaned;
}

function readText(tiff: Tiff, entry: IfdEntry | undefined): string | null {
  if (!entry || !TEXT_TYPES.has(entry.type)) return null;
  const length = Math.min(entry.count, MAX_TEXT_BYTES);
  if (!fits(tiff, entry.valueOffset, length)) return null;
  const raw = new Uint8Array(tiff.view.buffer, tiff.view.byteOffset + entry.valueOffset, length);
  const nul = raw.indexOf(0);
  return cleanText(utf8.decode(nul < 0 ? raw : raw.subarray(0, nul)));
}

function readUnsigned(tiff: Tiff, entry: IfdEntry | undefined): number | null {
  if (!entry || entry.count < 1) return null;
  if (entry.type === TYPE.short) return uint16(tiff, entry.valueOffset);
  if (entry.type === TYPE.long) return uint32(tiff, entry.valueOffset);
  return null;
}

/** A positive, finite rational, or null (zero denominators and negative values are unusable here). */
function readPositiveRational(tiff: Tiff, entry: IfdEntry | undefined): number | null {
  if (!entry || entry.count < 1) return null;
  const signed = entry.type === TYPE.srational;
  if (!signed && entry.type !== TYPE.rational) return null;
  const read = signed ? int32 : uint32;
  const numerator = read(tiff, entry.valueOffset);
  const denominator = read(tiff, entry.valueOffset + 4);
  if (numerator === null || denominator === null || denominator === 0) return null;
  const value = numerator / denominator;
  return value > 0 ? value : null;
}

function isOrientation(value: number | null): value is Orientation {
  return value !== null && Number.isInteger(value) && value >= 1 && value <= 8;
}

/** The usual photographic notation, as exiftool prints it. */
function formatExposureTime(seconds: number): string {
  if (seconds < 0.25001) return `1/${Math.round(1 / seconds)}`;
  return String(Number(seconds.toFixed(1)));
}

function emptyExif(): CameraExif {
  return {
    orientation: 1,
    make: null,
    model: null,
    lensModel: null,
    fNumber: null,
    exposureTime: null,
    exposureSeconds: null,
    iso: null,
    focalLength: null,
  };
}

function exifIfdOffset(tiff: Tiff, ifd0: IfdEntries): number | null {
  const pointer = ifd0.get(TAG.exifIfdPointer);
  if (!pointer || (pointer.type !== TYPE.long && pointer.type !== TYPE.ifd)) return null;
  return uint32(tiff, pointer.valueOffset);
}

/**
 * Parses a TIFF-structured EXIF block (what follows "Exif\0\0" in a JPEG APP1 segment). IFD0 holds
 * make, model and orientation, the Exif sub-IFD the exposure fields; a tag found in neither stays
 * at its default. Only those two directories are read, once each, so no offset can cause a loop.
 */
export function parseExifTiff(bytes: Uint8Array): CameraExif {
  const exif = emptyExif();
  const tiff = openTiff(bytes);
  if (!tiff) return exif;
  const ifd0Offset = uint32(tiff, 4);
  if (ifd0Offset === null) return exif;
  const ifd0 = readIfd(tiff, ifd0Offset);
  const subOffset = exifIfdOffset(tiff, ifd0);
  const sub = subOffset === null ? new Map<number, IfdEntry>() : readIfd(tiff, subOffset);
  const find = (tag: number): IfdEntry | undefined => ifd0.get(tag) ?? sub.get(tag);

  const orientation = readUnsigned(tiff, find(TAG.orientation));
  if (isOrientation(orientation)) exif.orientation = orientation;
  exif.make = readText(tiff, find(TAG.make));
  exif.model = readText(tiff, find(TAG.model));
  exif.lensModel = readText(tiff, find(TAG.lensModel));
  exif.fNumber = readPositiveRational(tiff, find(TAG.fNumber));
  exif.exposureSeconds = readPositiveRational(tiff, find(TAG.exposureTime));
  exif.exposureTime = exif.exposureSeconds === null ? null : formatExposureTime(exif.exposureSeconds);
  const iso = readUnsigned(tiff, find(TAG.iso));
  exif.iso = iso !== null && iso > 0 ? iso : null;
  exif.focalLength = readPositiveRational(tiff, find(TAG.focalLength));
  return exif;
}

function startsWithAscii(bytes: Uint8Array, offset: number, text: string): boolean {
  if (offset + text.length > bytes.length) return false;
  for (let i = 0; i < text.length; i++) {
    if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  }
  return true;
}

/** "Exif\0" plus a pad byte that is NUL in the standard but 0xFF from some writers. */
const EXIF_HEADER = 'Exif\0';
const EXIF_HEADER_LENGTH = 6;

function withoutExifHeader(block: Uint8Array): Uint8Array {
  return startsWithAscii(block, 0, EXIF_HEADER) ? block.subarray(EXIF_HEADER_LENGTH) : block;
}

function readUint32BE(bytes: Uint8Array, offset: number): number {
  return (
    (((bytes[offset] ?? 0) << 24) |
      ((bytes[offset + 1] ?? 0) << 16) |
      ((bytes[offset + 2] ?? 0) << 8) |
      (bytes[offset + 3] ?? 0)) >>>
    0
  );
}

function readUint32LE(bytes: Uint8Array, offset: number): number {
  return (
    (((bytes[offset + 3] ?? 0) << 24) |
      ((bytes[offset + 2] ?? 0) << 16) |
      ((bytes[offset + 1] ?? 0) << 8) |
      (bytes[offset] ?? 0)) >>>
    0
  );
}

/** A truncated block is still returned (clipped), so that whatever arrived can be read. */
function clippedBlock(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return bytes.subarray(start, Math.min(end, bytes.length));
}

function findJpegExif(bytes: Uint8Array): Uint8Array | null {
  for (let pos = 2; ;) {
    const read = readSegmentAt(bytes, pos);
    if (!read.ok) return null;
    const { marker, payloadStart, end } = read.segment;
    if (marker === MARKER.SOS || marker === MARKER.EOI) return null;
    if (marker === MARKER.APP1 && startsWithAscii(bytes, payloadStart, EXIF_HEADER)) {
      return clippedBlock(bytes, payloadStart + EXIF_HEADER_LENGTH, end);
    }
    pos = end;
  }
}

const PNG_SIGNATURE_LENGTH = 8;

function findPngExif(bytes: Uint8Array): Uint8Array | null {
  // Chunks: 4-byte big-endian data length, 4-byte type, data, 4-byte CRC.
  for (let pos = PNG_SIGNATURE_LENGTH; pos + 8 <= bytes.length;) {
    const dataStart = pos + 8;
    const dataEnd = dataStart + readUint32BE(bytes, pos);
    if (startsWithAscii(bytes, pos + 4, 'eXIf')) return withoutExifHeader(clippedBlock(bytes, dataStart, dataEnd));
    if (startsWithAscii(bytes, pos + 4, 'IEND')) return null;
    pos = dataEnd + 4;
  }
  return null;
}

const RIFF_HEADER_LENGTH = 12;

function findWebpExif(bytes: Uint8Array): Uint8Array | null {
  // Chunks: FourCC, 4-byte little-endian size, data padded to an even length.
  for (let pos = RIFF_HEADER_LENGTH; pos + 8 <= bytes.length;) {
    const dataStart = pos + 8;
    const size = readUint32LE(bytes, pos + 4);
    if (startsWithAscii(bytes, pos, 'EXIF')) return withoutExifHeader(clippedBlock(bytes, dataStart, dataStart + size));
    pos = dataStart + size + (size % 2);
  }
  return null;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

function findHeifExif(bytes: Uint8Array): Uint8Array | null {
  const read = readHeif(bytes);
  return read.ok && read.image.exif ? heifExifTiff(bytes, read.image.exif) : null;
}

function findExifBlock(bytes: Uint8Array): Uint8Array | null {
  if (isJpegStart(bytes)) return findJpegExif(bytes);
  if (PNG_SIGNATURE.every((value, i) => bytes[i] === value)) return findPngExif(bytes);
  if (startsWithAscii(bytes, 0, 'RIFF') && startsWithAscii(bytes, 8, 'WEBP')) return findWebpExif(bytes);
  if (startsWithAscii(bytes, 4, 'ftyp')) return findHeifExif(bytes);
  return null;
}

/**
 * EXIF fields of a JPEG, PNG, WebP, HEIC or AVIF file; defaults (orientation 1, nulls) when there
 * is none. A HEIF's EXIF orientation is informative only: its `irot`/`imir` turn the picture.
 */
export function readExif(bytes: Uint8Array): CameraExif {
  const block = findExifBlock(bytes);
  return block ? parseExifTiff(block) : emptyExif();
}

/** The displayed size: orientations 5–8 turn the picture a quarter, swapping width and height. */
export function orientedSize(
  width: number,
  height: number,
  orientation: Orientation,
): { width: number; height: number } {
  return orientation >= 5 ? { width: height, height: width } : { width, height };
}

/** Trailing words that name the company rather than the brand, e.g. "OLYMPUS IMAGING CORP.". */
const CORPORATE_WORDS = new Set([
  'corporation',
  'corp',
  'co',
  'ltd',
  'inc',
  'company',
  'imaging',
  'optical',
  'limited',
  'gmbh',
]);

function brandOf(make: string): string {
  const words = make.split(/[\s,]+/).filter((word) => word !== '');
  while (words.length > 1 && CORPORATE_WORDS.has((words.at(-1) ?? '').replace(/\./g, '').toLowerCase())) {
    words.pop();
  }
  return words.join(' ');
}

function lowerCaseWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[\s,.]+/)
    .filter((word) => word !== '');
}

/**
 * A display name for the camera. Most makers repeat the brand in the model ("Canon" + "Canon EOS
 * 40D", "NIKON CORPORATION" + "NIKON D70"), in which case the model alone reads best; otherwise
 * the brand is prefixed ("FUJIFILM" + "DX-10" → "FUJIFILM DX-10"), without corporate suffixes.
 */
export function cameraName(make: string | null | undefined, model: string | null | undefined): string | null {
  const cleanMake = make ? cleanText(make) : null;
  const cleanModel = model ? cleanText(model) : null;
  if (!cleanModel) return cleanMake ? brandOf(cleanMake) : null;
  if (!cleanMake) return cleanModel;
  const modelFirstWord = lowerCaseWords(cleanModel)[0];
  const modelRepeatsBrand = modelFirstWord !== undefined && lowerCaseWords(cleanMake).includes(modelFirstWord);
  return modelRepeatsBrand ? cleanModel : `${brandOf(cleanMake)} ${cleanModel}`;
}
