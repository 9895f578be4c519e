/**
 * Progressive JPEG at any size, scaled in the DCT domain, in memory that follows the output
 * rather than the source.
 *
 * Why: no row of a progressive file is final before its last scan, so a decoder must keep every
 * block's coefficients until the end — mozjpeg keeps all 64 of every block, and then the whole
 * RGBA image twice (its WASM memory and our copy): 92 MB at 6 MP. A scaled decode only ever
 * reads the low frequencies (the 2 × 2 lowest for 1/4 size, the DC alone for 1/8, as in
 * jpeg-decoder.ts), so this store keeps just those, 2 bytes each, and for the frequencies it
 * drops a single bit that says whether the coefficient is non-zero yet — all that successive
 * approximation needs to read the scans that refine them (T.81 G.1.2.3). A 50 MP photo decoded for
 * the display keeps ~14 MB; once every scan is read, the blocks are replayed in MCU order
 * through the same inverse transform and colour conversion as a baseline file.
 *
 * Scope: SOF2 (progressive Huffman), 8-bit, 1, 3 or 4 components sampled by powers of two, restart
 * intervals, tables redefined between scans. Anything else that the streaming decoder does not
 * take (arithmetic coding, lossless, 12-bit, sequential files in several scans) stays with
 * mozjpeg under the lower limit of inspect's `jpegOther`.
 */
import { jpegColourOf } from '../../shared/image/inspect';
import { isStartOfFrame, MARKER, readSegmentAt, type JpegSegment } from '../../shared/image/jpeg-segments';
import { UndecodableImageError } from './errors';
import {
  BitReader,
  corrupt,
  isPowerOfTwo,
  mcuGrid,
  readHuffmanTables,
  readQuantTables,
  scaledBlockDecoder,
  type BlockDecoder,
  type Component,
  type DctScale,
  type HuffmanTable,
  type JpegFrame,
} from './jpeg-decoder';
import { ZIGZAG } from './jpeg-entropy';
import type { RowSink } from './pixels';

/** The frame of a file this module decodes, read from its header without decoding any scan. */
export type FrameReading = { ok: true; frame: JpegFrame } | { ok: false; unsupported: string };

/** Reads segments up to the first scan: the frame, in frame order of components. */
export function readProgressiveFrame(bytes: Uint8Array): FrameReading {
  const quantTables: Uint16Array[] = [];
  let adobeTransform: number | null = null;
  for (let at = 2; ;) {
    const read = readSegmentAt(bytes, at);
    if (!read.ok || read.segment.end > bytes.length) return { ok: false, unsupported: 'unreadable header' };
    const { segment } = read;
    const { marker, payloadStart: p } = segment;
    if (marker === MARKER.DQT) readQuantTables(bytes, segment, quantTables);
    else if (marker === MARKER.APP14 && String.fromCharCode(...bytes.subarray(p, p + 5)) === 'Adobe')
      adobeTransform = bytes[p + 11] ?? null;
    else if (isStartOfFrame(marker)) {
      if (marker !== 0xc2)
        return { ok: false, unsupported: `frame type 0x${marker.toString(16)} (not progressive Huffman)` };
      if (bytes[p] !== 8) return { ok: false, unsupported: `${bytes[p]}-bit samples` };
      const count = bytes[p + 5]!;
      if (count !== 1 && count !== 3 && count !== 4) return { ok: false, unsupported: `${count} components` };
      const components: Component[] = Array.from({ length: count }, (_, i) => ({
        id: bytes[p + 6 + i * 3]!,
        h: count === 1 ? 1 : bytes[p + 7 + i * 3]! >> 4,
        v: count === 1 ? 1 : bytes[p + 7 + i * 3]! & 15,
        quantId: bytes[p + 8 + i * 3]! & 3,
        dcTable: 0,
        acTable: 0,
      }));
      if (!components.every((c) => isPowerOfTwo(c.h) && isPowerOfTwo(c.v)))
        return { ok: false, unsupported: 'sampling factors' };
      const height = (bytes[p + 1]! << 8) | bytes[p + 2]!;
      const width = (bytes[p + 3]! << 8) | bytes[p + 4]!;
      if (width === 0 || height === 0) return { ok: false, unsupported: 'height defined by DNL' };
      return {
        ok: true,
        frame: {
          width,
          height,
          components,
          hMax: Math.max(...components.map((c) => c.h)),
          vMax: Math.max(...components.map((c) => c.v)),
          colour: jpegColourOf(
            components.map((c) => c.id),
            adobeTransform,
          ),
          adobe: adobeTransform !== null,
          // Filled as the scans are read: a table counts as it is when its component's first scan starts.
          quantTables,
        },
      };
    } else if (marker === MARKER.SOS || marker === MARKER.EOI) return { ok: false, unsupported: 'scan before frame' };
    at = segment.end;
  }
}

/** How many coefficients (kx × ky, the lowest frequencies) a component's blocks need at `scale`. */
function keptSides(frame: JpegFrame, component: Component, scale: DctScale): { kx: number; ky: number } {
  return {
    kx: Math.min(8, (scale * frame.hMax) / component.h),
    ky: Math.min(8, (scale * frame.vMax) / component.v),
  };
}

/** Blocks per line and column of a component, over whole MCUs (what interleaved scans code). */
function blockGrid(frame: JpegFrame, component: Component): { perLine: number; perColumn: number } {
  const { mcusPerLine, mcusPerColumn } = mcuGrid(frame);
  return { perLine: mcusPerLine * component.h, perColumn: mcusPerColumn * component.v };
}

/** Bytes the coefficient store holds for a decode at `scale`: the kept coefficients and the non-zero bits. */
export function coefficientStoreBytes(frame: JpegFrame, scale: DctScale): number {
  let bytes = 0;
  for (const component of frame.components) {
    const { perLine, perColumn } = blockGrid(frame, component);
    const { kx, ky } = keptSides(frame, component, scale);
    bytes += perLine * perColumn * (kx * ky * 2 + 8);
  }
  return bytes;
}

/** One component's kept coefficients and, for every zigzag position, whether it is non-zero yet. */
interface ComponentStore {
  /** Zigzag index → slot in a block's kept coefficients, or -1 for a dropped frequency. */
  slotOf: Int8Array;
  kept: number;
  values: Int16Array;
  /** Two words per block: bit k of the 64 says coefficient k (zigzag) is non-zero. */
  nonZero: Uint32Array;
  perLine: number;
  /** Blocks that carry image data (non-interleaved scans code only these). */
  codedPerLine: number;
  codedPerColumn: number;
  quant: Uint16Array | null;
}

function createStore(frame: JpegFrame, component: Component, scale: DctScale): ComponentStore {
  const { perLine, perColumn } = blockGrid(frame, component);
  const { kx, ky } = keptSides(frame, component, scale);
  const slotOf = new Int8Array(64).fill(-1);
  let kept = 0;
  for (let k = 0; k < 64; k++) {
    const natural = ZIGZAG[k]!;
    if (natural >> 3 < ky && (natural & 7) < kx) slotOf[k] = kept++;
  }
  const blocks = perLine * perColumn;
  return {
    slotOf,
    kept,
    values: new Int16Array(blocks * kept),
    nonZero: new Uint32Array(blocks * 2),
    perLine,
    codedPerLine: Math.ceil(Math.ceil((frame.width * component.h) / frame.hMax) / 8),
    codedPerColumn: Math.ceil(Math.ceil((frame.height * component.v) / frame.vMax) / 8),
    quant: null,
  };
}

interface ScanComponent {
  index: number;
  dc: HuffmanTable | undefined;
  ac: HuffmanTable | undefined;
}

interface Scan {
  components: ScanComponent[];
  start: number;
  end: number;
  high: number;
  low: number;
}

function readScanHeader(
  bytes: Uint8Array,
  segment: JpegSegment,
  frame: JpegFrame,
  dcTables: HuffmanTable[],
  acTables: HuffmanTable[],
): Scan {
  const p = segment.payloadStart;
  const count = bytes[p]!;
  const components: ScanComponent[] = [];
  for (let i = 0; i < count; i++) {
    const index = frame.components.findIndex((c) => c.id === bytes[p + 1 + i * 2]);
    if (index < 0 || components.some((c) => c.index === index)) throw corrupt('scan names an unknown component');
    const tables = bytes[p + 2 + i * 2]!;
    components.push({ index, dc: dcTables[tables >> 4], ac: acTables[tables & 15] });
  }
  const at = p + 1 + count * 2;
  const scan = {
    components,
    start: bytes[at]!,
    end: bytes[at + 1]!,
    high: bytes[at + 2]! >> 4,
    low: bytes[at + 2]! & 15,
  };
  const valid =
    scan.end <= 63 &&
    scan.low <= 13 &&
    (scan.start === 0 ? scan.end === 0 : scan.end >= scan.start && count === 1) &&
    (scan.high === 0 || scan.high === scan.low + 1);
  if (count === 0 || !valid) throw corrupt('scan parameters invalid for the frame');
  return scan;
}

/** The entropy decoding of one scan into the stores. */
class ScanDecoder {
  private readonly reader: BitReader;
  private readonly predictions: Int32Array;
  private eobRun = 0;

  constructor(
    bytes: Uint8Array,
    start: number,
    private readonly scan: Scan,
    private readonly stores: ComponentStore[],
  ) {
    this.reader = new BitReader(bytes, start);
    this.predictions = new Int32Array(stores.length);
  }

  /** Decodes every MCU of the scan; returns the reader, at the end of the scan's data. */
  run(frame: JpegFrame, restartInterval: number): BitReader {
    const { scan } = this;
    const single = scan.components.length === 1;
    const only = this.stores[scan.components[0]!.index]!;
    const { mcusPerLine, mcusPerColumn } = mcuGrid(frame);
    // A scan of one component codes its blocks in raster order, each block an MCU (T.81 A.2.2).
    const columns = single ? only.codedPerLine : mcusPerLine;
    const rows = single ? only.codedPerColumn : mcusPerColumn;
    let toRestart = restartInterval;
    let restartIndex = 0;
    for (let row = 0; row < rows; row++) {
      for (let column = 0; column < columns; column++) {
        if (restartInterval > 0 && toRestart === 0) {
          this.reader.restart(restartIndex);
          restartIndex = (restartIndex + 1) & 7;
          toRestart = restartInterval;
          this.predictions.fill(0);
          this.eobRun = 0;
        }
        if (single) this.block(scan.components[0]!, row * only.perLine + column);
        else this.mcu(frame, row, column);
        toRestart--;
      }
      if (this.reader.overrun) throw new UndecodableImageError('truncated', 'The JPEG data ends before the image does');
    }
    return this.reader;
  }

  private mcu(frame: JpegFrame, row: number, column: number): void {
    for (const scanComponent of this.scan.components) {
      const { h, v } = frame.components[scanComponent.index]!;
      const store = this.stores[scanComponent.index]!;
      for (let by = 0; by < v; by++) {
        for (let bx = 0; bx < h; bx++) this.block(scanComponent, (row * v + by) * store.perLine + column * h + bx);
      }
    }
  }

  private block(component: ScanComponent, block: number): void {
    const { scan } = this;
    const store = this.stores[component.index]!;
    if (scan.start === 0) {
      if (scan.high === 0) this.dcFirst(component, store, block);
      else if (this.reader.bits(1)) store.values[block * store.kept]! |= 1 << scan.low;
    } else if (scan.high === 0) this.acFirst(component, store, block);
    else this.acRefine(component, store, block);
  }

  private dcFirst(component: ScanComponent, store: ComponentStore, block: number): void {
    if (!component.dc) throw corrupt('scan uses an undefined Huffman table');
    const size = this.reader.decode(component.dc);
    if (size > 11) throw corrupt('DC difference too large');
    const prediction = this.predictions[component.index]! + (size === 0 ? 0 : this.reader.receive(size));
    this.predictions[component.index] = prediction;
    store.values[block * store.kept] = prediction * (1 << this.scan.low);
  }

  /** The first pass over a band of AC coefficients: values, zero runs and runs of blocks with nothing left in the band. */
  private acFirst(component: ScanComponent, store: ComponentStore, block: number): void {
    if (this.eobRun > 0) {
      this.eobRun--;
      return;
    }
    const { ac } = component;
    if (!ac) throw corrupt('scan uses an undefined Huffman table');
    const reader = this.reader;
    const { slotOf, values, nonZero } = store;
    const base = block * store.kept;
    const { start, end } = this.scan;
    const scale = 1 << this.scan.low;
    for (let k = start; k <= end; k++) {
      const symbol = reader.decode(ac);
      const size = symbol & 15;
      const run = symbol >> 4;
      if (size === 0) {
        if (run < 15) {
          this.eobRun = (1 << run) - 1 + (run > 0 ? reader.bits(run) : 0);
          return;
        }
        k += 15;
        continue;
      }
      k += run;
      if (k > end) throw corrupt('coefficient index past the band');
      const value = reader.receive(size) * scale;
      nonZero[block * 2 + (k >> 5)]! |= 1 << (k & 31);
      const slot = slotOf[k]!;
      if (slot >= 0) values[base + slot] = value;
    }
  }

  /** Successive approximation of AC coefficients: one more bit of each non-zero one, and new ones (T.81 G.1.2.3). */
  private acRefine(component: ScanComponent, store: ComponentStore, block: number): void {
    const { ac } = component;
    if (!ac) throw corrupt('scan uses an undefined Huffman table');
    const reader = this.reader;
    const { nonZero } = store;
    const words = block * 2;
    const end = this.scan.end;
    const bit = 1 << this.scan.low;
    let k = this.scan.start;
    if (this.eobRun === 0) {
      for (; k <= end; k++) {
        const symbol = reader.decode(ac);
        const size = symbol & 15;
        let zeros = symbol >> 4;
        let value = 0;
        if (size !== 0) {
          if (size !== 1) throw corrupt('refinement coefficient larger than one bit');
          value = reader.bits(1) ? bit : -bit;
        } else if (zeros !== 15) {
          this.eobRun = (1 << zeros) + (zeros > 0 ? reader.bits(zeros) : 0);
          break;
        }
        // Skip `zeros` coefficients that are still zero, refining the non-zero ones passed on the way.
        for (; k <= end; k++) {
          if ((nonZero[words + (k >> 5)]! & (1 << (k & 31))) !== 0) this.refine(store, block, k);
          else if (zeros-- === 0) break;
        }
        if (value !== 0) {
          if (k > end) throw corrupt('coefficient index past the band');
          nonZero[words + (k >> 5)]! |= 1 << (k & 31);
          const slot = store.slotOf[k]!;
          if (slot >= 0) store.values[block * store.kept + slot] = value;
        }
      }
    }
    if (this.eobRun > 0) {
      this.refineRest(store, block, k, end);
      this.eobRun--;
    }
  }

  /**
   * The correction bits of every non-zero coefficient from `k` to `end`, in order: most blocks of a
   * refinement scan are in an end-of-band run, so the set bits are visited, not all 63 positions.
   */
  private refineRest(store: ComponentStore, block: number, k: number, end: number): void {
    for (let word = k >> 5; word <= end >> 5; word++) {
      const low = word === k >> 5 ? k & 31 : 0;
      const high = word === end >> 5 ? end & 31 : 31;
      let bits = store.nonZero[block * 2 + word]! & (-1 << low) & (high === 31 ? -1 : (1 << (high + 1)) - 1);
      while (bits !== 0) {
        const lowest = bits & -bits;
        this.refine(store, block, word * 32 + 31 - Math.clz32(lowest));
        bits ^= lowest;
      }
    }
  }

  /** The correction bit of a coefficient already non-zero, added away from zero (read even when the frequency is dropped). */
  private refine(store: ComponentStore, block: number, k: number): void {
    if (!this.reader.bits(1)) return;
    const slot = store.slotOf[k]!;
    if (slot < 0) return;
    const at = block * store.kept + slot;
    const value = store.values[at]!;
    const bit = 1 << this.scan.low;
    if ((value & bit) === 0) store.values[at] = value >= 0 ? value + bit : value - bit;
  }
}

/**
 * Every scan of the file, entropy-decoded into stores that keep what a decode at `scale` reads,
 * and the bytes libjpeg would warn about: at restart markers and after each scan's data.
 */
function decodeScans(
  bytes: Uint8Array,
  frame: JpegFrame,
  scale: DctScale,
): { stores: ComponentStore[]; extraneousBytes: number } {
  const stores = frame.components.map((component) => createStore(frame, component, scale));
  let extraneousBytes = 0;
  const dcTables: HuffmanTable[] = [];
  const acTables: HuffmanTable[] = [];
  let restartInterval = 0;
  let scans = 0;
  for (let at = 2; ;) {
    const read = readSegmentAt(bytes, at);
    if (!read.ok) throw new UndecodableImageError('truncated', 'The JPEG data ends before the image does');
    const { segment } = read;
    const { marker, payloadStart: p } = segment;
    if (marker === MARKER.EOI) break;
    if (marker === MARKER.DQT) readQuantTables(bytes, segment, frame.quantTables);
    else if (marker === MARKER.DHT) readHuffmanTables(bytes, segment, dcTables, acTables);
    else if (marker === MARKER.DRI) restartInterval = (bytes[p]! << 8) | bytes[p + 1]!;
    else if (marker === MARKER.SOS) {
      const scan = readScanHeader(bytes, segment, frame, dcTables, acTables);
      for (const { index } of scan.components) {
        const store = stores[index]!;
        store.quant ??= frame.quantTables[frame.components[index]!.quantId] ?? null;
        if (!store.quant) throw corrupt('scan before its quantisation table');
      }
      const reader = new ScanDecoder(bytes, segment.end, scan, stores).run(frame, restartInterval);
      const end = reader.endOfScan();
      extraneousBytes += reader.extraneousBytes + end.trailingBytes;
      scans++;
      at = end.nextMarker;
      continue;
    }
    at = segment.end;
  }
  if (scans === 0 || stores.some((store) => !store.quant)) throw corrupt('a component has no scan');
  return { stores, extraneousBytes };
}

/** Replays the stored blocks in MCU order, as a baseline file would deliver them, to the scaled inverse transform. */
function replay(frame: JpegFrame, stores: ComponentStore[], decoder: BlockDecoder): void {
  const { mcusPerLine, mcusPerColumn } = mcuGrid(frame);
  const coefficients = new Int16Array(64);
  for (let mcuRow = 0; mcuRow < mcusPerColumn; mcuRow++) {
    for (let mcuX = 0; mcuX < mcusPerLine; mcuX++) {
      for (let c = 0; c < stores.length; c++) {
        const { h, v } = frame.components[c]!;
        const { slotOf, kept, values, perLine } = stores[c]!;
        for (let by = 0; by < v; by++) {
          for (let bx = 0; bx < h; bx++) {
            const blockX = mcuX * h + bx;
            const blockY = mcuRow * v + by;
            const base = (blockY * perLine + blockX) * kept;
            coefficients.fill(0);
            for (let k = 0; k < 64; k++) {
              const slot = slotOf[k]!;
              if (slot >= 0) coefficients[ZIGZAG[k]!] = values[base + slot]!;
            }
            decoder.visit(c, blockX, blockY, coefficients);
          }
        }
      }
    }
    decoder.rowDone(mcuRow);
  }
}

/**
 * Decodes a progressive JPEG at `scale`/8 of its size into `sink`. Throws UndecodableImageError
 * when the data is damaged or ends early; returns the bytes libjpeg would warn about (at restart
 * markers and after a scan's data).
 */
export function decodeProgressiveJpeg(bytes: Uint8Array, header: JpegFrame, scale: DctScale, sink: RowSink): number {
  // The quantisation tables are read again with the scans, each latched at its component's first scan.
  const frame: JpegFrame = { ...header, quantTables: [] };
  const { stores, extraneousBytes } = decodeScans(bytes, frame, scale);
  const quantTables = frame.components.map((_, c) => stores[c]!.quant!);
  // The inverse transform finds each component's table by quantId: give each its own id.
  const latched: JpegFrame = {
    ...frame,
    components: frame.components.map((component, c) => ({ ...component, quantId: c })),
    quantTables,
  };
  replay(latched, stores, scaledBlockDecoder(latched, scale, sink));
  return extraneousBytes;
}
