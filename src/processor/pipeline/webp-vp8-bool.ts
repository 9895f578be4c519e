/**
 * The VP8 boolean entropy decoder (RFC 6386 section 7), reading one partition of the frame.
 *
 * `value` holds the undecoded bits: the top 8 of them, `value >>> bits`, are the window compared
 * with the split; `bits` counts the bits below it. `range` is stored minus one, as libwebp does,
 * so that the split is `(range * prob) >> 8` and the range of either outcome needs no correction.
 *
 * Running off the end: as libwebp's VP8LoadFinalBytes, the first time the window needs a byte past
 * the partition a zero byte is supplied and `eof` is set; after that the window is left as it is.
 * libwebp refuses a frame as soon as a macroblock was decoded with `eof` set (its one phantom byte
 * is the tolerance: a partition may end inside the last window), and so does the caller here.
 */
export class BoolDecoder {
  private value = 0;
  private bits = -8;
  private range = 255 - 1;
  private pos: number;
  /** True once the decoder has needed bytes past the end of its partition. */
  eof = false;

  constructor(
    private readonly data: Uint8Array,
    start: number,
    private readonly end: number,
  ) {
    this.pos = start;
    this.load();
  }

  /** Called with `bits` < 0: the window is short of bits. `value` is then below 2^7. */
  private load(): void {
    const pos = this.pos;
    if (pos + 3 <= this.end) {
      const data = this.data;
      this.value = (this.value << 24) | (data[pos]! << 16) | (data[pos + 1]! << 8) | data[pos + 2]!;
      this.pos = pos + 3;
      this.bits += 24;
    } else if (pos < this.end) {
      this.value = (this.value << 8) | this.data[pos]!;
      this.pos = pos + 1;
      this.bits += 8;
    } else if (!this.eof) {
      this.value <<= 8;
      this.bits += 8;
      this.eof = true;
    } else {
      this.bits = 0;
    }
  }

  /** One bit whose probability of being 0 is `prob`/256. */
  getBit(prob: number): number {
    if (this.bits < 0) this.load();
    const pos = this.bits;
    const split = (this.range * prob) >> 8;
    let range: number;
    let bit: number;
    if (this.value >>> pos > split) {
      range = this.range - split;
      this.value -= (split + 1) << pos;
      bit = 1;
    } else {
      range = split + 1;
      bit = 0;
    }
    // Renormalise: shift the range (1…255 here) back into 128…255.
    const shift = Math.clz32(range) - 24;
    this.range = (range << shift) - 1;
    this.bits = pos - shift;
    return bit;
  }

  /** An unsigned `count`-bit literal, most significant bit first (RFC 6386 L(n)). */
  getValue(count: number): number {
    let value = 0;
    while (count-- > 0) value = (value << 1) | this.getBit(0x80);
    return value;
  }

  /** A `count`-bit magnitude followed by a sign bit. */
  getSignedValue(count: number): number {
    const value = this.getValue(count);
    return this.getBit(0x80) ? -value : value;
  }

  /** An optional signed value: a flag, then the value when the flag is set; 0 otherwise. */
  getOptionalSigned(count: number): number {
    return this.getBit(0x80) ? this.getSignedValue(count) : 0;
  }
}
