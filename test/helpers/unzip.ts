/**
 * Opens a ZIP with zip.js, an implementation independent of the fflate that writes exports, and as
 * strictly as `unzip -t`: every local header must agree with its central directory record and every
 * entry's CRC-32 must match its bytes. Plain web APIs only, so it runs in workerd and in Node alike.
 */
import { Uint8ArrayReader, Uint8ArrayWriter, ZipReader } from '@zip.js/zip.js';

export async function unzipStrictly(bytes: Uint8Array): Promise<Map<string, Uint8Array>> {
  const reader = new ZipReader(new Uint8ArrayReader(bytes), {
    strictness: 'strict',
    checkCrc32: true,
    useWebWorkers: false,
  });
  try {
    const files = new Map<string, Uint8Array>();
    for (const entry of await reader.getEntries()) {
      if (!entry.directory) files.set(entry.filename, await entry.getData(new Uint8ArrayWriter()));
    }
    return files;
  } finally {
    await reader.close();
  }
}
