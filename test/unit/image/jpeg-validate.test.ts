import { describe, expect, it } from 'vitest';
import { processImage, UndecodableImageError } from '../../../src/processor/pipeline/index';
import { MARKER, readSegmentAt, type JpegSegment } from '../../../src/shared/image/jpeg-segments';
import { validateJpegStructure } from '../../../src/shared/image/jpeg-validate';
import { checkWithSharp } from '../../fixtures/image-checker';
import { photoLikePicture } from '../../fixtures/images/patterns';
import { tinyImage } from '../../fixtures/tiny-images';
import { encodeTestJpeg } from '../pipeline/support';

function segments(jpeg: Uint8Array): JpegSegment[] {
  const found: JpegSegment[] = [];
  for (let at = 2; ;) {
    const read = readSegmentAt(jpeg, at);
    if (!read.ok) throw new Error('unreadable');
    found.push(read.segment);
    if (read.segment.marker === MARKER.SOS) return found;
    at = read.segment.end;
  }
}

function first(jpeg: Uint8Array, marker: number): JpegSegment {
  const segment = segments(jpeg).find((s) => s.marker === marker);
  if (!segment) throw new Error(`no marker ${marker.toString(16)}`);
  return segment;
}

/** The file with `edit` applied to a copy. */
function edited(jpeg: Uint8Array, edit: (copy: Uint8Array) => void): Uint8Array {
  const copy = jpeg.slice();
  edit(copy);
  return copy;
}

/** Hostile variations of a valid baseline JPEG, each one libjpeg refuses (or a browser shows broken). */
function hostileVariants(jpeg: Uint8Array): [string, Uint8Array, RegExp][] {
  const dqt = first(jpeg, MARKER.DQT);
  const dht = first(jpeg, MARKER.DHT);
  const sos = first(jpeg, MARKER.SOS);
  const sof = segments(jpeg).find((s) => s.marker === 0xc0)!;
  const eoi = jpeg.length - 2;
  return [
    ['a quantisation table id above 3', edited(jpeg, (c) => (c[dqt.payloadStart] = 0x05)), /quantisation table id 5/],
    [
      'Huffman code lengths overflowing the code space',
      // Three codes of length 1 (only two fit), the table's symbol count kept by taking them from the longest length.
      edited(jpeg, (c) => {
        const counts = dht.payloadStart + 1;
        const longest = [...Array(16).keys()].reverse().find((i) => c[counts + i]! >= 3) ?? 0;
        c[counts + longest]! -= 3;
        c[counts]! += 3;
      }),
      /overflow the code space/,
    ],
    [
      'progressive scan parameters in a baseline frame',
      edited(jpeg, (c) => (c[sos.end - 2] = 5)),
      /progressive scan parameters in a sequential frame/,
    ],
    [
      'a frame header after the scan',
      new Uint8Array([...jpeg.subarray(0, eoi), ...jpeg.subarray(sof.start, sof.end), 0xff, 0xd9]),
      /frame header after a scan/,
    ],
    ['a scan naming an undefined Huffman table', edited(jpeg, (c) => (c[sos.payloadStart + 2] = 0x33)), /not defined/],
  ];
}

describe('validateJpegStructure', () => {
  it.each([
    'jpeg-baseline-5x3',
    'jpeg-progressive-5x3',
    'jpeg-restart-40x24',
    'jpeg-progressive-restart-40x24',
    'jpeg-rgb-adobe-5x3',
  ] as const)('accepts %s, which libjpeg decodes', (name) => {
    expect(validateJpegStructure(tinyImage(name))).toEqual({ ok: true });
  });

  it('accepts mozjpeg’s baseline and progressive output', async () => {
    const picture = photoLikePicture(64, 48);
    expect(validateJpegStructure(await encodeTestJpeg(picture))).toEqual({ ok: true });
    expect(validateJpegStructure(await encodeTestJpeg(picture, 90, { progressive: true }))).toEqual({ ok: true });
  });

  it.each(hostileVariants(tinyImage('jpeg-baseline-5x3')))('refuses %s', (_, jpeg, problem) => {
    const result = validateJpegStructure(jpeg);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatch(problem);
  });

  it('refuses an Adobe colour transform code libjpeg does not know (it warns, so sharp refuses the file)', () => {
    const jpeg = tinyImage('jpeg-rgb-adobe-5x3');
    expect(validateJpegStructure(jpeg).ok).toBe(true);
    const app14 = first(jpeg, MARKER.APP14);
    const result = validateJpegStructure(edited(jpeg, (c) => (c[app14.payloadStart + 11] = 16)));
    expect(!result.ok && result.problem).toMatch(/Adobe colour transform 16/);
  });

  it('refuses a refinement scan whose bit does not follow the previous one', () => {
    const jpeg = tinyImage('jpeg-progressive-5x3');
    const scans = [] as number[];
    for (let at = 0; at + 1 < jpeg.length; at++) if (jpeg[at] === 0xff && jpeg[at + 1] === MARKER.SOS) scans.push(at);
    // The second scan header's successive approximation byte, made a refinement of a bit never coded.
    const at = scans[1]!;
    const length = (jpeg[at + 2]! << 8) | jpeg[at + 3]!;
    const result = validateJpegStructure(edited(jpeg, (c) => (c[at + 2 + length - 1] = 0x54)));
    expect(result.ok).toBe(false);
  });
});

describe('a JPEG libjpeg would refuse never serves its own data', () => {
  it.each(hostileVariants(tinyImage('jpeg-restart-40x24')))(
    'with %s: refused, or re-encoded into variants sharp decodes',
    async (_, jpeg) => {
      for (const orientation of [1, 6]) {
        try {
          const result = await processImage(jpeg, 'jpeg', orientation);
          expect(result.originalMethod).toBe('re-encoded');
          for (const name of ['original', 'display', 'thumbnail'] as const) {
            const checked = await checkWithSharp(result[name].bytes);
            expect(checked.decodable, `${name}: ${checked.error}`).toBe(true);
            expect([checked.width, checked.height]).toEqual([result[name].width, result[name].height]);
          }
        } catch (error) {
          expect(error).toBeInstanceOf(UndecodableImageError);
        }
      }
    },
  );
});
