/**
 * zlib/DEFLATE decompression (RFC 1950, 1951) into a fixed window, for PNG image data.
 *
 * Why not DecompressionStream: it hands out every decompressed piece in a fresh buffer, and those
 * are garbage as soon as a scanline is copied out of them. Measured on a 50 MP PNG: 30–55 MB of
 * such garbage waiting for the collector, on top of the image being built — the difference
 * between fitting in the isolate and not. Here output goes through one 96 KB window (the 32 KB
 * DEFLATE history plus room to write), handed out in views and then reused: no garbage at all.
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

  private nextByte(): number {
    while (this.chunk < this.chunks.length) {
      const current = this.chunks[this.chunk]!;
      if (this.at < current.length) return current[this.at++]!;
      this.chunk++;
      this.at = 0;
    }
    throw truncated();
  }

  need(n: number): void {
    while (this.count < n) {
      this.buffer |= this.nextByte() << this.count;
      this.count += 8;
    }
  }

  bits(n: number): number {
    if (n === 0) return 0;
    this.need(n);
    const value = this.buffer & ((1 << n) - 1);
    this.buffer >>>= n;
    this.count -= n;
    return value;
  }

  /** Like `need`, but at the very end of the data returns with fewer bits instead of failing. */
  private tryNeed(n: number): void {
    try {
      this.need(n);
    } catch (error) {
      if (!(error instanceof UndecodableImageError) || this.count === 0) throw error;
    }
  }

  decode(code: Code): number {
    this.tryNeed(LOOKUP_BITS);
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

/**
 * Inflates the zlib stream split over `chunks`, handing the output to `onOutput` in pieces (views
 * of the window: valid only during the call). Stops as soon as `onOutput` returns true, so data
 * past what the image needs — or a decompression bomb — is never inflated.
 */
export function inflate(chunks: Uint8Array[], onOutput: (bytes: Uint8Array) => boolean): void {
  const input = new BitSource(chunks);
  const header = (input.byte() << 8) | input.byte();
  if (((header >> 8) & 0x0f) !== 8 || header % 31 !== 0 || header & 0x20) throw corrupt('not a zlib stream');
  const window = new Uint8Array(WINDOW);
  let pos = 0;
  let flushedTo = 0;
  let adlerA = 1;
  let adlerB = 0;
  let done = false;

  /** Hands out what was written since the last flush, keeps the last 32 KB as history. */
  const flush = (): void => {
    const out = window.subarray(flushedTo, pos);
    for (let i = 0; i < out.length; i++) {
      adlerA = (adlerA + out[i]!) % 65521;
      adlerB = (adlerB + adlerA) % 65521;
    }
    done = onOutput(out);
    if (pos > HISTORY) {
      window.copyWithin(0, pos - HISTORY, pos);
      pos = HISTORY;
    }
    flushedTo = pos;
  };
  const room = (bytes: number): void => {
    if (pos + bytes > WINDOW) flush();
  };

  let last = 0;
  while (!last && !done) {
    last = input.bits(1);
    const type = input.bits(2);
    if (type === 0) {
      input.alignToByte();
      const length = input.byte() | (input.byte() << 8);
      const complement = input.byte() | (input.byte() << 8);
      if ((length ^ 0xffff) !== complement) throw corrupt('stored block length');
      for (let i = 0; i < length && !done; i++) {
        room(1);
        window[pos++] = input.byte();
      }
      continue;
    }
    if (type === 3) throw corrupt('reserved block type');
    const [literals, distances] = type === 1 ? [FIXED_LITERALS, FIXED_DISTANCES] : readDynamicCodes(input);
    while (!done) {
      const symbol = input.decode(literals);
      if (symbol < 256) {
        room(1);
        window[pos++] = symbol;
        continue;
      }
      if (symbol === 256) break;
      const lengthIndex = symbol - 257;
      if (lengthIndex >= 29) throw corrupt('length code');
      const length = LENGTH_BASE[lengthIndex]! + input.bits(LENGTH_EXTRA[lengthIndex]!);
      const distanceIndex = input.decode(distances);
      if (distanceIndex >= 30) throw corrupt('distance code');
      const distance = DISTANCE_BASE[distanceIndex]! + input.bits(DISTANCE_EXTRA[distanceIndex]!);
      room(MAX_MATCH);
      if (distance > pos) throw corrupt('distance before the start');
      for (let i = 0; i < length; i++, pos++) window[pos] = window[pos - distance]!;
    }
  }
  if (!done) flush();
  if (done) return;
  input.alignToByte();
  const checksum = ((input.byte() << 24) | (input.byte() << 16) | (input.byte() << 8) | input.byte()) >>> 0;
  if (checksum !== ((adlerB << 16) | adlerA) >>> 0) throw corrupt('checksum mismatch');
}
