/**
 * A ZIP streamed into a `MultipartSink` with fflate's streaming `Zip`: photos are stored as they
 * are (already compressed), JSON is deflated. fflate calls back synchronously, so after each push
 * the writer drains whole parts to R2 before reading more: memory stays one part plus one chunk.
 */
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import type { MultipartSink } from './multipart-sink';

const encoder = new TextEncoder();

export class ZipWriter {
  private readonly zip: Zip;
  private failure: Error | null = null;

  constructor(private readonly sink: MultipartSink) {
    this.zip = new Zip((error, chunk) => {
      if (error) this.failure = error;
      else sink.write(chunk);
    });
  }

  private async settle(): Promise<void> {
    if (this.failure) throw this.failure;
    await this.sink.drain();
  }

  /** A stored entry, streamed from `body` (an R2 object's stream). */
  async addStream(name: string, body: ReadableStream): Promise<void> {
    const entry = new ZipPassThrough(name);
    this.zip.add(entry);
    const reader = (body as ReadableStream<Uint8Array>).getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      entry.push(read.value);
      await this.settle();
    }
    entry.push(new Uint8Array(0), true);
    await this.settle();
  }

  /** A deflated JSON array written a page at a time: `pages` yields arrays of items. */
  async addJsonArray(name: string, pages: AsyncIterable<unknown[]>): Promise<void> {
    const entry = new ZipDeflate(name, { level: 6 });
    this.zip.add(entry);
    let first = true;
    entry.push(encoder.encode('['));
    for await (const items of pages) {
      for (const item of items) {
        entry.push(encoder.encode(`${first ? '\n' : ',\n'}${JSON.stringify(item)}`));
        first = false;
      }
      await this.settle();
    }
    entry.push(encoder.encode(first ? ']\n' : '\n]\n'), true);
    await this.settle();
  }

  async addJson(name: string, value: unknown): Promise<void> {
    const entry = new ZipDeflate(name, { level: 6 });
    this.zip.add(entry);
    entry.push(encoder.encode(`${JSON.stringify(value, null, 2)}\n`), true);
    await this.settle();
  }

  async end(): Promise<void> {
    this.zip.end();
    await this.settle();
  }
}
