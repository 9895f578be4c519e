/**
 * zlib/DEFLATE decompression (RFC 1950, 1951) into a fixed window, for PNG image data.
 *
 * Why not DecompressionStream: it hands out every decompressed piece in a fresh buffer, and those
 * are garbage as soon as a scanline is copied out of them. Measured on a 50 MP PNG: 30–55 MB of
 * such garbage waiting for the collector, on top of the image being built — the difference
 * between fitting in the isolate and not. Here output goes through one 96 KB window (the 32 KB
 * DEFLATE history plus room to write), handed out in views and then reused: no garbage at all.
 *
 * Pull-based (Inflater.next) and resumable, and an inflater can be cloned mid-stream: an
 * interlaced PNG reads its seven passes from the one stream with one inflater each.
 */
import { UndecodableImageError } from './errors';

const HISTORY = 32 * 1024;
const WINDOW = HISTORY + 64 * 1024;
const MAX_MATCH = 258;

const LENGTH_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DISTANCE_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
  8193, 12289, 16385, 24577,
];
const DISTANCE_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
/** The order in which code length code lengths are sent (RFC 1951 3.2.7). */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

const LOOKUP_BITS = 10;

/**
 * Adler-32 sums are reduced after this many bytes: from below 65521, a grows by at most 255 a byte
 * and b by a, so b stays below 65521 + 3800 × 65521 + 255 × 3800 × 3801 / 2 < 2^31.
 */
const ADLER_RUN = 3800;

function corrupt(detail: string): UndecodableImageError {
  return new UndecodableImageError('corrupt', `The PNG image data is damaged: ${detail}`);
}

function truncated(): UndecodableImageError {
  return new UndecodableImageError('truncated', 'The PNG image data is cut short');
}

/**
 * A canonical Huffman code: codes up to LOOKUP_BITS long are found in one lookup, as
 * (length << 9) | symbol indexed by the next bits reversed; longer ones by counting.
 */
interface Code {
  lookup: Uint16Array;
  counts: Uint16Array;
  symbols: Uint16Array;
}

function buildCode(lengths: ArrayLike<number>): Code {
  const counts = new Uint16Array(16);
  for (let i = 0; i < lengths.length; i++) counts[lengths[i]!]!++;
  counts[0] = 0;
  const offsets = new Uint16Array(16);
  for (let length = 1; length < 16; length++) offsets[length] = offsets[length - 1]! + counts[length - 1]!;
  const symbols = new Uint16Array(lengths.length);
  for (let i = 0; i < lengths.length; i++) if (lengths[i]) symbols[offsets[lengths[i]!]!++] = i;
  const lookup = new Uint16Array(1 << LOOKUP_BITS);
  let code = 0;
  let index = 0;
  for (let length = 1; length <= LOOKUP_BITS; length++) {
    for (let i = 0; i < counts[length]!; i++, code++, index++) {
      // DEFLATE sends codes most significant bit first into an LSB-first stream: reverse them.
      let reversed = 0;
      for (let bit = 0; bit < length; bit++) reversed |= ((code >> bit) & 1) << (length - 1 - bit);
      for (let fill = reversed; fill < 1 << LOOKUP_BITS; fill += 1 << length)
        lookup[fill] = (length << 9) | symbols[index]!;
    }
    code <<= 1;
  }
  return { lookup, counts, symbols };
}

const FIXED_LITERALS = buildCode(Array.from({ length: 288 }, (_, i) => (i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8)));
const FIXED_DISTANCES = buildCode(new Array<number>(30).fill(5));

/** Bits least significant first, across the IDAT chunks without joining them. */
class BitSource {
  private chunk = 0;
  private at = 0;
  private buffer = 0;
  private count = 0;

  constructor(private readonly chunks: Uint8Array[]) {}

  clone(): BitSource {
    const copy = new BitSource(this.chunks);
    copy.chunk = this.chunk;
    copy.at = this.at;
    copy.buffer = this.buffer;
    copy.count = this.count;
    return copy;
  }

  private nextByte(): number {
    while (this.chunk < this.chunks.length) {
      const current = this.chunks[this.chunk]!;
      if (this.at < current.length) return current[this.at++]!;
      this.chunk++;
      this.at = 0;
    }
    throw truncated();
  }

  /**
   * Tops the buffer up to 23–30 bits, or as many as the data has left. At most 30, so that the
   * buffer stays a small integer to V8 (31 bits, signed) and never becomes a heap number.
   */
  private refill(): void {
    let current = this.chunks[this.chunk];
    while (this.count <= 22 && current !== undefined) {
      if (this.at < current.length) {
        this.buffer |= current[this.at++]! << this.count;
        this.count += 8;
      } else {
        current = this.chunks[++this.chunk];
        this.at = 0;
      }
    }
  }

  /** At most 16. */
  need(n: number): void {
    if (this.count >= n) return;
    this.refill();
    if (this.count < n) throw truncated();
  }

  bits(n: number): number {
    if (n === 0) return 0;
    this.need(n);
    const value = this.buffer & ((1 << n) - 1);
    this.buffer >>>= n;
    this.count -= n;
    return value;
  }

  decode(code: Code): number {
    // At the very end of the data there may be fewer bits left than LOOKUP_BITS: a short code still fits.
    if (this.count < LOOKUP_BITS) this.refill();
    const entry = code.lookup[this.buffer & ((1 << LOOKUP_BITS) - 1)]!;
    if (entry !== 0 && entry >> 9 <= this.count) {
      this.buffer >>>= entry >> 9;
      this.count -= entry >> 9;
      return entry & 0x1ff;
    }
    // Longer codes, bit by bit (zlib's "puff" walk): first code and index of each length.
    let first = 0;
    let index = 0;
    let value = 0;
    for (let length = 1; length < 16; length++) {
      value |= this.bits(1);
      const count = code.counts[length]!;
      if (value - first < count) return code.symbols[index + value - first]!;
      index += count;
      first = (first + count) << 1;
      value <<= 1;
    }
    throw corrupt('invalid Huffman code');
  }

  alignToByte(): void {
    this.buffer >>>= this.count & 7;
    this.count -= this.count & 7;
  }

  byte(): number {
    return this.count >= 8 ? this.bits(8) : this.nextByte();
  }
}

function readDynamicCodes(input: BitSource): [Code, Code] {
  const literalCount = input.bits(5) + 257;
  const distanceCount = input.bits(5) + 1;
  const lengthCodeCount = input.bits(4) + 4;
  const lengthLengths = new Uint8Array(19);
  for (let i = 0; i < lengthCodeCount; i++) lengthLengths[CODE_LENGTH_ORDER[i]!] = input.bits(3);
  const lengthCode = buildCode(lengthLengths);
  const lengths = new Uint8Array(literalCount + distanceCount);
  for (let i = 0; i < lengths.length;) {
    const symbol = input.decode(lengthCode);
    if (symbol < 16) {
      lengths[i++] = symbol;
      continue;
    }
    if (symbol === 16 && i === 0) throw corrupt('repeat with nothing to repeat');
    const [value, repeat] =
      symbol === 16
        ? [lengths[i - 1]!, 3 + input.bits(2)]
        : symbol === 17
          ? [0, 3 + input.bits(3)]
          : [0, 11 + input.bits(7)];
    if (i + repeat > lengths.length) throw corrupt('code lengths overflow');
    lengths.fill(value, i, i + repeat);
    i += repeat;
  }
  return [buildCode(lengths.subarray(0, literalCount)), buildCode(lengths.subarray(literalCount))];
}

/** The most bytes one `Inflater.next()` hands out. */
export const MAX_PIECE = WINDOW;

const BETWEEN_BLOCKS = 0;
const IN_STORED_BLOCK = 1;
const IN_CODED_BLOCK = 2;
const AT_CHECKSUM = 3;
const FINISHED = 4;

/**
 * Inflates the zlib stream split over `chunks` on demand: each `next()` inflates up to
 * MAX_PIECE bytes more and hands them out as a view of the window, valid until the next call;
 * null once the stream has ended (and its checksum matched). Nothing is inflated before it is
 * asked for, so data past what the image needs — or a decompression bomb — never is.
 * Throws UndecodableImageError 'truncated' when the data ends early, 'corrupt' when it is
 * damaged; an inflater that has thrown must not be used again.
 */
export class Inflater {
  private input: BitSource;
  private readonly window = new Uint8Array(WINDOW);
  /** End of the output in the window; the piece last handed out ends here. */
  private pos = 0;
  private adlerA = 1;
  private adlerB = 0;
  private state = BETWEEN_BLOCKS;
  private lastBlock = false;
  private storedLeft = 0;
  private literals = FIXED_LITERALS;
  private distances = FIXED_DISTANCES;

  constructor(private readonly chunks: Uint8Array[]) {
    this.input = new BitSource(chunks);
    const header = (this.input.byte() << 8) | this.input.byte();
    if (((header >> 8) & 0x0f) !== 8 || header % 31 !== 0 || header & 0x20) throw corrupt('not a zlib stream');
  }

  /** An independent inflater at the same point of the same stream: its `next()` calls return what this one's would. */
  clone(): Inflater {
    const copy = new Inflater(this.chunks);
    copy.input = this.input.clone();
    copy.window.set(this.window.subarray(0, this.pos));
    copy.pos = this.pos;
    copy.adlerA = this.adlerA;
    copy.adlerB = this.adlerB;
    copy.state = this.state;
    copy.lastBlock = this.lastBlock;
    copy.storedLeft = this.storedLeft;
    copy.literals = this.literals;
    copy.distances = this.distances;
    return copy;
  }

  next(): Uint8Array | null {
    if (this.state === FINISHED) return null;
    const window = this.window;
    const input = this.input;
    let pos = this.pos;
    // The piece handed out last is no longer needed but as history: keep its last 32 KB.
    if (pos > HISTORY) {
      window.copyWithin(0, pos - HISTORY, pos);
      pos = HISTORY;
    }
    const start = pos;
    let state = this.state;
    // Stop before a symbol that might not fit: a match writes at most MAX_MATCH bytes.
    while (state !== AT_CHECKSUM && pos + MAX_MATCH <= WINDOW) {
      if (state === BETWEEN_BLOCKS) {
        if (this.lastBlock) {
          state = AT_CHECKSUM;
          break;
        }
        this.lastBlock = input.bits(1) === 1;
        const type = input.bits(2);
        if (type === 0) {
          input.alignToByte();
          const length = input.byte() | (input.byte() << 8);
          const complement = input.byte() | (input.byte() << 8);
          if ((length ^ 0xffff) !== complement) throw corrupt('stored block length');
          this.storedLeft = length;
          state = IN_STORED_BLOCK;
        } else if (type === 3) {
          throw corrupt('reserved block type');
        } else {
          [this.literals, this.distances] = type === 1 ? [FIXED_LITERALS, FIXED_DISTANCES] : readDynamicCodes(input);
          state = IN_CODED_BLOCK;
        }
        continue;
      }
      if (state === IN_STORED_BLOCK) {
        let left = this.storedLeft;
        for (; left > 0 && pos < WINDOW; left--) window[pos++] = input.byte();
        this.storedLeft = left;
        if (left === 0) state = BETWEEN_BLOCKS;
        continue;
      }
      const literals = this.literals;
      const distances = this.distances;
      while (pos + MAX_MATCH <= WINDOW) {
        const symbol = input.decode(literals);
        if (symbol < 256) {
          window[pos++] = symbol;
          continue;
        }
        if (symbol === 256) {
          state = BETWEEN_BLOCKS;
          break;
        }
        const lengthIndex = symbol - 257;
        if (lengthIndex >= 29) throw corrupt('length code');
        const length = LENGTH_BASE[lengthIndex]! + input.bits(LENGTH_EXTRA[lengthIndex]!);
        const distanceIndex = input.decode(distances);
        if (distanceIndex >= 30) throw corrupt('distance code');
        const distance = DISTANCE_BASE[distanceIndex]! + input.bits(DISTANCE_EXTRA[distanceIndex]!);
        if (distance > pos) throw corrupt('distance before the start');
        for (let i = 0; i < length; i++, pos++) window[pos] = window[pos - distance]!;
      }
    }
    this.pos = pos;
    this.state = state;
    if (pos > start) {
      this.addToChecksum(start, pos);
      return window.subarray(start, pos);
    }
    // Everything is out: the stream ends with the Adler-32 of it.
    this.state = FINISHED;
    input.alignToByte();
    const checksum = ((input.byte() << 24) | (input.byte() << 16) | (input.byte() << 8) | input.byte()) >>> 0;
    if (checksum !== ((this.adlerB << 16) | this.adlerA) >>> 0) throw corrupt('checksum mismatch');
    return null;
  }

  private addToChecksum(from: number, to: number): void {
    const window = this.window;
    let a = this.adlerA;
    let b = this.adlerB;
    // Reduce modulo 65521 every ADLER_RUN bytes only: until then neither sum can leave the int32 range.
    for (let runStart = from; runStart < to; runStart += ADLER_RUN) {
      const runEnd = Math.min(to, runStart + ADLER_RUN);
      for (let i = runStart; i < runEnd; i++) {
        a += window[i]!;
        b += a;
      }
      a %= 65521;
      b %= 65521;
    }
    this.adlerA = a;
    this.adlerB = b;
  }
}
