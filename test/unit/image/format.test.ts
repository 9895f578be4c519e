import { describe, it, expect } from 'vitest';
import { sniffImage, type SniffResult } from '../../../src/shared/image/format';
import { tinyImage, type TinyImageName } from '../../fixtures/tiny-images';
import { textBytes, buildJpegSegment, concatBytes } from '../../fixtures/exif-builder';

const u8 = (...values: number[]): Uint8Array => new Uint8Array(values);

function padTo(bytes: Uint8Array, length: number): Uint8Array {
  return concatBytes(bytes, new Uint8Array(Math.max(0, length - bytes.length)));
}

function uint32BE(value: number): Uint8Array {
  return u8(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

const PNG_SIGNATURE = u8(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

function pngHeader(
  width: number,
  height: number,
  options: { chunkType?: string; chunkLength?: number } = {},
): Uint8Array {
  return concatBytes(
    PNG_SIGNATURE,
    uint32BE(options.chunkLength ?? 13),
    textBytes(options.chunkType ?? 'IHDR'),
    uint32BE(width),
    uint32BE(height),
    u8(8, 2, 0, 0, 0), // bit depth, colour type, compression, filter, interlace
    u8(0, 0, 0, 0), // CRC (not checked by the sniffer)
  );
}

function frameHeader(marker: number, width: number, height: number): Uint8Array {
  return buildJpegSegment(marker, u8(8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0));
}

const SOI = u8(0xff, 0xd8);
const JFIF_APP0 = buildJpegSegment(0xe0, concatBytes(textBytes('JFIF\0'), u8(1, 1, 0, 0, 1, 0, 1, 0, 0)));

function webp(chunkType: string, chunkData: Uint8Array): Uint8Array {
  const chunk = concatBytes(textBytes(chunkType), u8(chunkData.length, 0, 0, 0), chunkData);
  return concatBytes(textBytes('RIFF'), u8(chunk.length + 4, 0, 0, 0), textBytes('WEBP'), chunk);
}

function vp8KeyFrame(widthField: number, heightField: number): Uint8Array {
  return u8(
    0x10,
    0x02,
    0x00,
    0x9d,
    0x01,
    0x2a,
    widthField & 0xff,
    widthField >> 8,
    heightField & 0xff,
    heightField >> 8,
  );
}

function vp8lHeader(width: number, height: number, version = 0): Uint8Array {
  const bits = (width - 1) | ((height - 1) << 14) | (version << 29);
  return u8(0x2f, bits & 0xff, (bits >>> 8) & 0xff, (bits >>> 16) & 0xff, bits >>> 24);
}

function vp8xHeader(width: number, height: number): Uint8Array {
  const w = width - 1;
  const h = height - 1;
  return u8(0, 0, 0, 0, w & 0xff, (w >> 8) & 0xff, w >> 16, h & 0xff, (h >> 8) & 0xff, h >> 16);
}

/** Wraps bytes so that any read other than by index (e.g. a method call) throws, and records indices read. */
function recordingReads(bytes: Uint8Array): { bytes: Uint8Array; indicesRead: Set<number> } {
  const indicesRead = new Set<number>();
  const proxy = new Proxy(bytes, {
    get(target, property) {
      if (typeof property === 'string' && /^\d+$/.test(property)) indicesRead.add(Number(property));
      // Receiver is the target so the typed-array `length` getter works; methods stay unbound and throw.
      return Reflect.get(target, property);
    },
  });
  return { bytes: proxy, indicesRead };
}

describe('sniffImage: supported formats and their dimensions', () => {
  const cases: Array<[TinyImageName, SniffResult]> = [
    ['jpeg-baseline-5x3', { ok: true, format: 'jpeg', width: 5, height: 3 }],
    ['jpeg-progressive-5x3', { ok: true, format: 'jpeg', width: 5, height: 3 }],
    ['jpeg-restart-40x24', { ok: true, format: 'jpeg', width: 40, height: 24 }],
    ['jpeg-progressive-restart-40x24', { ok: true, format: 'jpeg', width: 40, height: 24 }],
    ['jpeg-rgb-adobe-5x3', { ok: true, format: 'jpeg', width: 5, height: 3 }],
    ['jpeg-exiftool-mm-5x3', { ok: true, format: 'jpeg', width: 5, height: 3 }],
    ['png-5x3', { ok: true, format: 'png', width: 5, height: 3 }],
    ['png-exif-5x3', { ok: true, format: 'png', width: 5, height: 3 }],
    ['webp-vp8-5x3', { ok: true, format: 'webp', width: 5, height: 3 }],
    ['webp-vp8l-5x3', { ok: true, format: 'webp', width: 5, height: 3 }],
    ['webp-vp8x-alpha-5x3', { ok: true, format: 'webp', width: 5, height: 3 }],
    ['webp-exif-5x3', { ok: true, format: 'webp', width: 5, height: 3 }],
  ];
  it.each(cases)('reads the format and stored size of the real file %s', (name, expected) => {
    expect(sniffImage(tinyImage(name))).toEqual(expected);
  });

  it('reads 30000x30000 from a 100-byte PNG header without decoding', () => {
    const file = padTo(pngHeader(30000, 30000), 100);
    expect(sniffImage(file)).toEqual({ ok: true, format: 'png', width: 30000, height: 30000 });
  });

  it('reads 30000x20000 from a 100-byte JPEG whose data stops after the frame header', () => {
    const file = padTo(concatBytes(SOI, JFIF_APP0, frameHeader(0xc0, 30000, 20000)), 100);
    expect(sniffImage(file)).toEqual({ ok: true, format: 'jpeg', width: 30000, height: 20000 });
  });

  it('reads the largest sizes each WebP header can express (14-bit VP8/VP8L, 24-bit+1 VP8X)', () => {
    expect(sniffImage(webp('VP8 ', vp8KeyFrame(0x3fff, 0x3fff)))).toMatchObject({ width: 16383, height: 16383 });
    expect(sniffImage(webp('VP8L', vp8lHeader(16384, 16384)))).toMatchObject({ width: 16384, height: 16384 });
    expect(sniffImage(webp('VP8X', vp8xHeader(2 ** 24, 2 ** 24)))).toMatchObject({ width: 2 ** 24, height: 2 ** 24 });
  });

  it('ignores the VP8 upscaling bits above the 14-bit width and height', () => {
    expect(sniffImage(webp('VP8 ', vp8KeyFrame(0xc000 | 640, 0x4000 | 480)))).toMatchObject({
      width: 640,
      height: 480,
    });
  });

  it('accepts a PNG width of 2^31-1 and rejects 2^31 as corrupt', () => {
    expect(sniffImage(pngHeader(0x7fffffff, 1))).toMatchObject({ ok: true, width: 0x7fffffff });
    expect(sniffImage(pngHeader(0x80000000, 1))).toEqual({ ok: false, reason: 'corrupt', format: 'png' });
  });
});

describe('sniffImage: reads only the header bytes it needs', () => {
  it('touches only the 24 signature and IHDR bytes of a PNG, by index', () => {
    const { bytes, indicesRead } = recordingReads(padTo(pngHeader(30000, 30000), 100));
    expect(sniffImage(bytes)).toMatchObject({ ok: true, width: 30000 });
    expect(Math.max(...indicesRead)).toBeLessThan(24);
  });

  it.each(['webp-vp8-5x3', 'webp-vp8l-5x3', 'webp-vp8x-alpha-5x3'] as const)(
    'touches only the first 30 bytes of %s',
    (name) => {
      const { bytes, indicesRead } = recordingReads(tinyImage(name));
      expect(sniffImage(bytes)).toMatchObject({ ok: true });
      expect(Math.max(...indicesRead)).toBeLessThan(30);
    },
  );

  it('skips a 64 KiB APP1 segment by its length, reading 4 of its bytes', () => {
    const app1 = buildJpegSegment(0xe1, new Uint8Array(0xffff - 2).fill(0xab));
    const { bytes, indicesRead } = recordingReads(concatBytes(SOI, app1, frameHeader(0xc0, 7, 9)));
    expect(sniffImage(bytes)).toEqual({ ok: true, format: 'jpeg', width: 7, height: 9 });
    const readInsideApp1 = [...indicesRead].filter((i) => i >= 6 && i < 2 + app1.length);
    expect(readInsideApp1).toEqual([]);
    expect(indicesRead.size).toBeLessThan(20);
  });
});

describe('sniffImage: JPEG marker walk', () => {
  const sofMarkers = [0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf];
  it.each(sofMarkers.map((m) => [m.toString(16)]))('takes the size from frame header SOF marker 0x%s', (hex) => {
    const file = concatBytes(SOI, frameHeader(parseInt(hex, 16), 11, 13));
    expect(sniffImage(file)).toEqual({ ok: true, format: 'jpeg', width: 11, height: 13 });
  });

  it('does not mistake DHT (C4), JPG (C8) or DAC (CC) for frame headers', () => {
    const lookalikes = [0xc4, 0xc8, 0xcc].map((marker) => buildJpegSegment(marker, u8(8, 0, 99, 0, 99, 1)));
    const file = concatBytes(SOI, ...lookalikes, frameHeader(0xc0, 11, 13));
    expect(sniffImage(file)).toEqual({ ok: true, format: 'jpeg', width: 11, height: 13 });
  });

  it('skips 0xFF fill bytes before a marker', () => {
    const file = concatBytes(SOI, JFIF_APP0, u8(0xff, 0xff, 0xff), frameHeader(0xc0, 11, 13));
    expect(sniffImage(file)).toMatchObject({ ok: true, width: 11, height: 13 });
  });

  it('steps over standalone markers (RST0-7, TEM, a repeated SOI) that have no length', () => {
    const standalone = u8(0xff, 0xd0, 0xff, 0xd7, 0xff, 0x01, 0xff, 0xd8);
    const file = concatBytes(SOI, standalone, frameHeader(0xc0, 11, 13));
    expect(sniffImage(file)).toMatchObject({ ok: true, width: 11, height: 13 });
  });

  it('reports corrupt when image data (SOS) or EOI comes before any frame header', () => {
    expect(sniffImage(concatBytes(SOI, buildJpegSegment(0xda, u8(1, 1, 0, 0, 63, 0)), u8(1, 2, 3)))).toEqual({
      ok: false,
      reason: 'corrupt',
      format: 'jpeg',
    });
    expect(sniffImage(concatBytes(SOI, JFIF_APP0, u8(0xff, 0xd9)))).toMatchObject({ reason: 'corrupt' });
  });

  it('reports corrupt for a segment length below 2, a stray byte where a marker belongs, and FF00 in the header', () => {
    expect(sniffImage(concatBytes(SOI, u8(0xff, 0xe1, 0x00, 0x01)))).toMatchObject({ reason: 'corrupt' });
    expect(sniffImage(concatBytes(SOI, JFIF_APP0, u8(0x12), frameHeader(0xc0, 1, 1)))).toMatchObject({
      reason: 'corrupt',
    });
    expect(sniffImage(concatBytes(SOI, u8(0xff, 0x00)))).toMatchObject({ reason: 'corrupt' });
  });

  it('reports corrupt for a frame header too short to hold a size, or a zero width or height', () => {
    expect(sniffImage(concatBytes(SOI, buildJpegSegment(0xc0, u8(8, 0, 1)), new Uint8Array(20)))).toMatchObject({
      reason: 'corrupt',
    });
    expect(sniffImage(concatBytes(SOI, frameHeader(0xc0, 0, 13)))).toMatchObject({ reason: 'corrupt' });
    expect(sniffImage(concatBytes(SOI, frameHeader(0xc0, 11, 0)))).toMatchObject({ reason: 'corrupt' });
  });

  it('reports truncated when a segment claims more bytes than the file has', () => {
    const file = concatBytes(SOI, u8(0xff, 0xe1, 0x40, 0x00), new Uint8Array(100));
    expect(sniffImage(file)).toEqual({ ok: false, reason: 'truncated', format: 'jpeg' });
  });
});

describe('sniffImage: PNG and WebP header checks', () => {
  it('reports corrupt when the first PNG chunk is not IHDR or has the wrong length', () => {
    expect(sniffImage(pngHeader(5, 3, { chunkType: 'CgBI' }))).toEqual({ ok: false, reason: 'corrupt', format: 'png' });
    expect(sniffImage(pngHeader(5, 3, { chunkLength: 14 }))).toMatchObject({ reason: 'corrupt' });
  });

  it('reports a zero PNG width or height as corrupt', () => {
    expect(sniffImage(pngHeader(0, 3))).toMatchObject({ reason: 'corrupt' });
    expect(sniffImage(pngHeader(5, 0))).toMatchObject({ reason: 'corrupt' });
  });

  it('reports corrupt for an unknown first WebP chunk', () => {
    expect(sniffImage(webp('ALPH', new Uint8Array(10)))).toEqual({ ok: false, reason: 'corrupt', format: 'webp' });
  });

  it('reports corrupt for a VP8 frame that is not a key frame, lacks the start code, or is 0 wide', () => {
    const interFrame = vp8KeyFrame(5, 3);
    interFrame[0] = 0x11;
    expect(sniffImage(webp('VP8 ', interFrame))).toMatchObject({ reason: 'corrupt' });
    const noStartCode = vp8KeyFrame(5, 3);
    noStartCode[4] = 0x00;
    expect(sniffImage(webp('VP8 ', noStartCode))).toMatchObject({ reason: 'corrupt' });
    expect(sniffImage(webp('VP8 ', vp8KeyFrame(0, 3)))).toMatchObject({ reason: 'corrupt' });
  });

  it('reports corrupt for a VP8L header with a wrong signature byte or a non-zero version', () => {
    const badSignature = vp8lHeader(5, 3);
    badSignature[0] = 0x2e;
    expect(sniffImage(webp('VP8L', badSignature))).toMatchObject({ reason: 'corrupt' });
    expect(sniffImage(webp('VP8L', vp8lHeader(5, 3, 1)))).toMatchObject({ reason: 'corrupt' });
  });
});

describe('sniffImage: truncation at every byte of a header', () => {
  const cases: Array<{ name: TinyImageName; format: 'jpeg' | 'png' | 'webp'; magic: number; headerEnd: number }> = [
    { name: 'jpeg-baseline-5x3', format: 'jpeg', magic: 3, headerEnd: 167 },
    { name: 'jpeg-progressive-5x3', format: 'jpeg', magic: 3, headerEnd: 167 },
    { name: 'jpeg-rgb-adobe-5x3', format: 'jpeg', magic: 3, headerEnd: 96 },
    { name: 'jpeg-exiftool-mm-5x3', format: 'jpeg', magic: 3, headerEnd: 1148 },
    { name: 'png-5x3', format: 'png', magic: 8, headerEnd: 24 },
    { name: 'webp-vp8-5x3', format: 'webp', magic: 12, headerEnd: 30 },
    { name: 'webp-vp8l-5x3', format: 'webp', magic: 12, headerEnd: 25 },
    { name: 'webp-vp8x-alpha-5x3', format: 'webp', magic: 12, headerEnd: 30 },
  ];

  it.each(cases)(
    '$name: truncated before byte $headerEnd, the full size from then on, never a wrong answer',
    ({ name, format, magic, headerEnd }) => {
      const file = tinyImage(name);
      for (let length = 0; length <= file.length; length++) {
        const result = sniffImage(file.subarray(0, length));
        if (length >= headerEnd) {
          expect(result, `length ${length}`).toEqual({ ok: true, format, width: 5, height: 3 });
        } else if (length >= magic) {
          expect(result, `length ${length}`).toEqual({ ok: false, reason: 'truncated', format });
        } else {
          expect(result.ok, `length ${length}`).toBe(false);
        }
      }
    },
  );
});

function ftyp(major: string, ...compatible: string[]): Uint8Array {
  const brands = textBytes(major + '\0\0\0\0' + compatible.join(''));
  return concatBytes(uint32BE(8 + brands.length), textBytes('ftyp'), brands, new Uint8Array(16));
}

describe('sniffImage: HEIC and AVIF are read from their meta box', () => {
  it.each([
    ['a real HEIC (ImageMagick/libheif, a 1 × 1 grid)', tinyImage('heic-8x8'), 'heic'],
    ['a real AVIF (ImageMagick/libheif)', tinyImage('avif-8x8'), 'avif'],
  ] as const)('%s with its size', (_, bytes, format) => {
    expect(sniffImage(bytes)).toEqual({ ok: true, format, width: 8, height: 8 });
  });

  it.each([
    ['HEIC', ftyp('heic', 'mif1', 'heic'), 'heic'],
    ['AVIF', ftyp('avif', 'mif1', 'miaf', 'avif'), 'avif'],
  ] as const)('a %s cut off before its meta box is truncated', (_, bytes, format) => {
    expect(sniffImage(bytes)).toEqual({ ok: false, reason: 'truncated', format });
  });
});

describe('sniffImage: unsupported formats are named', () => {
  const cases: Array<[string, Uint8Array, string]> = [
    ['a HEIF image sequence with no codec brand', ftyp('msf1', 'msf1', 'iso8'), 'heif'],
    ['an MP4 video', ftyp('isom', 'isom', 'iso2', 'avc1', 'mp41'), 'video'],
    ['a QuickTime movie', ftyp('qt  ', 'qt  '), 'video'],
    ['a real GIF', tinyImage('gif-1x1'), 'gif'],
    ['a real little-endian TIFF', tinyImage('tiff-1x1'), 'tiff'],
    ['a big-endian TIFF', padTo(textBytes('MM\0*\0\0\0\x08'), 32), 'tiff'],
    ['a BigTIFF', padTo(textBytes('II+\0\x08\0\0\0'), 32), 'tiff'],
    ['a real BMP', tinyImage('bmp-1x1'), 'bmp'],
    ['a JPEG XL codestream', padTo(u8(0xff, 0x0a), 32), 'jxl'],
    ['a JPEG XL container', padTo(u8(0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a), 32), 'jxl'],
    ['a bare SVG', textBytes('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'), 'svg'],
    [
      'an SVG behind a BOM, XML declaration, comment and doctype',
      concatBytes(
        u8(0xef, 0xbb, 0xbf),
        textBytes(
          '<?xml version="1.0"?>\n<!-- Generator: Adobe Illustrator -->\n' +
            '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd">\n<SVG version="1.1"></SVG>',
        ),
      ),
      'svg',
    ],
    ['an XML document that is not SVG', textBytes('<?xml version="1.0"?><feed></feed>'), 'xml'],
    ['an HTML page', textBytes('<!doctype html><html><body>hi</body></html>'), 'text'],
    ['UTF-8 text', textBytes('Grüße aus Köln — 日本語\n'), 'text'],
    ['text that starts with "BM"', textBytes('BMW 3 series brochure, page one'), 'text'],
    ['an empty file', new Uint8Array(0), 'unknown'],
    ['binary zeros', new Uint8Array(64), 'unknown'],
    ['invalid UTF-8', u8(0x41, 0xc3, 0x28, 0x41), 'unknown'],
    ['a ZIP archive', padTo(u8(0x50, 0x4b, 0x03, 0x04, 0x14, 0x00), 32), 'unknown'],
  ];

  it.each(cases)('names %s as %s', (_label, bytes, detected) => {
    expect(sniffImage(bytes)).toEqual({ ok: false, reason: 'unsupported', detected });
  });

  it('says truncated, not unsupported, for a WebP cut right after its RIFF header', () => {
    expect(sniffImage(tinyImage('webp-vp8-5x3').subarray(0, 12))).toEqual({
      ok: false,
      reason: 'truncated',
      format: 'webp',
    });
  });
});
