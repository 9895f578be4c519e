import { describe, expect, it } from 'vitest';
import { processImage, type PipelineResult } from '../../../src/processor/pipeline/index';
import { MARKER, stripJpegMetadata } from '../../../src/shared/image/jpeg-segments';
import {
  buildExifApp1,
  buildJpegSegment,
  buildXmpApp1,
  concatBytes,
  textBytes,
  withSegments,
} from '../../fixtures/exif-builder';
import { corpusAvailable, readCorpus } from '../../fixtures/corpus';
import { photoLikePicture } from '../../fixtures/images/patterns';
import { encodePng, pngChunk } from '../../fixtures/images/png-writer';
import { encodeTestJpeg, headerMarkers } from './support';

const VARIANTS = ['thumbnail', 'display', 'original'] as const;

const PRIVATE_EXIF = buildExifApp1({
  orientation: 1,
  make: 'Canon',
  model: 'Canon EOS 40D',
  serialNumber: 'SERIAL-0042',
  ownerName: 'Jane Doe',
  dateTimeOriginal: '2024:05:01 10:00:00',
  gps: { latitude: 43.46715, longitude: 11.88068 },
  makerNote: textBytes('MAKER-NOTE-BYTES'),
});
const COMMENT = buildJpegSegment(MARKER.COM, 'private comment: Jane Doe');
const IPTC = buildJpegSegment(0xed, concatBytes(textBytes('Photoshop 3.0\0'), textBytes('8BIM IPTC byline Jane Doe')));

/** A fake but well-formed ICC segment: what matters is that it travels unchanged. */
const ICC = buildJpegSegment(
  MARKER.APP2,
  concatBytes(textBytes('ICC_PROFILE\0'), new Uint8Array([1, 1]), textBytes('test colour profile')),
);

/** Header markers a variant may contain: JFIF, ICC colour profile, tables, frame, scan. */
const ALLOWED_HEADER_MARKERS = new Set([
  MARKER.APP0,
  MARKER.APP2,
  MARKER.DQT,
  MARKER.DHT,
  MARKER.DRI,
  MARKER.SOS,
  0xc0,
  0xc1,
  0xc2,
]);

function containsText(bytes: Uint8Array, text: string): boolean {
  const needle = textBytes(text);
  outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

function expectNoMetadata(result: PipelineResult): void {
  for (const name of VARIANTS) {
    const bytes = result[name].bytes;
    // The metadata stripper keeps only what decoding needs (and ICC): nothing to strip means nothing private.
    expect(stripJpegMetadata(bytes), `${name} has segments the stripper removes`).toEqual(bytes);
    for (const marker of headerMarkers(bytes))
      expect(ALLOWED_HEADER_MARKERS.has(marker), `${name}: marker 0x${marker.toString(16)}`).toBe(true);
    for (const text of [
      'Exif\0',
      'http://ns.adobe.com/xap',
      'Jane Doe',
      'SERIAL-0042',
      'MAKER-NOTE',
      'Canon',
      'Photoshop',
    ]) {
      expect(containsText(bytes, text), `${name} contains ${JSON.stringify(text)}`).toBe(false);
    }
  }
}

describe('served variants carry no metadata', () => {
  const picture = photoLikePicture(1400, 1000);

  it.each([1, 6])(
    'JPEG with EXIF (GPS, serial, owner, maker note), XMP, IPTC and a comment, orientation %i',
    async (orientation) => {
      const exif = buildExifApp1({
        orientation,
        make: 'Canon',
        serialNumber: 'SERIAL-0042',
        ownerName: 'Jane Doe',
        gps: { latitude: 1, longitude: 2 },
        makerNote: textBytes('MAKER-NOTE'),
      });
      const input = withSegments(
        await encodeTestJpeg(picture),
        orientation === 1 ? PRIVATE_EXIF : exif,
        buildXmpApp1(),
        IPTC,
        COMMENT,
      );
      expectNoMetadata(await processImage(input, 'jpeg', orientation));
    },
  );

  it('a small upright JPEG whose stripped bytes become the display too', async () => {
    const input = withSegments(await encodeTestJpeg(photoLikePicture(640, 480)), PRIVATE_EXIF, buildXmpApp1(), ICC);
    const result = await processImage(input, 'jpeg', 1);
    expect(result.display.bytes).toBe(result.original.bytes);
    expectNoMetadata(result);
    expect(containsText(result.display.bytes, 'test colour profile')).toBe(true);
  });

  it('PNG with eXIf and tEXt chunks', async () => {
    const png = await encodePng(photoLikePicture(400, 300), { colourType: 'rgb' });
    // Ancillary chunks go before IEND (the last 12 bytes).
    const withPrivateChunks = concatBytes(
      png.subarray(0, png.length - 12),
      pngChunk('eXIf', PRIVATE_EXIF.subarray(10)),
      pngChunk('tEXt', textBytes('Author\0Jane Doe')),
      png.subarray(png.length - 12),
    );
    expectNoMetadata(await processImage(withPrivateChunks, 'png', 1));
  });

  it('keeps a JPEG source’s ICC colour profile, unchanged, in every variant', async () => {
    const input = withSegments(await encodeTestJpeg(picture), PRIVATE_EXIF, ICC);
    for (const orientation of [1, 8]) {
      const result = await processImage(input, 'jpeg', orientation);
      for (const name of VARIANTS) {
        const bytes = result[name].bytes;
        expect(
          headerMarkers(bytes).filter((marker) => marker === MARKER.APP2),
          name,
        ).toHaveLength(1);
        expect(containsText(bytes, 'test colour profile'), name).toBe(true);
      }
    }
  });
});

describe.skipIf(!corpusAvailable)('metadata of real camera files', () => {
  it.each(['gps/DSCN0010.jpg', 'cameras/Canon_40D.jpg', 'cameras/jolla.jpg'])(
    '%s: no EXIF or GPS in any variant',
    async (file) => {
      const { readExif } = await import('../../../src/shared/image/exif');
      const bytes = await readCorpus(file);
      const result = await processImage(bytes, 'jpeg', readExif(bytes).orientation);
      for (const name of VARIANTS) {
        expect(stripJpegMetadata(result[name].bytes), name).toEqual(result[name].bytes);
        expect(containsText(result[name].bytes, 'Exif\0'), name).toBe(false);
      }
    },
  );
});
