/**
 * Baseline JPEG entropy coding, shared by the encoder (pixels → JPEG) and the lossless
 * transform (JPEG → turned JPEG): Huffman tables optimised for the data at hand (ITU T.81
 * Annex K.2, as libjpeg's optimize_coding), the bit writer, and the block coder.
 */

/** Zigzag position → natural (row-major) index. */
export const ZIGZAG = new Uint8Array([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47,
  55, 62, 63,
]);

/** A Huffman table as the DHT segment writes it: code counts per length 1–16, then symbols. */
export interface HuffmanSpec {
  counts: Uint8Array;
  symbols: Uint8Array;
}

export interface HuffmanCodes {
  codes: Uint16Array;
  lengths: Uint8Array;
}

export function codesOf(spec: HuffmanSpec): HuffmanCodes {
  const codes = new Uint16Array(256);
  const lengths = new Uint8Array(256);
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    for (let i = 0; i < spec.counts[length - 1]!; i++) {
      const symbol = spec.symbols[k++]!;
      codes[symbol] = code++;
      lengths[symbol] = length;
    }
    code <<= 1;
  }
  return { codes, lengths };
}

/**
 * The optimal length-limited code for the symbol frequencies, by libjpeg's jpeg_gen_optimal_table
 * (ITU T.81 K.2): Huffman's algorithm, then lengths over 16 folded back, and the all-ones code
 * reserved by a pseudo-symbol that never occurs.
 */
export function optimalSpec(frequencies: Uint32Array): HuffmanSpec {
  const freq = new Float64Array(257);
  freq.set(frequencies);
  freq[256] = 1;
  const codeSize = new Int32Array(257);
  const others = new Int32Array(257).fill(-1);
  for (;;) {
    let c1 = -1;
    let c2 = -1;
    for (let i = 0; i <= 256; i++) {
      if (freq[i]! === 0) continue;
      if (c1 < 0 || freq[i]! <= freq[c1]!) {
        c2 = c1;
        c1 = i;
      } else if (c2 < 0 || freq[i]! <= freq[c2]!) {
        c2 = i;
      }
    }
    if (c2 < 0) break;
    freq[c1] = freq[c1]! + freq[c2]!;
    freq[c2] = 0;
    codeSize[c1]!++;
    while (others[c1]! >= 0) {
      c1 = others[c1]!;
      codeSize[c1]!++;
    }
    others[c1] = c2;
    codeSize[c2]!++;
    while (others[c2]! >= 0) {
      c2 = others[c2]!;
      codeSize[c2]!++;
    }
  }
  const bits = new Int32Array(33);
  for (let i = 0; i <= 256; i++) if (codeSize[i]! > 0) bits[codeSize[i]!]!++;
  for (let i = 32; i > 16; i--) {
    while (bits[i]! > 0) {
      let j = i - 2;
      while (bits[j] === 0) j--;
      bits[i] = bits[i]! - 2;
      bits[i - 1]!++;
      bits[j + 1] = bits[j + 1]! + 2;
      bits[j]!--;
    }
  }
  let longest = 16;
  while (bits[longest] === 0) longest--;
  bits[longest]!--;
  const symbols: number[] = [];
  for (let length = 1; length <= 32; length++) {
    for (let symbol = 0; symbol < 256; symbol++) if (codeSize[symbol] === length) symbols.push(symbol);
  }
  return { counts: Uint8Array.from(bits.subarray(1, 17)), symbols: Uint8Array.from(symbols) };
}

/** The most a block can take: 64 codes of up to 16 + 11 bits, every byte stuffed. */
const MAX_BLOCK_BYTES = 512;

/** Appends bits to a growable byte buffer, with JPEG's 0xFF00 byte stuffing. */
export class BitWriter {
  bytes: Uint8Array;
  length = 0;
  private buffer = 0;
  private count = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(Math.max(4096, Math.ceil(capacity)));
  }

  /**
   * Makes room for `extra` more bytes; callers reserve per block so `write` needs no check. Grows
   * by half, not double: the old and new buffers coexist while copying, and for a large original
   * that is the moment of the encoder's peak memory.
   */
  reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(Math.ceil(this.bytes.length * 1.5), this.length + extra));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** At most 16 bits at a time, so the 32-bit buffer never overflows. */
  write(value: number, bitCount: number): void {
    this.buffer = (this.buffer << bitCount) | (value & ((1 << bitCount) - 1));
    this.count += bitCount;
    while (this.count >= 8) {
      this.count -= 8;
      const byte = (this.buffer >>> this.count) & 0xff;
      this.bytes[this.length++] = byte;
      if (byte === 0xff) this.bytes[this.length++] = 0;
    }
  }

  /** Pads the last byte with ones, as the standard asks before a marker. */
  flush(): void {
    if (this.count > 0) this.write(0x7f, 8 - this.count);
  }

  raw(data: ArrayLike<number>): void {
    this.reserve(data.length);
    for (let i = 0; i < data.length; i++) this.bytes[this.length++] = data[i]!;
  }

  /** The bytes written, as a view: copying them would need the memory twice at the end. */
  result(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

/** Number of bits of |value|: the JPEG "size category" of a coefficient. */
function category(value: number): number {
  return 32 - Math.clz32(value < 0 ? -value : value);
}

/** Most high-frequency coefficients quantise to zero: the coders stop at the last non-zero one (EOB). */
function lastNonZero(zz: Int16Array, at: number): number {
  let k = 63;
  while (k > 0 && zz[at + k] === 0) k--;
  return k;
}

/**
 * Pass one: counts the DC and run/size symbols a block will need. The block is the 64 zigzag-
 * ordered coefficients of `zz` from `at` (so a whole image's blocks can sit in one array).
 */
export function countBlock(zz: Int16Array, at: number, previousDc: number, dc: Uint32Array, ac: Uint32Array): void {
  dc[category(zz[at]! - previousDc)]!++;
  const last = lastNonZero(zz, at);
  let run = 0;
  for (let k = 1; k <= last; k++) {
    const value = zz[at + k]!;
    if (value === 0) {
      run++;
      continue;
    }
    while (run > 15) {
      ac[0xf0]!++;
      run -= 16;
    }
    ac[(run << 4) | category(value)]!++;
    run = 0;
  }
  if (last < 63) ac[0]!++;
}

/** Pass two: the same walk as countBlock, writing codes and the extra bits that follow them. */
export function writeBlock(
  zz: Int16Array,
  at: number,
  previousDc: number,
  dc: HuffmanCodes,
  ac: HuffmanCodes,
  out: BitWriter,
): void {
  out.reserve(MAX_BLOCK_BYTES);
  const diff = zz[at]! - previousDc;
  const dcSize = category(diff);
  out.write(dc.codes[dcSize]!, dc.lengths[dcSize]!);
  // Negative values are sent as value - 1 in `size` bits (one's complement).
  if (dcSize > 0) out.write(diff < 0 ? diff - 1 : diff, dcSize);
  const last = lastNonZero(zz, at);
  let run = 0;
  for (let k = 1; k <= last; k++) {
    const value = zz[at + k]!;
    if (value === 0) {
      run++;
      continue;
    }
    while (run > 15) {
      out.write(ac.codes[0xf0]!, ac.lengths[0xf0]!);
      run -= 16;
    }
    const size = category(value);
    const symbol = (run << 4) | size;
    out.write(ac.codes[symbol]!, ac.lengths[symbol]!);
    out.write(value < 0 ? value - 1 : value, size);
    run = 0;
  }
  if (last < 63) out.write(ac.codes[0]!, ac.lengths[0]!);
}

/** A marker segment: 0xFF, marker, big-endian length (counting itself), payload. */
export function segment(out: BitWriter, marker: number, payload: ArrayLike<number>): void {
  const length = payload.length + 2;
  out.raw([0xff, marker, length >> 8, length & 0xff]);
  out.raw(payload);
}
