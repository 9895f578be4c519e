import { describe, it, expect } from 'vitest';
import { sniffImage } from '../../../src/shared/image/format';
import { cameraName, orientedSize, readExif, type CameraExif } from '../../../src/shared/image/exif';
import { checkJpegIntegrity, hasEndOfImage, stripJpegMetadata } from '../../../src/shared/image/jpeg-segments';
import { corpusAvailable, readCorpus } from '../../fixtures/corpus';

/** Expected values agree with exiftool 12.57 on the same files. */
interface CameraCase {
  file: string;
  width: number;
  height: number;
  camera: string | null;
  exif: Partial<CameraExif>;
}

const CAMERA_CASES: CameraCase[] = [
  {
    file: 'cameras/Canon_40D.jpg',
    width: 100,
    height: 68,
    camera: 'Canon EOS 40D',
    exif: { make: 'Canon', model: 'Canon EOS 40D', fNumber: 7.1, exposureTime: '1/160', iso: 100, focalLength: 135 },
  },
  {
    file: 'cameras/Nikon_D70.jpg',
    width: 100,
    height: 66,
    camera: 'NIKON D70',
    exif: {
      make: 'NIKON CORPORATION',
      model: 'NIKON D70',
      fNumber: 9,
      exposureTime: '1/200',
      iso: 200,
      focalLength: 100,
    },
  },
  {
    file: 'cameras/Reconyx_HC500_Hyperfire.jpg',
    width: 2048,
    height: 1536,
    camera: null,
    exif: { make: null, model: null, fNumber: null, exposureTime: '1/55', iso: 100, focalLength: null },
  },
  {
    file: 'cameras/fujifilm-dx10.jpg',
    width: 1024,
    height: 768,
    camera: 'FUJIFILM DX-10',
    exif: { make: 'FUJIFILM', model: 'DX-10', fNumber: 4.2, exposureTime: null, iso: 150, focalLength: 5.8 },
  },
  {
    file: 'cameras/jolla.jpg',
    width: 3264,
    height: 2448,
    camera: 'Jolla',
    exif: { make: 'Jolla', model: 'Jolla', fNumber: 2.4, exposureTime: '1/25', iso: 320, focalLength: 4 },
  },
  {
    file: 'gps/DSCN0010.jpg',
    width: 640,
    height: 480,
    camera: 'NIKON COOLPIX P6000',
    exif: { make: 'NIKON', model: 'COOLPIX P6000', fNumber: 5.9, exposureTime: '1/75', iso: 64, focalLength: 24 },
  },
  {
    file: 'gps/DSCN0012.jpg',
    width: 640,
    height: 480,
    camera: 'NIKON COOLPIX P6000',
    exif: { make: 'NIKON', model: 'COOLPIX P6000', fNumber: 4.5, exposureTime: '1/178', iso: 64, focalLength: 6 },
  },
  {
    file: 'broken/corrupted.jpg',
    width: 3648,
    height: 2736,
    camera: 'OLYMPUS u1020,S1020',
    exif: {
      make: 'OLYMPUS IMAGING CORP.',
      model: 'u1020,S1020',
      fNumber: 3.5,
      exposureTime: '1/250',
      iso: 80,
      focalLength: 6.6,
    },
  },
];

const ORIENTATIONS = [1, 2, 3, 4, 5, 6, 7, 8] as const;

const ALL_JPEGS = [
  ...CAMERA_CASES.map((c) => c.file),
  'broken/image00971.jpg',
  'broken/image01088.jpg',
  ...ORIENTATIONS.flatMap((n) => [`orientation/landscape_${n}.jpg`, `orientation/portrait_${n}.jpg`]),
];

/** Marker codes of the segments before the first scan (valid files only). */
function headerMarkers(jpeg: Uint8Array): number[] {
  const markers: number[] = [];
  for (let pos = 2; pos + 3 < jpeg.length;) {
    const marker = jpeg[pos + 1] ?? 0;
    markers.push(marker);
    if (marker === 0xda) break;
    pos += 2 + (((jpeg[pos + 2] ?? 0) << 8) | (jpeg[pos + 3] ?? 0));
  }
  return markers;
}

function countPairs(bytes: Uint8Array, first: number, second: number): number {
  let count = 0;
  for (let i = 0; i + 1 < bytes.length; i++) if (bytes[i] === first && bytes[i + 1] === second) count++;
  return count;
}

describe.skipIf(!corpusAvailable)('real camera files from ../shared/corpus', () => {
  describe('camera metadata', () => {
    it.each(CAMERA_CASES)('$file: $width x $height, camera "$camera" and its exposure fields', async (c) => {
      const bytes = await readCorpus(c.file);
      expect(sniffImage(bytes)).toEqual({ ok: true, format: 'jpeg', width: c.width, height: c.height });
      const exif = readExif(bytes);
      expect(exif).toMatchObject({ orientation: 1, lensModel: null, ...c.exif });
      expect(cameraName(exif.make, exif.model)).toBe(c.camera);
    });
  });

  describe('orientation', () => {
    it.each(ORIENTATIONS)(
      'landscape_%i.jpg carries its orientation and is wider than tall once oriented',
      async (n) => {
        const bytes = await readCorpus(`orientation/landscape_${n}.jpg`);
        const sniffed = sniffImage(bytes);
        const { orientation } = readExif(bytes);
        expect(orientation).toBe(n);
        if (!sniffed.ok) throw new Error(`not sniffed: ${JSON.stringify(sniffed)}`);
        expect(orientedSize(sniffed.width, sniffed.height, orientation)).toEqual({ width: 600, height: 450 });
      },
    );

    it.each(ORIENTATIONS)(
      'portrait_%i.jpg carries its orientation and is taller than wide once oriented',
      async (n) => {
        const bytes = await readCorpus(`orientation/portrait_${n}.jpg`);
        const sniffed = sniffImage(bytes);
        const { orientation } = readExif(bytes);
        expect(orientation).toBe(n);
        if (!sniffed.ok) throw new Error(`not sniffed: ${JSON.stringify(sniffed)}`);
        expect(orientedSize(sniffed.width, sniffed.height, orientation)).toEqual({ width: 450, height: 600 });
      },
    );
  });

  describe('unsupported and broken files', () => {
    it('reads the iPhone HEIC photo as a 2566 × 3313 HEIC', async () => {
      expect(sniffImage(await readCorpus('other/IMG_5195.HEIC'))).toEqual({
        ok: true,
        format: 'heic',
        width: 2566,
        height: 3313,
      });
    });

    it('corrupted.jpg ends in EOI, yet its restart markers show data missing from the main scan', async () => {
      const bytes = await readCorpus('broken/corrupted.jpg');
      expect(hasEndOfImage(bytes)).toBe(true);
      expect(checkJpegIntegrity(bytes)).toEqual({ ok: false, problem: 'missing-restart-intervals' });
    });

    it('corrupted.jpg loses its 16 KiB EXIF block and the 640x480 preview appended after EOI when stripped', async () => {
      const bytes = await readCorpus('broken/corrupted.jpg');
      const stripped = stripJpegMetadata(bytes);
      expect(countPairs(bytes, 0xff, 0xd8)).toBeGreaterThan(1);
      expect(countPairs(stripped, 0xff, 0xd8)).toBe(1);
      expect(stripped.length).toBeLessThan(bytes.length - 16384 - 50000);
      expect(sniffImage(stripped)).toEqual({ ok: true, format: 'jpeg', width: 3648, height: 2736 });
    });

    it.each([
      ['broken/image00971.jpg', 636, 227],
      ['broken/image01088.jpg', 425, 120],
    ])('%s (35 KiB of XMP, no EXIF) sniffs as %ix%i with default EXIF fields', async (file, width, height) => {
      const bytes = await readCorpus(file);
      expect(sniffImage(bytes)).toEqual({ ok: true, format: 'jpeg', width, height });
      expect(readExif(bytes)).toMatchObject({ orientation: 1, make: null, model: null });
    });
  });

  describe('stripping every corpus JPEG', () => {
    it.each(ALL_JPEGS)('%s: no APP1/APP12/APP13/COM left, same size, scans intact, nothing after EOI', async (file) => {
      const bytes = await readCorpus(file);
      const stripped = stripJpegMetadata(bytes);
      const markers = headerMarkers(stripped);
      for (const dropped of [0xe1, 0xec, 0xed, 0xfe]) expect(markers).not.toContain(dropped);
      expect(markers.filter((m) => m >= 0xe0 && m <= 0xef).every((m) => [0xe0, 0xe2, 0xee].includes(m))).toBe(true);
      expect(sniffImage(stripped)).toEqual(sniffImage(bytes));
      expect(hasEndOfImage(stripped)).toBe(true);
      expect(checkJpegIntegrity(stripped)).toEqual(checkJpegIntegrity(bytes));
      expect(readExif(stripped)).toMatchObject({ orientation: 1, make: null, model: null, exposureTime: null });
      expect(stripped[stripped.length - 2]).toBe(0xff);
      expect(stripped[stripped.length - 1]).toBe(0xd9);
    });

    it.each(ALL_JPEGS.filter((f) => f !== 'broken/corrupted.jpg'))(
      '%s passes the restart-interval completeness check',
      async (file) => {
        expect(checkJpegIntegrity(await readCorpus(file))).toEqual({ ok: true });
      },
    );

    it.each(['orientation/landscape_2.jpg', 'cameras/Canon_40D.jpg'])('%s keeps its ICC profile', async (file) => {
      const markers = headerMarkers(stripJpegMetadata(await readCorpus(file)));
      expect(markers).toContain(0xe2);
    });

    it.each(['orientation/landscape_1.jpg', 'orientation/portrait_1.jpg'])(
      '%s keeps its Adobe APP14 colour-transform segment',
      async (file) => {
        const markers = headerMarkers(stripJpegMetadata(await readCorpus(file)));
        expect(markers).toContain(0xee);
      },
    );
  });
});
