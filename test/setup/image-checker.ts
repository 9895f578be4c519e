/**
 * sharp (libvips) on loopback, for tests inside workerd, where it cannot run: an independent
 * decoder to check the pipeline's variants against, and a writer of the fixtures only it makes
 * (CMYK JPEGs, with sharp's own colour-managed sRGB conversion as the reference).
 *
 * POST /metadata  → JSON: whether sharp decodes the bytes without a warning, their format, size
 *                   and which metadata they carry
 * POST /srgb      → the bytes decoded and converted to sRGB by sharp: raw RGB, size in headers
 * POST /cmyk      → the posted image as a CMYK JPEG (?progressive=1 for a progressive one)
 * POST /enlarge   → the posted image scaled to ?width × ?height and written as ?as (ENLARGED_FORMATS):
 *                   large fixtures (24 MP and more) that would take the test isolate seconds and
 *                   hundreds of MB to encode itself
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp, { type Sharp } from 'sharp';

export interface CheckedImage {
  decodable: boolean;
  error: string | null;
  format: string | null;
  width: number | null;
  height: number | null;
  channels: number | null;
  space: string | null;
  exif: boolean;
  xmp: boolean;
  iptc: boolean;
  icc: boolean;
}

/** The codings /enlarge writes, as sharp writes them (quality 90, 4:2:0). */
export const ENLARGED_FORMATS = {
  'jpeg-progressive': (image: Sharp) => image.jpeg({ quality: 90, progressive: true }),
  'webp-lossy': (image: Sharp) => image.webp({ quality: 90 }),
  'png-interlaced': (image: Sharp) => image.png({ progressive: true, compressionLevel: 3 }),
} as const;

export type EnlargedFormat = keyof typeof ENLARGED_FORMATS;

async function enlarge(bytes: Buffer, params: URLSearchParams): Promise<Buffer> {
  const as = params.get('as') as EnlargedFormat;
  const write = ENLARGED_FORMATS[as];
  if (!write) throw new Error(`unknown format ${as}`);
  const scaled = sharp(bytes).resize(Number(params.get('width')), Number(params.get('height')), { fit: 'fill' });
  return write(scaled).toBuffer();
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function check(bytes: Buffer): Promise<CheckedImage> {
  try {
    // failOn 'warning': a truncated scan or a corrupt-data warning from libjpeg counts as a failure.
    const { info } = await sharp(bytes, { failOn: 'warning' }).raw().toBuffer({ resolveWithObject: true });
    const meta = await sharp(bytes).metadata();
    return {
      decodable: true,
      error: null,
      format: meta.format ?? null,
      width: info.width,
      height: info.height,
      channels: meta.channels ?? null,
      space: meta.space ?? null,
      exif: meta.exif !== undefined,
      xmp: meta.xmp !== undefined,
      iptc: meta.iptc !== undefined,
      icc: meta.icc !== undefined,
    };
  } catch (error) {
    return {
      decodable: false,
      error: String(error),
      format: null,
      width: null,
      height: null,
      channels: null,
      space: null,
      exif: false,
      xmp: false,
      iptc: false,
      icc: false,
    };
  }
}

export async function startImageChecker(): Promise<{ url: string; close(): Promise<void> }> {
  sharp.concurrency(1);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const answer = async (): Promise<void> => {
      const bytes = await body(req);
      if (url.pathname === '/metadata') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(await check(bytes)));
      } else if (url.pathname === '/srgb') {
        const { data, info } = await sharp(bytes)
          .toColourspace('srgb')
          .removeAlpha()
          .raw()
          .toBuffer({ resolveWithObject: true });
        res.writeHead(200, { 'x-width': String(info.width), 'x-height': String(info.height) }).end(data);
      } else if (url.pathname === '/cmyk') {
        const progressive = url.searchParams.get('progressive') === '1';
        res.writeHead(200).end(await sharp(bytes).toColourspace('cmyk').jpeg({ quality: 95, progressive }).toBuffer());
      } else if (url.pathname === '/enlarge') {
        res.writeHead(200).end(await enlarge(bytes, url.searchParams));
      } else {
        res.writeHead(404).end();
      }
    };
    answer().catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
