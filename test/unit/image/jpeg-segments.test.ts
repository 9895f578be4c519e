import { describe, it, expect } from 'vitest';
import {
  checkJpegIntegrity,
  hasEndOfImage,
  JpegStructureError,
  stripJpegMetadata,
} from '../../../src/shared/image/jpeg-segments';
import { sniffImage } from '../../../src/shared/image/format';
import { readExif } from '../../../src/shared/image/exif';
import { tinyImage, TINY_IMAGE_NAMES, type TinyImageName } from '../../fixtures/tiny-images';
import {
  buildExifApp1,
  buildJpegSegment,
  buildXmpApp1,
  concatBytes,
  textBytes,
  withExif,
  withSegments,
} from '../../fixtures/exif-builder';

const JPEG_NAMES = TINY_IMAGE_NAMES.filter((name) => name.startsWith('jpeg-'));
const METADATA_FREE_JPEGS: TinyImageName[] = [
  'jpeg-baseline-5x3',
  'jpeg-progressive-5x3',
  'jpeg-restart-40x24',
  'jpeg-progressive-restart-40x24',
  'jpeg-rgb-adobe-5x3',
];

const u8 = (...values: number[]): Uint8Array => new Uint8Array(values);

interface HeaderSegment {
  marker: number;
  start: number;
  end: number;
}

/** A deliberately naive walk (valid files only) kept independent of the code under test. */
function headerSegments(jpeg: Uint8Array): HeaderSegment[] {
  const segments: HeaderSegment[] = [];
  for (let pos = 2; pos < jpeg.length;) {
    const marker = jpeg[pos + 1] ?? 0;
    const end = pos + 2 + (((jpeg[pos + 2] ?? 0) << 8) | (jpeg[pos + 3] ?? 0));
    segments.push({ marker, start: pos, end });
    if (marker === 0xda) return segments;
    pos = end;
  }
  return segments;
}

function headerMarkers(jpeg: Uint8Array): number[] {
  return headerSegments(jpeg).map((s) => s.marker);
}

function firstScanOffset(jpeg: Uint8Array): number {
  const sos = headerSegments(jpeg).find((s) => s.marker === 0xda);
  if (!sos) throw new Error('no SOS');
  return sos.start;
}

function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** 0xFF followed by the marker code: a pair that byte stuffing keeps out of entropy-coded data. */
function allMarkerOffsets(bytes: Uint8Array, marker: number): number[] {
  const offsets: number[] = [];
  for (let i = 0; i + 1 < bytes.length; i++) if (bytes[i] === 0xff && bytes[i + 1] === marker) offsets.push(i);
  return offsets;
}

/** Offsets of the RST markers after the first SOS (entropy-coded data never contains 0xFFD0–D7 otherwise). */
function restartMarkerOffsets(jpeg: Uint8Array): number[] {
  const offsets: number[] = [];
  for (let i = firstScanOffset(jpeg); i + 1 < jpeg.length; i++) {
    const next = jpeg[i + 1] ?? 0;
    if (jpeg[i] === 0xff && next >= 0xd0 && next <= 0xd7) offsets.push(i);
  }
  return offsets;
}

function withoutRange(bytes: Uint8Array, from: number, to: number): Uint8Array {
  return concatBytes(bytes.subarray(0, from), bytes.subarray(to));
}

const ICC_APP2 = buildJpegSegment(
  0xe2,
  concatBytes(textBytes('ICC_PROFILE\0'), u8(1, 1), textBytes('fake icc profile body')),
);
const MPF_APP2 = buildJpegSegment(0xe2, textBytes('MPF\0MM\0*\0\0\0\x08 secondary image index'));
const PHOTOSHOP_APP13 = buildJpegSegment(0xed, textBytes('Photoshop 3.0\x008BIM\x04\x04 IPTC By-line: Jane Doe'));
const ADOBE_APP14 = buildJpegSegment(0xee, concatBytes(textBytes('Adobe'), u8(0, 100, 0, 0, 0, 0, 1)));
const JFXX_APP0 = buildJpegSegment(0xe0, concatBytes(textBytes('JFXX\0'), u8(0x13), textBytes('thumbnail')));
const APP15_JUNK = buildJpegSegment(0xef, textBytes('vendor junk with a serial SN999'));
const COMMENT = buildJpegSegment(0xfe, 'private comment');

function everyKindOfMetadata(jpeg: Uint8Array): Uint8Array {
  return withSegments(
    jpeg,
    JFXX_APP0,
    buildExifApp1({
      orientation: 6,
      make: 'NIKON',
      gps: { latitude: 1.5, longitude: 2.5 },
      makerNote: textBytes('MKN'),
    }),
    buildXmpApp1(),
    ICC_APP2,
    MPF_APP2,
    PHOTOSHOP_APP13,
    ADOBE_APP14,
    APP15_JUNK,
    COMMENT,
  );
}

describe('hasEndOfImage', () => {
  it.each(JPEG_NAMES)('is true for the complete file %s', (name) => {
    expect(hasEndOfImage(tinyImage(name))).toBe(true);
  });

  it.each(['jpeg-baseline-5x3', 'jpeg-progressive-5x3', 'jpeg-restart-40x24'] as const)(
    'is false for %s cut at every length short of its final EOI',
    (name) => {
      const file = tinyImage(name);
      for (let length = 0; length < file.length; length++) {
        expect(hasEndOfImage(file.subarray(0, length)), `length ${length}`).toBe(false);
      }
    },
  );

  it('ignores bytes after EOI, such as an appended preview JPEG or padding', () => {
    const file = tinyImage('jpeg-baseline-5x3');
    expect(hasEndOfImage(concatBytes(file, tinyImage('jpeg-progressive-5x3')))).toBe(true);
    expect(hasEndOfImage(concatBytes(file, new Uint8Array(1000)))).toBe(true);
  });

  it('is false when the only EOI is inside an embedded EXIF thumbnail and the scan is cut short', () => {
    const thumbnail = tinyImage('jpeg-progressive-5x3');
    const file = withExif(tinyImage('jpeg-baseline-5x3'), buildExifApp1({ makerNote: thumbnail }));
    expect(hasEndOfImage(file.subarray(0, file.length - 10))).toBe(false);
  });

  it('accepts 0xFF fill bytes before the EOI marker', () => {
    const file = tinyImage('jpeg-baseline-5x3');
    expect(hasEndOfImage(concatBytes(file.subarray(0, -2), u8(0xff, 0xff, 0xff, 0xd9)))).toBe(true);
  });

  it('is false for a file with no scan at all, and for something that is not a JPEG', () => {
    expect(hasEndOfImage(u8(0xff, 0xd8, 0xff, 0xd9))).toBe(false);
    expect(hasEndOfImage(tinyImage('png-5x3'))).toBe(false);
    expect(hasEndOfImage(new Uint8Array(0))).toBe(false);
  });
});

describe('checkJpegIntegrity', () => {
  it.each(JPEG_NAMES)('finds %s complete, with every restart interval present', (name) => {
    expect(checkJpegIntegrity(tinyImage(name))).toEqual({ ok: true });
  });

  it.each(['jpeg-restart-40x24', 'jpeg-progressive-restart-40x24'] as const)(
    'detects one restart interval cut out of %s even though the file still ends in EOI',
    (name) => {
      const file = tinyImage(name);
      const [first, second] = restartMarkerOffsets(file);
      if (first === undefined || second === undefined) throw new Error('fixture lacks restart markers');
      const damaged = withoutRange(file, first, second);
      expect(hasEndOfImage(damaged)).toBe(true);
      expect(checkJpegIntegrity(damaged)).toEqual({ ok: false, problem: 'missing-restart-intervals' });
    },
  );

  it('detects an interval missing from any one of the 10 progressive scans, interleaved or single-component', () => {
    const file = tinyImage('jpeg-progressive-restart-40x24');
    const scanStarts = allMarkerOffsets(file, 0xda);
    expect(scanStarts).toHaveLength(10);
    const restarts = restartMarkerOffsets(file);
    for (const [i, scanStart] of scanStarts.entries()) {
      const scanEnd = scanStarts[i + 1] ?? file.length;
      const [first, second] = restarts.filter((offset) => offset > scanStart && offset < scanEnd);
      if (first === undefined || second === undefined) throw new Error(`scan ${i} has fewer than two restart markers`);
      expect(checkJpegIntegrity(withoutRange(file, first, second)), `scan ${i}`).toEqual({
        ok: false,
        problem: 'missing-restart-intervals',
      });
    }
  });

  it('reports truncated when the data stops before EOI, and corrupt for a non-JPEG or a scanless file', () => {
    const file = tinyImage('jpeg-baseline-5x3');
    expect(checkJpegIntegrity(file.subarray(0, 400))).toEqual({ ok: false, problem: 'truncated' });
    expect(checkJpegIntegrity(tinyImage('png-5x3'))).toEqual({ ok: false, problem: 'corrupt' });
    expect(checkJpegIntegrity(u8(0xff, 0xd8, 0xff, 0xd9))).toEqual({ ok: false, problem: 'corrupt' });
  });
});

describe('stripJpegMetadata', () => {
  it.each(METADATA_FREE_JPEGS)('returns %s byte for byte when it has no metadata to remove', (name) => {
    expect(stripJpegMetadata(tinyImage(name))).toEqual(tinyImage(name));
  });

  it('removes EXIF (with GPS, serial, owner, date), XMP and the comment exiftool wrote into a real JPEG', () => {
    const original = tinyImage('jpeg-exiftool-mm-5x3');
    const stripped = stripJpegMetadata(original);
    expect(headerMarkers(original)).toContain(0xe1);
    expect(headerMarkers(stripped)).not.toContain(0xe1);
    expect(headerMarkers(stripped)).not.toContain(0xfe);
    for (const secret of ['Exif', 'http://ns.adobe.com', 'Jane Doe', 'SN123456', 'private comment', 'NIKON']) {
      expect(containsBytes(stripped, textBytes(secret)), secret).toBe(false);
    }
    expect(stripped).toEqual(tinyImage('jpeg-baseline-5x3'));
  });

  it('keeps the JFIF APP0, the ICC profile APP2 and the Adobe APP14 and drops every other APPn and COM', () => {
    const stripped = stripJpegMetadata(everyKindOfMetadata(tinyImage('jpeg-baseline-5x3')));
    const kept = headerSegments(stripped).filter((s) => s.marker >= 0xe0);
    expect(kept.map((s) => stripped.subarray(s.start, s.end))).toEqual([
      tinyImage('jpeg-baseline-5x3').subarray(2, 20),
      ICC_APP2,
      ADOBE_APP14,
    ]);
    expect(headerMarkers(stripped)).not.toContain(0xfe);
  });

  it('drops metadata placed between the frame header and the first scan', () => {
    const original = tinyImage('jpeg-baseline-5x3');
    const sos = firstScanOffset(original);
    const withLateXmp = concatBytes(original.subarray(0, sos), buildXmpApp1(), COMMENT, original.subarray(sos));
    expect(stripJpegMetadata(withLateXmp)).toEqual(original);
  });

  it('copies every progressive scan and the tables between them byte for byte, dropping a comment between scans', () => {
    const original = tinyImage('jpeg-progressive-5x3');
    const secondSos = allMarkerOffsets(original, 0xda)[1] ?? 0;
    const tampered = concatBytes(original.subarray(0, secondSos), COMMENT, original.subarray(secondSos));
    expect(stripJpegMetadata(tampered)).toEqual(original);
  });

  it('keeps scans byte-identical from the first SOS through EOI under a pile of metadata', () => {
    const original = tinyImage('jpeg-progressive-restart-40x24');
    const stripped = stripJpegMetadata(everyKindOfMetadata(original));
    expect(stripped.subarray(firstScanOffset(stripped))).toEqual(original.subarray(firstScanOffset(original)));
    expect(sniffImage(stripped)).toEqual({ ok: true, format: 'jpeg', width: 40, height: 24 });
    expect(checkJpegIntegrity(stripped)).toEqual({ ok: true });
    expect(readExif(stripped).orientation).toBe(1);
  });

  it('drops everything after EOI (previews, MPF images, motion-photo videos)', () => {
    const original = tinyImage('jpeg-baseline-5x3');
    const withTrailer = concatBytes(original, tinyImage('jpeg-progressive-5x3'), textBytes('ftypmp42 video'));
    expect(stripJpegMetadata(withTrailer)).toEqual(original);
  });

  it('rewrites a JFIF APP0 that embeds a thumbnail into one without, keeping version and density', () => {
    const original = tinyImage('jpeg-baseline-5x3');
    const jfifWithThumbnail = buildJpegSegment(
      0xe0,
      concatBytes(textBytes('JFIF\0'), u8(1, 2, 1, 0, 72, 0, 72, 2, 1), u8(255, 0, 0, 0, 255, 0)),
    );
    const file = concatBytes(original.subarray(0, 2), jfifWithThumbnail, original.subarray(20));
    const app0 = headerSegments(stripJpegMetadata(file))[0];
    if (!app0) throw new Error('no APP0');
    expect(stripJpegMetadata(file).subarray(app0.start, app0.end)).toEqual(
      buildJpegSegment(0xe0, concatBytes(textBytes('JFIF\0'), u8(1, 2, 1, 0, 72, 0, 72, 0, 0))),
    );
  });

  it('writes a JFIF APP0 of an unknown major version as 1.02, which libjpeg reads without a warning, and drops a short one', () => {
    const original = tinyImage('jpeg-baseline-5x3');
    const replaceApp0 = (app0: Uint8Array) => concatBytes(original.subarray(0, 2), app0, original.subarray(20));
    const damaged = buildJpegSegment(0xe0, concatBytes(textBytes('JFIF\0'), u8(125, 1, 1, 0, 72, 0, 72, 0, 0)));
    const stripped = stripJpegMetadata(replaceApp0(damaged));
    const app0 = headerSegments(stripped)[0];
    if (!app0) throw new Error('no APP0');
    expect(stripped.subarray(app0.start, app0.end)).toEqual(
      buildJpegSegment(0xe0, concatBytes(textBytes('JFIF\0'), u8(1, 2, 1, 0, 72, 0, 72, 0, 0))),
    );
    const short = buildJpegSegment(0xe0, concatBytes(textBytes('JFIF\0'), u8(1, 1)));
    expect(headerSegments(stripJpegMetadata(replaceApp0(short))).some((segment) => segment.marker === 0xe0)).toBe(
      false,
    );
  });

  it('is idempotent', () => {
    const once = stripJpegMetadata(everyKindOfMetadata(tinyImage('jpeg-rgb-adobe-5x3')));
    expect(stripJpegMetadata(once)).toEqual(once);
  });

  it('keeps what arrived of a file cut inside its scan data, without inventing an EOI', () => {
    const original = tinyImage('jpeg-baseline-5x3');
    const cut = original.subarray(0, original.length - 20);
    expect(stripJpegMetadata(withExif(cut, buildExifApp1({ make: 'X' })))).toEqual(cut);
  });

  it('throws JpegStructureError when the header stops before the first scan, or the input is not a JPEG', () => {
    const original = tinyImage('jpeg-baseline-5x3');
    expect(() => stripJpegMetadata(original.subarray(0, 100))).toThrow(JpegStructureError);
    expect(() => stripJpegMetadata(original.subarray(0, 100))).toThrow(/truncated/);
    expect(() => stripJpegMetadata(tinyImage('png-5x3'))).toThrow(/corrupt/);
    expect(() => stripJpegMetadata(u8(0xff, 0xd8, 0xff, 0xd9))).toThrow(JpegStructureError);
  });
});
