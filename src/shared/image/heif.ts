/**
 * The HEIF container (ISO/IEC 23008-12) as HEIC and AVIF files use it: which item is the picture,
 * how large it is, how it is turned, where its coded data, EXIF and colour profile are — read from
 * the `meta` box alone, never decoding anything. Shared by the upload check (dimensions, limits)
 * and the processor (tile-by-tile decoding), so both always read the same file the same way.
 *
 * Reads bytes only by index with bounds checks and never throws: anything malformed is a result.
 */
import type { Orientation } from './exif';

/** A run of bytes of the file. */
export interface ByteRange {
  offset: number;
  length: number;
}

export type HeifCodec = 'hevc' | 'av1';

/** One coded picture: the primary image itself, or a tile of its grid. */
export interface HeifCodedItem {
  itemId: number;
  /** The decoder configuration record (`hvcC` or `av1C` payload). */
  config: Uint8Array;
  /** Its coded data, in order (the extents of its `iloc` entry). */
  data: ByteRange[];
  width: number;
  height: number;
}

export interface HeifGrid {
  rows: number;
  columns: number;
  tileWidth: number;
  tileHeight: number;
}

export interface HeifImage {
  codec: HeifCodec;
  /** As stored, before `irot`/`imir` (the grid's output size for a grid image). */
  width: number;
  height: number;
  /** `irot`/`imir` of the primary item as the EXIF orientation that does the same. */
  orientation: Orientation;
  grid: HeifGrid | null;
  /** Row by row for a grid; the primary item alone otherwise. */
  tiles: HeifCodedItem[];
  exif: ByteRange | null;
  /** An ICC profile from a `colr` box of type `prof` or `rICC`. */
  icc: Uint8Array | null;
  /** `colr` of type `nclx`: how the decoder's YCbCr becomes RGB. */
  nclx: { matrixCoefficients: number; fullRange: boolean } | null;
}

export type HeifRead =
  { ok: true; image: HeifImage } | { ok: false; problem: 'truncated' | 'corrupt' | 'unsupported'; detail: string };

interface Box {
  type: string;
  /** Start of the payload (after size, type and any 64-bit size). */
  start: number;
  end: number;
}

class Malformed extends Error {
  constructor(
    readonly problem: 'truncated' | 'corrupt' | 'unsupported',
    detail: string,
  ) {
    super(detail);
  }
}

/** Bounds-checked big-endian reads over one region of the file. */
class Reader {
  constructor(
    private readonly bytes: Uint8Array,
    public pos: number,
    private readonly end: number,
  ) {}

  private need(count: number): void {
    if (this.pos + count > this.end) {
      const problem = this.end >= this.bytes.length && this.pos + count > this.bytes.length ? 'truncated' : 'corrupt';
      throw new Malformed(problem, 'a box ends inside its fields');
    }
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++] ?? 0;
  }

  u16(): number {
    return this.u8() * 0x100 + this.u8();
  }

  u32(): number {
    return this.u16() * 0x10000 + this.u16();
  }

  /** An unsigned field of 0, 4 or 8 bytes (iloc's sizes); 8-byte values beyond 2^53 are corrupt. */
  sized(size: number): number {
    if (size === 0) return 0;
    if (size === 4) return this.u32();
    if (size === 8) {
      const high = this.u32();
      if (high >= 0x200000) throw new Malformed('corrupt', 'a 64-bit offset is out of range');
      return high * 0x100000000 + this.u32();
    }
    throw new Malformed('corrupt', `a field size of ${size} bytes`);
  }

  fourcc(): string {
    let text = '';
    for (let i = 0; i < 4; i++) text += String.fromCharCode(this.u8());
    return text;
  }

  skip(count: number): void {
    this.need(count);
    this.pos += count;
  }

  bytesTo(end: number): Uint8Array {
    if (end < this.pos || end > this.end) throw new Malformed('corrupt', 'a box is shorter than its data');
    return this.bytes.subarray(this.pos, end);
  }
}

const MAX_BOXES = 100_000;

function childBoxes(bytes: Uint8Array, start: number, end: number): Box[] {
  const boxes: Box[] = [];
  for (let pos = start; pos < end;) {
    if (boxes.length >= MAX_BOXES) throw new Malformed('corrupt', 'too many boxes');
    const reader = new Reader(bytes, pos, end);
    let size = reader.u32();
    const type = reader.fourcc();
    if (size === 1) size = reader.sized(8);
    else if (size === 0) size = end - pos;
    const payload = reader.pos;
    if (size < payload - pos) throw new Malformed('corrupt', `box ${type} is smaller than its header`);
    if (pos + size > end) {
      throw new Malformed(end >= bytes.length ? 'truncated' : 'corrupt', `box ${type} runs past its container`);
    }
    boxes.push({ type, start: payload, end: pos + size });
    pos += size;
  }
  return boxes;
}

function only(boxes: Box[], type: string): Box | null {
  const found = boxes.filter((box) => box.type === type);
  if (found.length > 1) throw new Malformed('corrupt', `more than one ${type} box`);
  return found[0] ?? null;
}

function required(boxes: Box[], type: string): Box {
  const box = only(boxes, type);
  if (!box) throw new Malformed('corrupt', `no ${type} box`);
  return box;
}

/** A full box's version and flags, then a reader for the rest. */
function fullBox(bytes: Uint8Array, box: Box): { version: number; flags: number; reader: Reader } {
  const reader = new Reader(bytes, box.start, box.end);
  const version = reader.u8();
  const flags = reader.u8() * 0x10000 + reader.u16();
  return { version, flags, reader };
}

interface ItemInfo {
  type: string;
  hidden: boolean;
}

function readItemInfos(bytes: Uint8Array, iinf: Box): Map<number, ItemInfo> {
  const { version, reader } = fullBox(bytes, iinf);
  const count = version === 0 ? reader.u16() : reader.u32();
  const items = new Map<number, ItemInfo>();
  const entries = childBoxes(bytes, reader.pos, iinf.end).filter((box) => box.type === 'infe');
  if (entries.length < count) throw new Malformed('corrupt', 'iinf lists more items than it holds');
  for (const entry of entries) {
    const infe = fullBox(bytes, entry);
    // Versions 0 and 1 predate item types; no image file uses them for pictures.
    if (infe.version < 2) continue;
    const id = infe.version === 2 ? infe.reader.u16() : infe.reader.u32();
    infe.reader.u16(); // protection index
    items.set(id, { type: infe.reader.fourcc(), hidden: (infe.flags & 1) === 1 });
  }
  return items;
}

interface Location {
  constructionMethod: number;
  extents: ByteRange[];
}

const MAX_EXTENTS = 4096;

function readLocations(bytes: Uint8Array, iloc: Box): Map<number, Location> {
  const { version, reader } = fullBox(bytes, iloc);
  if (version > 2) throw new Malformed('unsupported', `iloc version ${version}`);
  const sizes = reader.u8();
  const offsetSize = sizes >> 4;
  const lengthSize = sizes & 15;
  const sizes2 = reader.u8();
  const baseOffsetSize = sizes2 >> 4;
  const indexSize = version === 0 ? 0 : sizes2 & 15;
  const count = version < 2 ? reader.u16() : reader.u32();
  const locations = new Map<number, Location>();
  for (let i = 0; i < count; i++) {
    const id = version < 2 ? reader.u16() : reader.u32();
    const constructionMethod = version === 0 ? 0 : reader.u16() & 15;
    const dataReference = reader.u16();
    if (dataReference !== 0) throw new Malformed('unsupported', 'item data in another file');
    const base = reader.sized(baseOffsetSize);
    const extentCount = reader.u16();
    if (extentCount > MAX_EXTENTS) throw new Malformed('corrupt', 'too many extents');
    const extents: ByteRange[] = [];
    for (let e = 0; e < extentCount; e++) {
      reader.sized(indexSize);
      const offset = base + reader.sized(offsetSize);
      extents.push({ offset, length: reader.sized(lengthSize) });
    }
    locations.set(id, { constructionMethod, extents });
  }
  return locations;
}

/** `ipco` children in order (properties are numbered from 1) and each item's associations. */
function readProperties(bytes: Uint8Array, iprp: Box): { properties: Box[]; associations: Map<number, number[]> } {
  const children = childBoxes(bytes, iprp.start, iprp.end);
  const properties = childBoxes(bytes, required(children, 'ipco').start, required(children, 'ipco').end);
  const associations = new Map<number, number[]>();
  for (const ipma of children.filter((box) => box.type === 'ipma')) {
    const { version, flags, reader } = fullBox(bytes, ipma);
    const count = reader.u32();
    for (let i = 0; i < count; i++) {
      const id = version < 1 ? reader.u16() : reader.u32();
      const n = reader.u8();
      const list = associations.get(id) ?? [];
      for (let a = 0; a < n; a++) list.push((flags & 1) === 1 ? reader.u16() & 0x7fff : reader.u8() & 0x7f);
      associations.set(id, list);
    }
  }
  return { properties, associations };
}

/** `dimg` (grid tiles) and `cdsc` (EXIF describing an image) references, from → to. */
function readReferences(bytes: Uint8Array, iref: Box | null): { type: string; from: number; to: number[] }[] {
  if (!iref) return [];
  const { version, reader } = fullBox(bytes, iref);
  const references = [];
  for (const box of childBoxes(bytes, reader.pos, iref.end)) {
    const r = new Reader(bytes, box.start, box.end);
    const id = (): number => (version === 0 ? r.u16() : r.u32());
    const from = id();
    const count = r.u16();
    const to: number[] = [];
    for (let i = 0; i < count; i++) to.push(id());
    references.push({ type: box.type, from, to });
  }
  return references;
}

/** A 2 × 2 integer matrix (x' = a·x + b·y, y' = c·x + d·y, y pointing down) per EXIF orientation. */
const ORIENTATION_MATRICES: Record<Orientation, readonly [number, number, number, number]> = {
  1: [1, 0, 0, 1],
  2: [-1, 0, 0, 1],
  3: [-1, 0, 0, -1],
  4: [1, 0, 0, -1],
  5: [0, 1, 1, 0],
  6: [0, -1, 1, 0],
  7: [0, -1, -1, 0],
  8: [0, 1, -1, 0],
};

function orientationOf(matrix: readonly number[]): Orientation {
  for (const [orientation, candidate] of Object.entries(ORIENTATION_MATRICES)) {
    if (candidate.every((value, i) => value === matrix[i])) return Number(orientation) as Orientation;
  }
  return 1;
}

/** `then` applied after `first`. */
function compose(first: Orientation, then: Orientation): Orientation {
  const [a, b, c, d] = ORIENTATION_MATRICES[first];
  const [e, f, g, h] = ORIENTATION_MATRICES[then];
  return orientationOf([e * a + f * c, e * b + f * d, g * a + h * c, g * b + h * d]);
}

/**
 * `irot` turns anticlockwise by quarters (EXIF 8 each); `imir` mirrors about a vertical axis (0:
 * left–right, EXIF 2) or a horizontal one (1: top–bottom, EXIF 4); in the order they are listed.
 */
function transformsOf(bytes: Uint8Array, boxes: Box[]): Orientation {
  let orientation: Orientation = 1;
  for (const box of boxes) {
    if (box.type === 'irot') {
      const quarters = new Reader(bytes, box.start, box.end).u8() & 3;
      for (let i = 0; i < quarters; i++) orientation = compose(orientation, 8);
    } else if (box.type === 'imir') {
      orientation = compose(orientation, (new Reader(bytes, box.start, box.end).u8() & 1) === 0 ? 2 : 4);
    }
  }
  return orientation;
}

interface Context {
  bytes: Uint8Array;
  items: Map<number, ItemInfo>;
  locations: Map<number, Location>;
  properties: Box[];
  associations: Map<number, number[]>;
  idat: Box | null;
}

function propertiesOf(context: Context, id: number): Box[] {
  return (context.associations.get(id) ?? []).map((index) => {
    const box = context.properties[index - 1];
    if (index !== 0 && !box) throw new Malformed('corrupt', `item ${id} names a property that does not exist`);
    return box ?? { type: 'none', start: 0, end: 0 };
  });
}

/** The item's data as ranges of the file, checked to lie inside it. */
function dataOf(context: Context, id: number): ByteRange[] {
  const location = context.locations.get(id);
  if (!location) throw new Malformed('corrupt', `item ${id} has no location`);
  const { bytes, idat } = context;
  return location.extents.map((extent) => {
    if (location.constructionMethod === 1) {
      if (!idat || extent.offset + extent.length > idat.end - idat.start)
        throw new Malformed('corrupt', `item ${id} lies outside idat`);
      return { offset: idat.start + extent.offset, length: extent.length };
    }
    if (location.constructionMethod !== 0)
      throw new Malformed('unsupported', `construction method ${location.constructionMethod}`);
    // A length of 0 means "to the end of the file".
    const length = extent.length === 0 ? bytes.length - extent.offset : extent.length;
    if (extent.offset + length > bytes.length) throw new Malformed('truncated', `item ${id}'s data is cut off`);
    return { offset: extent.offset, length };
  });
}

function concatenated(bytes: Uint8Array, ranges: ByteRange[]): Uint8Array {
  if (ranges.length === 1 && ranges[0]) return bytes.subarray(ranges[0].offset, ranges[0].offset + ranges[0].length);
  const out = new Uint8Array(ranges.reduce((sum, range) => sum + range.length, 0));
  let at = 0;
  for (const range of ranges) {
    out.set(bytes.subarray(range.offset, range.offset + range.length), at);
    at += range.length;
  }
  return out;
}

const CODEC_OF_ITEM: Record<string, { codec: HeifCodec; config: string }> = {
  hvc1: { codec: 'hevc', config: 'hvcC' },
  av01: { codec: 'av1', config: 'av1C' },
};

function codedItem(context: Context, id: number): HeifCodedItem & { codec: HeifCodec } {
  const type = context.items.get(id)?.type ?? '';
  const kind = CODEC_OF_ITEM[type];
  if (!kind) throw new Malformed('unsupported', `an item of type ${type || 'unknown'}`);
  const properties = propertiesOf(context, id);
  const config = properties.find((box) => box.type === kind.config);
  const ispe = properties.find((box) => box.type === 'ispe');
  if (!config || !ispe) throw new Malformed('corrupt', `item ${id} lacks ${config ? 'ispe' : kind.config}`);
  const size = fullBox(context.bytes, ispe).reader;
  const width = size.u32();
  const height = size.u32();
  if (width < 1 || height < 1) throw new Malformed('corrupt', `item ${id} is ${width}×${height}`);
  return {
    itemId: id,
    codec: kind.codec,
    config: context.bytes.subarray(config.start, config.end),
    data: dataOf(context, id),
    width,
    height,
  };
}

function readGrid(
  context: Context,
  id: number,
  tileIds: number[],
): Omit<HeifImage, 'orientation' | 'exif' | 'icc' | 'nclx'> {
  const data = new Reader(concatenated(context.bytes, dataOf(context, id)), 0, Number.MAX_SAFE_INTEGER);
  data.u8(); // version
  const flags = data.u8();
  const rows = data.u8() + 1;
  const columns = data.u8() + 1;
  const width = (flags & 1) === 1 ? data.u32() : data.u16();
  const height = (flags & 1) === 1 ? data.u32() : data.u16();
  if (tileIds.length !== rows * columns)
    throw new Malformed('corrupt', `a ${columns}×${rows} grid with ${tileIds.length} tiles`);
  const tiles = tileIds.map((tileId) => codedItem(context, tileId));
  const first = tiles[0];
  if (!first) throw new Malformed('corrupt', 'a grid without tiles');
  const uniform = tiles.every((t) => t.codec === first.codec && t.width === first.width && t.height === first.height);
  if (!uniform) throw new Malformed('unsupported', 'grid tiles of different sizes or codecs');
  // The tiles must cover the output, and no whole row or column of them may lie outside it.
  const covers = columns * first.width >= width && rows * first.height >= height;
  const noSpare = (columns - 1) * first.width < width && (rows - 1) * first.height < height;
  if (width < 1 || height < 1 || !covers || !noSpare)
    throw new Malformed('corrupt', `${columns}×${rows} tiles of ${first.width}×${first.height} for ${width}×${height}`);
  return {
    codec: first.codec,
    width,
    height,
    grid: { rows, columns, tileWidth: first.width, tileHeight: first.height },
    tiles,
  };
}

function colourOf(context: Context, properties: Box[]): Pick<HeifImage, 'icc' | 'nclx'> {
  let icc: Uint8Array | null = null;
  let nclx: HeifImage['nclx'] = null;
  for (const box of properties.filter((property) => property.type === 'colr')) {
    const reader = new Reader(context.bytes, box.start, box.end);
    const type = reader.fourcc();
    if (type === 'prof' || type === 'rICC') icc = reader.bytesTo(box.end);
    if (type === 'nclx') {
      reader.u16(); // colour primaries
      reader.u16(); // transfer characteristics
      const matrixCoefficients = reader.u16();
      nclx = { matrixCoefficients, fullRange: (reader.u8() & 0x80) !== 0 };
    }
  }
  return { icc, nclx };
}

function readPrimary(bytes: Uint8Array, meta: Box): HeifImage {
  const boxes = childBoxes(bytes, meta.start + 4, meta.end);
  const handler = new Reader(bytes, required(boxes, 'hdlr').start + 8, meta.end).fourcc();
  if (handler !== 'pict') throw new Malformed('unsupported', `a ${handler} handler`);
  const pitm = fullBox(bytes, required(boxes, 'pitm'));
  const primary = pitm.version === 0 ? pitm.reader.u16() : pitm.reader.u32();
  const { properties, associations } = readProperties(bytes, required(boxes, 'iprp'));
  const context: Context = {
    bytes,
    items: readItemInfos(bytes, required(boxes, 'iinf')),
    locations: readLocations(bytes, required(boxes, 'iloc')),
    properties,
    associations,
    idat: only(boxes, 'idat'),
  };
  const references = readReferences(bytes, only(boxes, 'iref'));
  const type = context.items.get(primary)?.type;
  if (!type) throw new Malformed('corrupt', `the primary item ${primary} is not listed`);
  const primaryProperties = propertiesOf(context, primary);
  const picture =
    type === 'grid'
      ? readGrid(context, primary, references.find((r) => r.type === 'dimg' && r.from === primary)?.to ?? [])
      : (() => {
          const item = codedItem(context, primary);
          return { codec: item.codec, width: item.width, height: item.height, grid: null, tiles: [item] };
        })();
  const exifId = references.find(
    (r) => r.type === 'cdsc' && r.to.includes(primary) && context.items.get(r.from)?.type === 'Exif',
  )?.from;
  const exifRanges = exifId === undefined ? null : dataOf(context, exifId);
  return {
    ...picture,
    orientation: transformsOf(bytes, primaryProperties),
    exif: exifRanges?.length === 1 && exifRanges[0] ? exifRanges[0] : null,
    ...colourOf(context, primaryProperties),
  };
}

/** The primary picture of a HEIF file (HEIC or AVIF), from its `meta` box. */
export function readHeif(bytes: Uint8Array): HeifRead {
  try {
    const top = childBoxes(bytes, 0, bytes.length);
    const meta = top.find((box) => box.type === 'meta');
    if (!meta) throw new Malformed(bytes.length < 4096 ? 'truncated' : 'corrupt', 'no meta box');
    return { ok: true, image: readPrimary(bytes, meta) };
  } catch (error) {
    if (error instanceof Malformed) return { ok: false, problem: error.problem, detail: error.message };
    throw error;
  }
}

/** The TIFF block of a HEIF's EXIF item (after its 4-byte header offset), or null. */
export function heifExifTiff(bytes: Uint8Array, range: ByteRange): Uint8Array | null {
  const block = bytes.subarray(range.offset, range.offset + range.length);
  if (block.length < 4) return null;
  const skip =
    4 + ((block[0] ?? 0) * 0x1000000 + (block[1] ?? 0) * 0x10000 + (block[2] ?? 0) * 0x100 + (block[3] ?? 0));
  return skip < block.length ? block.subarray(skip) : null;
}
