import { describe, it, expect } from 'vitest';
import {
  cameraName,
  orientedSize,
  parseExifTiff,
  readExif,
  type CameraExif,
  type Orientation,
} from '../../../src/shared/image/exif';
import {
  buildExifApp1,
  buildExifTiff,
  buildJpegSegment,
  buildXmpApp1,
  concatBytes,
  directoryOffset,
  EXIF_TAG,
  patchIfdEntry,
  textBytes,
  TIFF_TYPE,
  withExif,
  withSegments,
  type ByteOrder,
  type ExifFixture,
} from '../../fixtures/exif-builder';
import { tinyImage } from '../../fixtures/tiny-images';

const FULL_FIXTURE: ExifFixture = {
  orientation: 6,
  make: 'NIKON CORPORATION',
  model: 'NIKON D70',
  lensModel: 'AF-S Nikkor 35mm f/1.8G',
  fNumber: [28, 10],
  exposureTime: [1, 250],
  iso: 400,
  focalLength: [35, 1],
  gps: { latitude: 43.4674, longitude: -11.8807 },
  makerNote: textBytes('Nikon\0\x02\x10\0\0MM\0*secret maker note'),
  serialNumber: 'SN123456',
  ownerName: 'Jane Doe',
  dateTimeOriginal: '2024:05:01 12:00:00',
};

const FULL_EXPECTED: CameraExif = {
  orientation: 6,
  make: 'NIKON CORPORATION',
  model: 'NIKON D70',
  lensModel: 'AF-S Nikkor 35mm f/1.8G',
  fNumber: 2.8,
  exposureTime: '1/250',
  exposureSeconds: 0.004,
  iso: 400,
  focalLength: 35,
};

const DEFAULTS: CameraExif = {
  orientation: 1,
  make: null,
  model: null,
  lensModel: null,
  fNumber: null,
  exposureTime: null,
  exposureSeconds: null,
  iso: null,
  focalLength: null,
};

const EXPOSED_FIELDS = Object.keys(DEFAULTS).sort();

const u8 = (...values: number[]): Uint8Array => new Uint8Array(values);

function setUint16(bytes: Uint8Array, offset: number, value: number, byteOrder: ByteOrder): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setUint16(offset, value, byteOrder === 'II');
  return copy;
}

function setUint32(bytes: Uint8Array, offset: number, value: number, byteOrder: ByteOrder): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setUint32(offset, value, byteOrder === 'II');
  return copy;
}

describe.each(['II', 'MM'] as const)('parseExifTiff with %s byte order', (byteOrder) => {
  const full = buildExifTiff(FULL_FIXTURE, byteOrder);

  it('reads every displayed field from IFD0 and the Exif sub-IFD', () => {
    expect(parseExifTiff(full)).toEqual(FULL_EXPECTED);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('reads orientation %i', (orientation) => {
    expect(parseExifTiff(buildExifTiff({ orientation }, byteOrder)).orientation).toBe(orientation);
  });

  it('falls back to orientation 1 for out-of-range values 0 and 9', () => {
    expect(parseExifTiff(buildExifTiff({ orientation: 0 }, byteOrder)).orientation).toBe(1);
    expect(parseExifTiff(buildExifTiff({ orientation: 9 }, byteOrder)).orientation).toBe(1);
  });

  it('accepts an orientation stored as LONG instead of SHORT', () => {
    const tiff = patchIfdEntry(buildExifTiff({ orientation: 3 }, byteOrder), 'ifd0', EXIF_TAG.orientation, {
      type: TIFF_TYPE.long,
      value: 8,
    });
    expect(parseExifTiff(tiff).orientation).toBe(8);
  });

  it('ignores an orientation entry with an unknown field type', () => {
    const tiff = patchIfdEntry(buildExifTiff({ orientation: 6 }, byteOrder), 'ifd0', EXIF_TAG.orientation, {
      type: 99,
    });
    expect(parseExifTiff(tiff).orientation).toBe(1);
  });

  it('reads IFD0 fields when there is no Exif sub-IFD at all', () => {
    expect(parseExifTiff(buildExifTiff({ make: 'Canon', model: 'Canon EOS 40D' }, byteOrder))).toEqual({
      ...DEFAULTS,
      make: 'Canon',
      model: 'Canon EOS 40D',
    });
  });

  it('terminates and keeps IFD0 fields when the Exif IFD pointer loops back to IFD0', () => {
    const looped = patchIfdEntry(full, 'ifd0', EXIF_TAG.exifIfdPointer, { value: directoryOffset(full, 'ifd0') });
    expect(parseExifTiff(looped)).toEqual({
      ...DEFAULTS,
      orientation: 6,
      make: 'NIKON CORPORATION',
      model: 'NIKON D70',
    });
  });

  it('keeps IFD0 fields when the Exif IFD pointer points past the end of the data', () => {
    const dangling = patchIfdEntry(full, 'ifd0', EXIF_TAG.exifIfdPointer, { value: 0xfffffff0 });
    expect(parseExifTiff(dangling)).toMatchObject({ orientation: 6, make: 'NIKON CORPORATION', fNumber: null });
  });

  it('returns the defaults when the IFD0 offset points past the end of the data', () => {
    expect(parseExifTiff(setUint32(full, 4, full.length + 100, byteOrder))).toEqual(DEFAULTS);
  });

  it('reads the entries that fit when an IFD claims 65535 entries', () => {
    const tiff = setUint16(full, directoryOffset(full, 'ifd0'), 0xffff, byteOrder);
    expect(parseExifTiff(tiff)).toMatchObject({ orientation: 6, make: 'NIKON CORPORATION', model: 'NIKON D70' });
  });

  it('drops a string whose offset points past the end, keeping the other fields', () => {
    const tiff = patchIfdEntry(full, 'exif', EXIF_TAG.lensModel, { value: full.length - 3 });
    expect(parseExifTiff(tiff)).toEqual({ ...FULL_EXPECTED, lensModel: null });
  });

  it('reads at most 128 bytes of a string that claims 4 GiB, stopping at its NUL', () => {
    const padded = concatBytes(full, new Uint8Array(200));
    const tiff = patchIfdEntry(padded, 'exif', EXIF_TAG.lensModel, { count: 0xffffffff });
    expect(parseExifTiff(tiff).lensModel).toBe('AF-S Nikkor 35mm f/1.8G');
  });

  it('drops a rational whose value offset points past the end', () => {
    const tiff = patchIfdEntry(full, 'exif', EXIF_TAG.fNumber, { value: 0x7fffffff });
    expect(parseExifTiff(tiff)).toEqual({ ...FULL_EXPECTED, fNumber: null });
  });

  it('drops rationals with a zero denominator or zero value and an ISO of 0', () => {
    const tiff = buildExifTiff({ fNumber: [28, 0], exposureTime: [0, 1], focalLength: [0, 0], iso: 0 }, byteOrder);
    expect(parseExifTiff(tiff)).toEqual(DEFAULTS);
  });

  it('returns the defaults for a wrong byte-order mark or a magic number other than 42', () => {
    expect(parseExifTiff(concatBytes(textBytes('XX'), full.subarray(2)))).toEqual(DEFAULTS);
    expect(parseExifTiff(setUint16(full, 2, 43, byteOrder))).toEqual(DEFAULTS);
  });

  it('never throws and never returns a partial value when the block is cut at any byte', () => {
    for (let length = 0; length <= full.length; length++) {
      const exif = parseExifTiff(full.subarray(0, length));
      for (const key of Object.keys(FULL_EXPECTED) as Array<keyof CameraExif>) {
        expect([DEFAULTS[key], FULL_EXPECTED[key]], `${key} at length ${length}`).toContain(exif[key]);
      }
    }
  });
});

describe('exposure time notation', () => {
  const cases: Array<[[number, number], string]> = [
    [[1, 250], '1/250'],
    [[10, 2500], '1/250'],
    [[4, 300], '1/75'],
    [[148, 8160], '1/55'],
    [[1, 4], '1/4'],
    [[3, 10], '0.3'],
    [[1, 2], '0.5'],
    [[13, 10], '1.3'],
    [[2, 1], '2'],
    [[30, 1], '30'],
  ];
  it.each(cases)('writes %j seconds as "%s"', (exposureTime, text) => {
    const exif = parseExifTiff(buildExifTiff({ exposureTime }));
    expect(exif.exposureTime).toBe(text);
    expect(exif.exposureSeconds).toBe(exposureTime[0] / exposureTime[1]);
  });
});

describe('readExif: finding the EXIF block in each container', () => {
  it.each(['II', 'MM'] as const)('reads a %s EXIF APP1 inserted after the JFIF APP0 of a JPEG', (byteOrder) => {
    const jpeg = withExif(tinyImage('jpeg-baseline-5x3'), buildExifApp1(FULL_FIXTURE, byteOrder));
    expect(readExif(jpeg)).toEqual(FULL_EXPECTED);
  });

  it('reads the big-endian EXIF that exiftool wrote into a real JPEG', () => {
    expect(readExif(tinyImage('jpeg-exiftool-mm-5x3'))).toEqual(FULL_EXPECTED);
  });

  it('finds the EXIF APP1 behind an XMP APP1 and a comment', () => {
    const jpeg = withSegments(
      tinyImage('jpeg-baseline-5x3'),
      buildXmpApp1(),
      buildJpegSegment(0xfe, 'comment'),
      buildExifApp1({ orientation: 8 }),
    );
    expect(readExif(jpeg).orientation).toBe(8);
  });

  it('accepts the "Exif\\0\\xFF" header variant some writers use', () => {
    const app1 = buildExifApp1({ orientation: 5 });
    app1[9] = 0xff;
    expect(readExif(withExif(tinyImage('jpeg-baseline-5x3'), app1)).orientation).toBe(5);
  });

  it('reads what arrived of an EXIF APP1 in a JPEG cut off inside that segment', () => {
    const app1 = buildExifApp1(FULL_FIXTURE);
    const jpeg = withExif(tinyImage('jpeg-baseline-5x3'), app1);
    // SOI + JFIF APP0, APP1 marker and length, "Exif\0\0", TIFF header, entry count, five IFD0 entries.
    const ifd0End = 20 + 4 + 6 + 8 + 2 + 5 * 12;
    expect(readExif(jpeg.subarray(0, ifd0End))).toEqual({ ...DEFAULTS, orientation: 6 });
  });

  it('reads the big-endian eXIf chunk exiftool wrote into a real PNG', () => {
    expect(readExif(tinyImage('png-exif-5x3'))).toEqual({
      ...DEFAULTS,
      orientation: 6,
      make: 'TestMake',
      model: 'TestMake Model 1',
      exposureTime: '1/250',
      exposureSeconds: 0.004,
    });
  });

  it('reads the big-endian EXIF chunk exiftool wrote into a real WebP', () => {
    expect(readExif(tinyImage('webp-exif-5x3'))).toMatchObject({
      orientation: 6,
      make: 'TestMake',
      exposureTime: '1/250',
    });
  });

  it('reads a PNG eXIf chunk that wrongly keeps the "Exif\\0\\0" prefix', () => {
    const png = tinyImage('png-5x3');
    const data = concatBytes(textBytes('Exif\0\0'), buildExifTiff({ orientation: 7 }, 'MM'));
    const chunk = concatBytes(u8(0, 0, data.length >> 8, data.length & 0xff), textBytes('eXIf'), data, u8(0, 0, 0, 0));
    const withChunk = concatBytes(png.subarray(0, 33), chunk, png.subarray(33)); // after IHDR
    expect(readExif(withChunk).orientation).toBe(7);
  });

  it('steps over an odd-sized WebP chunk (and its pad byte) to reach the EXIF chunk', () => {
    const tiff = buildExifTiff({ orientation: 2 });
    const odd = concatBytes(textBytes('ICCP'), u8(3, 0, 0, 0), u8(1, 2, 3, 0));
    const exifChunk = concatBytes(textBytes('EXIF'), u8(tiff.length, 0, 0, 0), tiff);
    const webp = tinyImage('webp-vp8-5x3');
    expect(readExif(concatBytes(webp, odd, exifChunk)).orientation).toBe(2);
  });

  it.each(['jpeg-baseline-5x3', 'png-5x3', 'webp-vp8-5x3', 'gif-1x1'] as const)(
    'returns the defaults for %s, which carries no EXIF',
    (name) => {
      expect(readExif(tinyImage(name))).toEqual(DEFAULTS);
    },
  );
});

describe('readExif: privacy', () => {
  it('exposes only the displayed fields, never GPS, serial, owner, timestamps or maker notes', () => {
    const exif = readExif(withExif(tinyImage('jpeg-baseline-5x3'), buildExifApp1(FULL_FIXTURE)));
    expect(Object.keys(exif).sort()).toEqual(EXPOSED_FIELDS);
    const serialised = JSON.stringify(exif);
    for (const secret of ['SN123456', 'Jane', '2024', 'secret', '43', '11.88']) {
      expect(serialised).not.toContain(secret);
    }
  });
});

describe('cameraName', () => {
  const cases: Array<[string | null, string | null, string | null]> = [
    ['Canon', 'Canon EOS 40D', 'Canon EOS 40D'],
    ['NIKON CORPORATION', 'NIKON D70', 'NIKON D70'],
    ['NIKON', 'COOLPIX P6000', 'NIKON COOLPIX P6000'],
    ['FUJIFILM', 'DX-10', 'FUJIFILM DX-10'],
    ['Jolla', 'Jolla', 'Jolla'],
    ['Apple', 'iPhone 11 Pro Max', 'Apple iPhone 11 Pro Max'],
    ['OLYMPUS IMAGING CORP.', 'u1020,S1020', 'OLYMPUS u1020,S1020'],
    ['OLYMPUS OPTICAL CO.,LTD', 'C2500L', 'OLYMPUS C2500L'],
    ['EASTMAN KODAK COMPANY', 'KODAK Z740 ZOOM DIGITAL CAMERA', 'KODAK Z740 ZOOM DIGITAL CAMERA'],
    ['samsung', 'SM-G960F', 'samsung SM-G960F'],
    ['Canon\0\0\0', '  Canon EOS 5D\0\0  ', 'Canon EOS 5D'],
    ['SONY', null, 'SONY'],
    ['NIKON CORPORATION', '', 'NIKON'],
    [null, 'HC500 HYPERFIRE', 'HC500 HYPERFIRE'],
    [null, null, null],
    ['\0\0 ', ' \0', null],
  ];
  it.each(cases)('shows make %j and model %j as %j', (make, model, expected) => {
    expect(cameraName(make, model)).toBe(expected);
  });
});

describe('orientedSize', () => {
  it.each([1, 2, 3, 4] as Orientation[])('keeps 600x450 for orientation %i', (orientation) => {
    expect(orientedSize(600, 450, orientation)).toEqual({ width: 600, height: 450 });
  });
  it.each([5, 6, 7, 8] as Orientation[])(
    'swaps 450x600 to 600x450 for orientation %i, a quarter turn',
    (orientation) => {
      expect(orientedSize(450, 600, orientation)).toEqual({ width: 600, height: 450 });
    },
  );
});
