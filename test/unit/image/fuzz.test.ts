import { describe, it, expect } from 'vitest';
import { sniffImage, type SniffResult } from '../../../src/shared/image/format';
import { parseExifTiff, readExif, type CameraExif } from '../../../src/shared/image/exif';
import {
  checkJpegIntegrity,
  hasEndOfImage,
  JpegStructureError,
  stripJpegMetadata,
} from '../../../src/shared/image/jpeg-segments';
import { tinyImage, TINY_IMAGE_NAMES } from '../../fixtures/tiny-images';
import { buildExifApp1, buildExifTiff, concatBytes, textBytes, withExif } from '../../fixtures/exif-builder';
import { seededRandom } from '../../fixtures/seeded-random';

function randomBytes(random: () => number, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

/** Overwrites a few random bytes, then sometimes cuts the file at a random length. */
function mutate(random: () => number, original: Uint8Array): Uint8Array {
  const bytes = original.slice();
  const edits = 1 + Math.floor(random() * 8);
  for (let i = 0; i < edits; i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
  return random() < 0.3 ? bytes.subarray(0, Math.floor(random() * bytes.length)) : bytes;
}

function expectSaneSniff(result: SniffResult): void {
  if (!result.ok) return;
  expect(Number.isInteger(result.width) && result.width >= 1).toBe(true);
  expect(Number.isInteger(result.height) && result.height >= 1).toBe(true);
}

function expectSaneExif(exif: CameraExif): void {
  expect([1, 2, 3, 4, 5, 6, 7, 8]).toContain(exif.orientation);
  for (const text of [exif.make, exif.model, exif.lensModel]) {
    if (text !== null) expect(text.length).toBeLessThanOrEqual(128);
  }
}

/** Every entry point must answer without throwing; stripping may only refuse with its own error. */
function exerciseEverything(bytes: Uint8Array): void {
  expectSaneSniff(sniffImage(bytes));
  expectSaneExif(readExif(bytes));
  expectSaneExif(parseExifTiff(bytes));
  hasEndOfImage(bytes);
  checkJpegIntegrity(bytes);
  try {
    const stripped = stripJpegMetadata(bytes);
    expect(stripped.length).toBeLessThanOrEqual(bytes.length);
  } catch (error) {
    expect(error).toBeInstanceOf(JpegStructureError);
  }
}

const SIGNATURES: Record<string, Uint8Array> = {
  jpeg: new Uint8Array([0xff, 0xd8, 0xff]),
  png: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  webp: concatBytes(textBytes('RIFF'), new Uint8Array(4), textBytes('WEBP')),
  'webp VP8X': concatBytes(textBytes('RIFF'), new Uint8Array(4), textBytes('WEBPVP8X')),
  'tiff II': textBytes('II*\0\x08\0\0\0'),
  'tiff MM': textBytes('MM\0*\0\0\0\x08'),
  ftyp: textBytes('\0\0\0\x18ftyp'),
};

describe('fuzzing: no input makes any image function throw', () => {
  it('survives 3000 random byte strings of 0 to 300 bytes', () => {
    const random = seededRandom(1);
    for (let i = 0; i < 3000; i++) exerciseEverything(randomBytes(random, Math.floor(random() * 300)));
  });

  it.each(Object.keys(SIGNATURES))('survives 500 random tails behind a %s signature', (name) => {
    const random = seededRandom(2);
    const signature = SIGNATURES[name] ?? new Uint8Array(0);
    for (let i = 0; i < 500; i++) {
      exerciseEverything(concatBytes(signature, randomBytes(random, Math.floor(random() * 200))));
    }
  });

  it.each(TINY_IMAGE_NAMES)('survives 300 random mutations and truncations of the real file %s', (name) => {
    const random = seededRandom(3);
    const original = tinyImage(name);
    for (let i = 0; i < 300; i++) exerciseEverything(mutate(random, original));
  });

  it.each(['II', 'MM'] as const)(
    'survives 2000 mutations of a full %s EXIF block, bare and inside a JPEG',
    (byteOrder) => {
      const random = seededRandom(4);
      const fixture = {
        orientation: 6,
        make: 'Canon',
        model: 'Canon EOS 40D',
        lensModel: 'EF 50mm',
        fNumber: [18, 10] as const,
        exposureTime: [1, 60] as const,
        iso: 800,
        focalLength: [50, 1] as const,
        gps: { latitude: -33.9, longitude: 151.2 },
        makerNote: randomBytes(random, 40),
      };
      const tiff = buildExifTiff(fixture, byteOrder);
      const jpeg = withExif(tinyImage('jpeg-baseline-5x3'), buildExifApp1(fixture, byteOrder));
      for (let i = 0; i < 2000; i++) {
        expectSaneExif(parseExifTiff(mutate(random, tiff)));
        exerciseEverything(mutate(random, jpeg));
      }
    },
  );
});
