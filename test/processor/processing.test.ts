/**
 * Upload → queue → processor Worker → R2 → served bytes, end to end inside workerd. The processor
 * runs as its own Worker beside the API (built by the test setup), consuming the real local queue.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { sniffImage } from '../../src/shared/image/format';
import { parsePublicId, toPublicId } from '../../src/shared/ids';
import { corpusAvailable, readCorpus } from '../fixtures/corpus';
import { buildExifApp1, buildExifTiff, withExif } from '../fixtures/exif-builder';
import { sharpEnlarged } from '../fixtures/image-checker';
import { heifFixture } from '../fixtures/images/heif-files';
import { quadrantGrid } from '../fixtures/images/heif-writer';
import { photoLikePicture } from '../fixtures/images/patterns';
import { encodePng } from '../fixtures/images/png-writer';
import { tinyImage } from '../fixtures/tiny-images';
import { call, callJson } from '../helpers/api';
import { registerUser, type TestUser } from '../helpers/factories';
import { carriesNoMetadata, containsText } from '../helpers/jpeg-inspection';
import { insertProcessingPost, waitUntilProcessed } from '../helpers/processing';
import { upload } from '../helpers/uploads';

async function uploadAndProcess(user: TestUser, bytes: Uint8Array, fields = {}, timeoutMs?: number) {
  const { status, body } = await upload(user.accessToken, bytes, fields);
  expect(status).toBe(202);
  return waitUntilProcessed(user.accessToken, body.data.postId, timeoutMs);
}

async function bytesAt(url: string): Promise<Uint8Array> {
  const response = await call(new URL(url).pathname + new URL(url).search);
  expect(response.status).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}

function dimensions(bytes: Uint8Array) {
  const sniffed = sniffImage(bytes);
  if (!sniffed.ok) throw new Error('not a readable JPEG');
  expect(sniffed.format).toBe('jpeg');
  return { width: sniffed.width, height: sniffed.height };
}

describe('processing an upload', () => {
  it('ends ready with three metadata-free JPEG variants served from R2', async () => {
    const user = await registerUser();
    const post = await uploadAndProcess(user, tinyImage('jpeg-restart-40x24'));
    expect(post.processingStatus).toBe('ready');
    expect(post.metadata).toMatchObject({ width: 40, height: 24, format: 'JPEG', camera: null, aspectRatio: 1.6667 });
    expect(post.metadata?.blurhash).toMatch(/^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{6,}$/);
    for (const url of [post.imageUrl, post.displayUrl, post.thumbnailUrl]) {
      const bytes = await bytesAt(String(url));
      expect(dimensions(bytes)).toEqual({ width: 40, height: 24 }); // never upscaled
      expect(carriesNoMetadata(bytes)).toBe(true);
    }
  });

  it('counts a ready post in its author’s postsCount, once', async () => {
    const user = await registerUser();
    await uploadAndProcess(user, tinyImage('jpeg-baseline-5x3'));
    const me = await callJson('/api/v1/users/profile', { token: user.accessToken });
    expect(me.body.data.postsCount).toBe(1);
  });

  it.each(['png-5x3', 'webp-vp8-5x3', 'webp-vp8l-5x3', 'webp-vp8x-alpha-5x3'] as const)(
    'turns a %s upload into JPEG variants',
    async (name) => {
      const user = await registerUser();
      const post = await uploadAndProcess(user, tinyImage(name));
      expect(post.processingStatus).toBe('ready');
      expect(post.metadata?.format).toBe(name.startsWith('png') ? 'PNG' : 'WEBP');
      expect(dimensions(await bytesAt(String(post.displayUrl)))).toEqual({ width: 5, height: 3 });
    },
  );

  it('turns an iPhone-like HEIC (a turned tile grid with EXIF) into upright JPEG variants with its camera', async () => {
    const tiles = (['tile00', 'tile01', 'tile10', 'tile11'] as const).map(heifFixture);
    const exifTiff = buildExifTiff({ orientation: 6, make: 'Apple', model: 'iPhone 15 Pro', iso: 80 });
    const user = await registerUser();
    const post = await uploadAndProcess(user, quadrantGrid(tiles, 120, 100, { transforms: [{ irot: 3 }], exifTiff }));
    expect(post.processingStatus).toBe('ready');
    expect(post.metadata).toMatchObject({ format: 'HEIC', width: 100, height: 120, camera: 'Apple iPhone 15 Pro' });
    expect(post.metadata?.exposure).toMatchObject({ iso: 80 });
    expect(dimensions(await bytesAt(String(post.displayUrl)))).toEqual({ width: 100, height: 120 });
  });

  it('turns an AVIF upload into JPEG variants', async () => {
    const user = await registerUser();
    const post = await uploadAndProcess(user, heifFixture('avif'));
    expect(post.processingStatus).toBe('ready');
    expect(post.metadata).toMatchObject({ format: 'AVIF', width: 128, height: 96 });
  });

  it('applies the EXIF orientation, reports the camera, and serves no EXIF or GPS', async () => {
    const exif = buildExifApp1({
      orientation: 6,
      make: 'Canon',
      model: 'Canon EOS 40D',
      fNumber: [71, 10],
      exposureTime: [1, 160],
      iso: 100,
      focalLength: [135, 1],
      gps: { latitude: 48.8584, longitude: 2.2945 },
      serialNumber: 'SN-123456',
      ownerName: 'Jane Private',
    });
    const user = await registerUser();
    const post = await uploadAndProcess(user, withExif(tinyImage('jpeg-restart-40x24'), exif));
    expect(post.metadata).toMatchObject({
      width: 24,
      height: 40,
      camera: 'Canon EOS 40D',
      exposure: { fNumber: 7.1, exposureTime: '1/160', iso: 100, focalLength: 135 },
    });
    const detail = JSON.stringify(post);
    expect(detail).not.toMatch(/SN-123456|Jane Private|48\.85/);
    for (const url of [post.imageUrl, post.displayUrl, post.thumbnailUrl]) {
      const bytes = await bytesAt(String(url));
      expect(dimensions(bytes)).toEqual({ width: 24, height: 40 });
      expect(carriesNoMetadata(bytes)).toBe(true);
      expect(containsText(bytes, 'Exif')).toBe(false);
      expect(containsText(bytes, 'Canon')).toBe(false);
    }
  });

  it('ends a JPEG whose data stops half-way as ready or failed, never stuck', async () => {
    const user = await registerUser();
    const whole = tinyImage('jpeg-restart-40x24');
    const post = await uploadAndProcess(user, whole.slice(0, Math.floor(whole.length * 0.7)));
    expect(['ready', 'failed']).toContain(post.processingStatus);
    if (post.processingStatus === 'failed') expect(post.failureReason).toMatch(/\w/);
  });

  it('does no harm when the same job is delivered again after the post is ready', async () => {
    const user = await registerUser();
    const post = await uploadAndProcess(user, tinyImage('jpeg-baseline-5x3'));
    const before = await bytesAt(String(post.displayUrl));
    await env.IMAGE_JOBS.send({ kind: 'process-post', postId: String(parsePublicId('post', post.postId)) });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const again = await waitUntilProcessed(user.accessToken, post.postId);
    expect(again.processingStatus).toBe('ready');
    expect(await bytesAt(String(again.displayUrl))).toEqual(before);
    const me = await callJson('/api/v1/users/profile', { token: user.accessToken });
    expect(me.body.data.postsCount).toBe(1);
  });

  it('fails a post whose stored original has vanished, with a reason, instead of retrying forever', async () => {
    const user = await registerUser();
    const postId = await insertProcessingPost(user);
    await env.IMAGE_JOBS.send({ kind: 'process-post', postId });
    const post = await waitUntilProcessed(user.accessToken, toPublicId('post', postId));
    expect(post.processingStatus).toBe('failed');
    expect(post.failureReason).toMatch(/missing/);
  });

  it('fails a post whose job was dead-lettered after its retries', async () => {
    const user = await registerUser();
    const postId = await insertProcessingPost(user);
    await env.DEAD_LETTERS.send({ kind: 'process-post', postId });
    const post = await waitUntilProcessed(user.accessToken, toPublicId('post', postId));
    expect(post.processingStatus).toBe('failed');
    expect(post.failureReason).toMatch(/gave up/);
  });
});

describe('image URLs and privacy', () => {
  it('serves public variants with immutable caching, ETag, 304 and Range', async () => {
    const user = await registerUser();
    const post = await uploadAndProcess(user, tinyImage('jpeg-restart-40x24'));
    const path = new URL(String(post.displayUrl)).pathname;
    const full = await call(path);
    expect(full.headers.get('Cache-Control')).toBe('public, max-age=2592000, immutable');
    const etag = full.headers.get('ETag');
    expect(etag).toBeTruthy();
    const body = new Uint8Array(await full.arrayBuffer());

    const notModified = await call(path, { headers: { 'If-None-Match': String(etag) } });
    expect(notModified.status).toBe(304);
    const partial = await call(path, { headers: { Range: 'bytes=0-9' } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('Content-Range')).toBe(`bytes 0-9/${body.length}`);
    expect(new Uint8Array(await partial.arrayBuffer())).toEqual(body.slice(0, 10));
  });

  it.each(['followers', 'private'])(
    'hands the author signed URLs for a %s post; the plain or a tampered URL is a 404',
    async (privacy) => {
      const user = await registerUser();
      const post = await uploadAndProcess(user, tinyImage('jpeg-baseline-5x3'), { privacy });
      const signed = new URL(String(post.displayUrl));
      expect(signed.searchParams.get('signature')).toBeTruthy();
      expect((await call(signed.pathname + signed.search)).status).toBe(200);
      expect((await call(signed.pathname)).status).toBe(404);
      const tampered = new URL(signed);
      tampered.searchParams.set('expires', String(Number(signed.searchParams.get('expires')) + 3600));
      expect((await call(tampered.pathname + tampered.search)).status).toBe(404);
      const otherSize = signed.pathname.replace('_display', '_original') + signed.search;
      expect((await call(otherSize)).status).toBe(404);
    },
  );

  it('stops serving a public post’s bytes at once when it is made private', async () => {
    const user = await registerUser();
    const post = await uploadAndProcess(user, tinyImage('jpeg-baseline-5x3'));
    const path = new URL(String(post.thumbnailUrl)).pathname;
    expect((await call(path)).status).toBe(200);
    await callJson(`/api/v1/images/${post.postId}`, {
      method: 'PATCH',
      token: user.accessToken,
      json: { privacy: 'private' },
    });
    expect((await call(path)).status).toBe(404);
  });

  it('removes every stored object of a deleted post', async () => {
    const user = await registerUser();
    const post = await uploadAndProcess(user, tinyImage('jpeg-baseline-5x3'));
    await callJson(`/api/v1/images/${post.postId}`, { method: 'DELETE', token: user.accessToken });
    const listed = await env.IMAGES.list({ prefix: `images/${post.postId}` });
    expect(listed.objects).toEqual([]);
    expect(await env.IMAGES.head(`originals/${post.postId}`)).toBeNull();
    expect((await call(new URL(String(post.thumbnailUrl)).pathname)).status).toBe(404);
    const me = await callJson('/api/v1/users/profile', { token: user.accessToken });
    expect(me.body.data.postsCount).toBe(0);
  });
});

describe.skipIf(!corpusAvailable)('real camera photos from ../shared/corpus', () => {
  const orientations = [1, 2, 3, 4, 5, 6, 7, 8];

  it.each(orientations.flatMap((n) => [`landscape_${n}`, `portrait_${n}`]))(
    '%s comes out upright in every variant',
    async (name) => {
      const user = await registerUser();
      const post = await uploadAndProcess(user, await readCorpus(`orientation/${name}.jpg`));
      expect(post.processingStatus).toBe('ready');
      const landscape = name.startsWith('landscape');
      for (const url of [post.imageUrl, post.displayUrl, post.thumbnailUrl]) {
        const bytes = await bytesAt(String(url));
        const { width, height } = dimensions(bytes);
        expect(width > height).toBe(landscape);
        expect(carriesNoMetadata(bytes)).toBe(true);
      }
    },
  );

  it.each([
    'cameras/Canon_40D.jpg',
    'cameras/Nikon_D70.jpg',
    'cameras/fujifilm-dx10.jpg',
    'gps/DSCN0010.jpg',
    'gps/DSCN0012.jpg',
  ])('%s ends ready with its camera named and no GPS served', async (file) => {
    const user = await registerUser();
    const post = await uploadAndProcess(user, await readCorpus(file));
    expect(post.processingStatus).toBe('ready');
    expect(post.metadata?.camera).toMatch(/\w/);
    for (const url of [post.imageUrl, post.displayUrl, post.thumbnailUrl]) {
      const bytes = await bytesAt(String(url));
      expect(carriesNoMetadata(bytes)).toBe(true);
      expect(containsText(bytes, 'GPS')).toBe(false);
    }
  });

  it.each(['broken/corrupted.jpg', 'broken/image00971.jpg', 'broken/image01088.jpg'])(
    '%s ends ready or failed, never stuck',
    async (file) => {
      const user = await registerUser();
      const post = await uploadAndProcess(user, await readCorpus(file));
      expect(['ready', 'failed']).toContain(post.processingStatus);
    },
  );

  it('makes the iPhone HEIC ready: upright, the right sizes, camera and exposure from its EXIF item', async () => {
    const user = await registerUser();
    const post = await uploadAndProcess(user, await readCorpus('other/IMG_5195.HEIC'));
    expect(post.processingStatus).toBe('ready');
    expect(post.metadata).toMatchObject({
      width: 2566,
      height: 3313,
      format: 'HEIC',
      camera: 'Apple iPhone 11 Pro Max',
      exposure: { fNumber: 1.8, exposureTime: '1/391', iso: 32, focalLength: 4.25 },
    });
  });
});

describe('large photos in codings a whole-image decoder used to hold', () => {
  // 24 MP files written by sharp outside the test isolate, enlarged from a small photo-like picture
  // (a smaller one for PNG, so that the file stays under the 20 MiB upload limit).
  it.each([
    ['jpeg-progressive', 'JPEG', 600],
    ['webp-lossy', 'WEBP', 600],
    ['png-interlaced', 'PNG', 60],
  ] as const)(
    'a 24 MP %s photo ends ready with its variants at their sizes',
    async (coding, format, sourceWidth) => {
      const user = await registerUser();
      const small = await encodePng(photoLikePicture(sourceWidth, (sourceWidth * 2) / 3), { colourType: 'rgb' });
      const post = await uploadAndProcess(user, await sharpEnlarged(small, 6000, 4000, coding), {}, 60_000);
      expect(post.processingStatus).toBe('ready');
      expect(post.metadata).toMatchObject({ width: 6000, height: 4000, format });
      expect(dimensions(await bytesAt(String(post.displayUrl)))).toEqual({ width: 1080, height: 720 });
      expect(dimensions(await bytesAt(String(post.thumbnailUrl)))).toEqual({ width: 320, height: 213 });
    },
    90_000,
  );
});
