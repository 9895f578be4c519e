/**
 * Fuzzing processImage: a fixed, seeded set of mutated JPEG, PNG, WebP, HEIC and AVIF files. Each
 * case must either be refused with UndecodableImageError or produce variants that sharp (an
 * independent decoder, in Node: test/setup/image-checker.ts) decodes without a warning, at the
 * sizes the result states, carrying no metadata; and no case may take longer than CASE_BUDGET_MS.
 *
 * CI runs FUZZ_DEFAULT_CASES; `npm run fuzz -- --cases N --seed S` runs more (scripts/fuzz.ts).
 * A failure names its case number and seed, and rerunning with them reproduces it exactly.
 */
import { inject, describe, expect, it } from 'vitest';
import { processImage, UndecodableImageError, type SourceFormat } from '../../../src/processor/pipeline/index';
import { inspectImage } from '../../../src/shared/image/inspect';
import { checkWithSharp } from '../../fixtures/image-checker';
import { buildExifApp1, withExif } from '../../fixtures/exif-builder';
import { heifFixture } from '../../fixtures/images/heif-files';
import { photoLikePicture, quadrantPicture } from '../../fixtures/images/patterns';
import { encodePng, pngChunk, zlibCompress } from '../../fixtures/images/png-writer';
import { encodeWebp } from '../../fixtures/images/webp-writer';
import { tinyImage } from '../../fixtures/tiny-images';
import { encodeTestJpeg } from './support';
import { seededRandom } from '../../fixtures/seeded-random';

/**
 * Generous: the slowest legitimate case here (a 49 MP zlib-bomb PNG refused, or a mutated photo
 * decoded) takes a few seconds on the shared 2-core VM; a hang or a runaway decode is far beyond.
 * Not a speed assertion: a bound that catches a loop that does not end.
 */
const CASE_BUDGET_MS = 20_000;

interface Source {
  name: string;
  format: SourceFormat;
  bytes: Uint8Array;
}

/** A PNG whose IDAT inflates to far more than its header's rows: a decoder must stop at the rows it needs. */
async function zlibBombPng(): Promise<Uint8Array> {
  const width = 64;
  const height = 64;
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 0, 0, 0, 0], 8);
  const idat = await zlibCompress(new Uint8Array(16 * 1024 * 1024));
  return new Uint8Array([
    ...[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    ...pngChunk('IHDR', header),
    ...pngChunk('IDAT', idat),
    ...pngChunk('IEND', new Uint8Array(0)),
  ]);
}

async function sources(): Promise<Source[]> {
  const picture = photoLikePicture(120, 80);
  const exif = buildExifApp1({ orientation: 6, make: 'Fuzz', model: 'Case', gps: { latitude: 51.5, longitude: -0.1 } });
  return [
    { name: 'baseline JPEG with EXIF', format: 'jpeg', bytes: withExif(await encodeTestJpeg(picture), exif) },
    { name: 'progressive JPEG', format: 'jpeg', bytes: await encodeTestJpeg(picture, 85, { progressive: true }) },
    { name: 'JPEG with restart markers', format: 'jpeg', bytes: tinyImage('jpeg-restart-40x24') },
    {
      name: 'progressive JPEG with restart markers',
      format: 'jpeg',
      bytes: tinyImage('jpeg-progressive-restart-40x24'),
    },
    { name: 'Adobe RGB JPEG', format: 'jpeg', bytes: tinyImage('jpeg-rgb-adobe-5x3') },
    { name: 'PNG', format: 'png', bytes: await encodePng(picture, { colourType: 'rgb', filter: 'cycle' }) },
    { name: 'palette PNG', format: 'png', bytes: await encodePng(quadrantPicture(120, 80), { colourType: 'palette' }) },
    {
      name: 'interlaced PNG with alpha',
      format: 'png',
      bytes: await encodePng(picture, { colourType: 'rgba', interlaced: true }),
    },
    { name: 'PNG zlib bomb', format: 'png', bytes: await zlibBombPng() },
    { name: 'lossy WebP', format: 'webp', bytes: await encodeWebp(picture, { quality: 80 }) },
    { name: 'lossless WebP', format: 'webp', bytes: await encodeWebp(picture, { lossless: 1 }) },
    { name: 'HEIC', format: 'heic', bytes: heifFixture('single') },
    { name: 'AVIF', format: 'avif', bytes: heifFixture('avif') },
  ];
}

const FORMATS: SourceFormat[] = ['jpeg', 'png', 'webp', 'heic', 'avif'];

type Mutation =
  'bit flips' | 'header bytes' | 'truncation' | 'hostile dimensions' | 'bad tables' | 'another format’s name';
const MUTATIONS: Mutation[] = [
  'bit flips',
  'header bytes',
  'truncation',
  'hostile dimensions',
  'bad tables',
  'another format’s name',
];

/** Where a format's header keeps width and height (as stored), so they can be made hostile. */
function dimensionOffsets(source: Source): number[] {
  const bytes = source.bytes;
  if (source.format === 'png') return [16, 20];
  if (source.format === 'webp') return [24, 26, 27, 29];
  if (source.format === 'jpeg') {
    for (let at = 2; at + 9 < bytes.length;) {
      const marker = bytes[at + 1]!;
      if (marker >= 0xc0 && marker <= 0xc2) return [at + 5, at + 7];
      at += 2 + ((bytes[at + 2]! << 8) | bytes[at + 3]!);
    }
  }
  // HEIF: the ispe box's 32-bit width and height.
  for (let at = 0; at + 20 < bytes.length; at++)
    if (String.fromCharCode(...bytes.subarray(at, at + 4)) === 'ispe') return [at + 8, at + 12];
  return [];
}

/** JPEG tables (DQT, DHT), PNG palettes and chunk headers, the HEIF/WebP header area. */
function tableRange(source: Source): [number, number] {
  const bytes = source.bytes;
  if (source.format === 'jpeg') {
    let from = -1;
    for (let at = 2; at + 4 < bytes.length;) {
      const marker = bytes[at + 1]!;
      if (marker === 0xda) return [Math.max(from, 2), at + 14];
      if ((marker === 0xdb || marker === 0xc4) && from < 0) from = at;
      at += 2 + ((bytes[at + 2]! << 8) | bytes[at + 3]!);
    }
  }
  return [8, Math.min(bytes.length, 600)];
}

function mutate(source: Source, mutation: Mutation, random: () => number): { bytes: Uint8Array; format: SourceFormat } {
  const bytes = source.bytes.slice();
  const pick = (from: number, to: number) => from + Math.floor(random() * Math.max(1, to - from));
  switch (mutation) {
    case 'bit flips':
      for (let i = 0, n = 1 + pick(0, 8); i < n; i++) bytes[pick(0, bytes.length)]! ^= 1 << pick(0, 8);
      return { bytes, format: source.format };
    case 'header bytes':
      for (let i = 0; i < 3; i++) bytes[pick(0, Math.min(bytes.length, 400))] = pick(0, 256);
      return { bytes, format: source.format };
    case 'truncation':
      return { bytes: bytes.subarray(0, pick(0, bytes.length)), format: source.format };
    case 'hostile dimensions': {
      const hostile = [0, 1, 0xff, 0xffff, 0x7fff, 0x4000, pick(0, 256)];
      for (const at of dimensionOffsets(source)) bytes[at + pick(0, 2)] = hostile[pick(0, hostile.length)]! & 255;
      return { bytes, format: source.format };
    }
    case 'bad tables': {
      const [from, to] = tableRange(source);
      for (let i = 0, n = 1 + pick(0, 6); i < n; i++) bytes[pick(from, to)] = pick(0, 256);
      return { bytes, format: source.format };
    }
    case 'another format’s name': {
      const others = FORMATS.filter((format) => format !== source.format);
      return { bytes, format: others[pick(0, others.length)]! };
    }
  }
}

async function expectSoundVariants(result: Awaited<ReturnType<typeof processImage>>, label: string): Promise<void> {
  for (const name of ['original', 'display', 'thumbnail'] as const) {
    const variant = result[name];
    const checked = await checkWithSharp(variant.bytes);
    expect(checked.decodable, `${label}: ${name} undecodable by sharp: ${checked.error}`).toBe(true);
    expect(checked.format, label).toBe('jpeg');
    expect([checked.width, checked.height], `${label}: ${name} size`).toEqual([variant.width, variant.height]);
    expect(checked.exif || checked.xmp || checked.iptc, `${label}: ${name} carries metadata`).toBe(false);
  }
}

const plan = inject('fuzzPlan');

describe('fuzzing processImage with mutated files', () => {
  it(
    `refuses each of ${plan.cases} cases (seed ${plan.seed}) cleanly or makes variants sharp decodes`,
    async () => {
      const random = seededRandom(plan.seed);
      const all = await sources();
      const outcomes = { refused: 0, processed: 0 };
      const slowest = { ms: 0, label: '' };
      for (let n = 0; n < plan.cases; n++) {
        const source = all[n % all.length]!;
        const mutation = MUTATIONS[Math.floor(n / all.length) % MUTATIONS.length]!;
        const { bytes, format } = mutate(source, mutation, random);
        const label = `case ${n} (seed ${plan.seed}): ${source.name}, ${mutation} as ${format}`;
        const started = performance.now();
        const outcome = await processImage(bytes, format, 1 + (n % 8)).then(
          (result) => result,
          (thrown: unknown) => thrown,
        );
        const elapsed = performance.now() - started;
        if (elapsed > slowest.ms) Object.assign(slowest, { ms: elapsed, label });
        expect(elapsed, `${label} took ${Math.round(elapsed)} ms`).toBeLessThanOrEqual(CASE_BUDGET_MS);
        if (outcome instanceof UndecodableImageError) {
          outcomes.refused++;
          continue;
        }
        expect(outcome, label).not.toBeInstanceOf(Error);
        const result = outcome as Awaited<ReturnType<typeof processImage>>;
        // Memory: whatever was decoded was within its coding's published limit, the bound bench/pipeline.ts measures.
        const inspected = inspectImage(bytes);
        expect(inspected.ok && inspected.width * inspected.height <= inspected.maxPixels, label).toBe(true);
        await expectSoundVariants(result, label);
        outcomes.processed++;
      }
      console.log(
        `fuzz: ${plan.cases} cases, seed ${plan.seed}: ${outcomes.refused} refused, ${outcomes.processed} processed; slowest ${Math.round(slowest.ms)} ms (${slowest.label})`,
      );
      expect(outcomes.refused + outcomes.processed).toBe(plan.cases);
      expect(outcomes.refused).toBeGreaterThan(0);
      expect(outcomes.processed).toBeGreaterThan(0);
    },
    plan.cases * CASE_BUDGET_MS,
  );
});
