/**
 * Bytes written to one R2 object through a multipart upload, held at most one part at a time. R2
 * wants every part but the last at least 5 MiB and all of them the same size, so parts are cut at
 * exactly `partSize` bytes whatever sizes the writer hands in.
 */
export const exportPartSize = 8 * 1024 * 1024;

export class MultipartSink {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private readonly parts: R2UploadedPart[] = [];
  /** Bytes written so far. */
  size = 0;
  /** Most bytes held at once: the measure of this writer's memory. */
  peakBuffered = 0;

  constructor(
    private readonly upload: R2MultipartUpload,
    private readonly partSize = exportPartSize,
  ) {}

  write(chunk: Uint8Array): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.byteLength;
    this.size += chunk.byteLength;
    this.peakBuffered = Math.max(this.peakBuffered, this.pendingBytes);
  }

  /** Uploads every whole part buffered; the writer awaits this between its writes. */
  async drain(): Promise<void> {
    while (this.pendingBytes >= this.partSize) await this.uploadPart(this.take(this.partSize));
  }

  async complete(): Promise<R2Object> {
    await this.drain();
    if (this.pendingBytes > 0 || this.parts.length === 0) await this.uploadPart(this.take(this.pendingBytes));
    return this.upload.complete(this.parts);
  }

  async abort(): Promise<void> {
    await this.upload.abort();
  }

  private async uploadPart(bytes: Uint8Array): Promise<void> {
    this.parts.push(await this.upload.uploadPart(this.parts.length + 1, bytes));
  }

  /** The first `n` pending bytes as one array (the rest stays pending). */
  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const head = this.pending[0];
      if (!head) break;
      const used = Math.min(head.byteLength, n - filled);
      out.set(head.subarray(0, used), filled);
      filled += used;
      if (used === head.byteLength) this.pending.shift();
      else this.pending[0] = head.subarray(used);
    }
    this.pendingBytes -= n;
    return out;
  }
}
