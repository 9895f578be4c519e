import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { heifFixture, withClaimedHeifSize } from '../fixtures/images/heif-files';
import { tinyImage } from '../fixtures/tiny-images';
import { call, callJson } from '../helpers/api';
import { registerUser } from '../helpers/factories';
import { createPost, insertMediaWithoutBytes } from '../helpers/media';
import { waitUntilProcessed } from '../helpers/processing';
import { pngClaiming, rawUpload, upload, uploadForm } from '../helpers/uploads';

const jpeg = () => tinyImage('jpeg-baseline-5x3');

/** The same file with its frame header claiming another size (the pixels stay 5×3: only the header is judged). */
function withClaimedJpegSize(bytes: Uint8Array, width: number, height: number): Uint8Array {
  const copy = bytes.slice();
  for (let at = 2; at + 9 < copy.length;) {
    const marker = copy[at + 1]!;
    if (marker >= 0xc0 && marker <= 0xc2) {
      copy.set([height >> 8, height & 255, width >> 8, width & 255], at + 5);
      return copy;
    }
    at += 2 + ((copy[at + 2]! << 8) | copy[at + 3]!);
  }
  throw new Error('no frame header');
}
const postOf = (token: string | undefined, postId: string) => callJson(`/api/v1/images/${postId}`, { token });

describe('POST /images/upload accepts', () => {
  it('a JPEG: 202 with the post id, URLs and an estimate, and the original stored privately', async () => {
    const user = await registerUser();
    const { status, body } = await upload(user.accessToken, jpeg(), { caption: 'First light' });
    expect(status).toBe(202);
    expect(body.data).toMatchObject({
      postId: expect.stringMatching(/^post_[0-9a-f]{32}$/),
      processingStatus: 'processing',
      estimatedProcessingTime: expect.any(Number),
    });
    expect(body.data.imageUrl).toBe(`http://lumen.test/images/${body.data.postId}_original.jpg`);
    expect(body.data.thumbnailUrl).toBe(`http://lumen.test/images/${body.data.postId}_thumbnail.jpg`);
    const original = await env.IMAGES.get(`originals/${body.data.postId}`);
    expect(new Uint8Array((await original?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(jpeg());
  });

  it.each([
    'png-5x3',
    'webp-vp8-5x3',
    'webp-vp8l-5x3',
    'webp-vp8x-alpha-5x3',
    'jpeg-progressive-5x3',
    'heic-8x8',
    'avif-8x8',
  ] as const)('a %s file judged by its bytes, whatever its name says', async (name) => {
    const user = await registerUser();
    const form = uploadForm(tinyImage(name), {}, 'renamed.gif');
    const response = await rawUpload(user.accessToken, form);
    expect(response.status).toBe(202);
  });

  it('shows the author the post as processing, and nobody else', async () => {
    const [author, other] = await Promise.all([registerUser(), registerUser()]);
    // A photo's job can finish within one request here, so the upload route's own post could be
    // ready before anyone looks. A post whose photo is sent no job stays processing for the whole test.
    const pending = await insertMediaWithoutBytes(author);
    const { status, body } = await createPost(author, { mediaIds: [pending], privacy: 'public' });
    expect(status).toBe(202);
    const mine = await postOf(author.accessToken, body.data.postId);
    expect(mine.status).toBe(200);
    expect(mine.body.data).toMatchObject({ processingStatus: 'processing', metadata: null, imageUrl: null });
    expect((await postOf(other.accessToken, body.data.postId)).status).toBe(404);
    expect((await postOf(undefined, body.data.postId)).status).toBe(404);
  });

  it('stores caption, alt text, tags (JSON or comma list, plus #hashtags) lower-cased, location and privacy', async () => {
    const user = await registerUser();
    const { body } = await upload(user.accessToken, jpeg(), {
      caption: 'Golden hour at #Ocean beach #sunset',
      altText: 'A beach at dusk',
      tags: '["Sunset", "beach"]',
      location: '{"latitude":37.7749,"longitude":-122.4194,"name":"San Francisco, CA"}',
      privacy: 'followers',
    });
    const post = await postOf(user.accessToken, body.data.postId);
    expect(post.body.data).toMatchObject({
      caption: 'Golden hour at #Ocean beach #sunset',
      altText: 'A beach at dusk',
      tags: ['sunset', 'beach', 'ocean'],
      location: { latitude: 37.7749, longitude: -122.4194, name: 'San Francisco, CA' },
      privacy: 'followers',
    });
    const commaList = await upload(user.accessToken, jpeg(), { tags: 'one, two,#three' });
    expect((await postOf(user.accessToken, commaList.body.data.postId)).body.data.tags).toEqual([
      'one',
      'two',
      'three',
    ]);
  });

  it('answers a retry with the same Idempotency-Key with the first answer, status and body, creating nothing new', async () => {
    const user = await registerUser();
    const headers = { 'Idempotency-Key': `key-${crypto.randomUUID()}` };
    const first = await upload(user.accessToken, jpeg(), {}, headers);
    const retry = await upload(user.accessToken, jpeg(), {}, headers);
    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect(retry.body).toEqual(first.body);
    // Still the first answer once the post is ready: a replay, not a fresh look at the post.
    await waitUntilProcessed(user.accessToken, first.body.data.postId);
    const late = await upload(user.accessToken, jpeg(), {}, headers);
    expect([late.status, late.body]).toEqual([202, first.body]);
    const fresh = await upload(user.accessToken, jpeg(), {}, { 'Idempotency-Key': `key-${crypto.randomUUID()}` });
    expect(fresh.body.data.postId).not.toBe(first.body.data.postId);
  });

  it('answers concurrent uploads under one Idempotency-Key with one post, its answer to each', async () => {
    const user = await registerUser();
    const headers = { 'Idempotency-Key': `key-${crypto.randomUUID()}` };
    const answers = await Promise.all([1, 2, 3].map(() => upload(user.accessToken, jpeg(), {}, headers)));
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202]);
    expect(new Set(answers.map((answer) => answer.body.data.postId)).size).toBe(1);
    const posts = await callJson<{ posts: unknown[] }>(`/api/v1/users/${user.userId}/posts`, {
      token: user.accessToken,
    });
    expect(posts.body.data.posts).toHaveLength(1);
  });

  it('keeps one user’s Idempotency-Key apart from another’s', async () => {
    const [a, b] = await Promise.all([registerUser(), registerUser()]);
    const headers = { 'Idempotency-Key': 'shared-key' };
    const first = await upload(a.accessToken, jpeg(), {}, headers);
    const second = await upload(b.accessToken, jpeg(), {}, headers);
    expect(second.status).toBe(202);
    expect(second.body.data.postId).not.toBe(first.body.data.postId);
  });
});

describe('POST /images/upload refuses', () => {
  it.each([
    ['a GIF', 'gif-1x1', 'gif'],
    ['a TIFF', 'tiff-1x1', 'tiff'],
    ['a BMP', 'bmp-1x1', 'bmp'],
  ] as const)('%s with 415 naming the format', async (_, name, detected) => {
    const user = await registerUser();
    const { status, body } = await upload(user.accessToken, tinyImage(name));
    expect(status).toBe(415);
    expect(body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(body.error.details).toMatchObject({ detected });
  });

  it.each([
    ['an SVG', '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'],
    ['a text file renamed .jpg', 'just some words, not a photo'],
    ['an empty file', ''],
  ])('%s with 415', async (_, text) => {
    const user = await registerUser();
    const { status } = await upload(user.accessToken, new TextEncoder().encode(text));
    expect(status).toBe(415);
  });

  it('a PNG header claiming 30000×30000 pixels with 413 IMAGE_TOO_LARGE, before decoding anything', async () => {
    const user = await registerUser();
    const bomb = pngClaiming(30000, 30000);
    expect(bomb.byteLength).toBeLessThan(100);
    const { status, body } = await upload(user.accessToken, bomb);
    expect(status).toBe(413);
    expect(body.error.code).toBe('IMAGE_TOO_LARGE');
  });

  it('a PNG 70 000 pixels wide and 1 high with 413: few pixels, but a side no JPEG variant can have', async () => {
    const user = await registerUser();
    const { status, body } = await upload(user.accessToken, pngClaiming(70_000, 1));
    expect(status).toBe(413);
    expect(body.error).toMatchObject({ code: 'IMAGE_TOO_LARGE', details: { width: 70_000, height: 1 } });
    expect(body.error.message).toMatch(/65535 pixels on a side/);
    const instance = await callJson<{ limits: { upload: { maxSidePixels: number } } }>('/api/v1/instance');
    expect(instance.body.data.limits.upload.maxSidePixels).toBe(65_535);
  });

  it('an AVIF over its own 2 megapixel limit with 413, the limit /instance publishes', async () => {
    const user = await registerUser();
    const { status, body } = await upload(user.accessToken, withClaimedHeifSize(heifFixture('avif'), 2000, 1500));
    expect(status).toBe(413);
    expect(body.error).toMatchObject({ code: 'IMAGE_TOO_LARGE', details: { maxPixels: 2_000_000 } });
    const instance = await callJson<{ limits: { upload: { maxPixelsPerFormat: Record<string, number> } } }>(
      '/api/v1/instance',
    );
    expect(instance.body.data.limits.upload.maxPixelsPerFormat.avif).toBe(2_000_000);
  });

  it('an arithmetic-coded JPEG over its own limit with 413, where baseline and progressive ones of that size pass', async () => {
    const user = await registerUser();
    const instance = await callJson<{ limits: { upload: { maxPixelsPerFormat: Record<string, number> } } }>(
      '/api/v1/instance',
    );
    const published = instance.body.data.limits.upload.maxPixelsPerFormat;
    expect(Object.keys(published).sort()).toEqual(
      [
        'avif',
        'heic',
        'jpeg',
        'jpegOther',
        'jpegProgressive',
        'png',
        'pngInterlaced',
        'webp',
        'webpAlpha',
        'webpLossless',
      ].sort(),
    );
    expect(published.jpegProgressive).toBe(published.jpeg);
    // 3000 × 2500 = 7.5 MP: over the limit of JPEGs only mozjpeg reads, well under the others'.
    const claim = (name: 'jpeg-progressive-5x3' | 'jpeg-baseline-5x3') =>
      withClaimedJpegSize(tinyImage(name), 3000, 2500);
    const arithmetic = claim('jpeg-progressive-5x3');
    // SOF2 → SOF10: the same progression, arithmetic-coded.
    arithmetic[arithmetic.findIndex((byte, i) => byte === 0xff && arithmetic[i + 1] === 0xc2) + 1] = 0xca;
    const refused = await upload(user.accessToken, arithmetic);
    expect(refused.status).toBe(413);
    expect(refused.body.error).toMatchObject({
      code: 'IMAGE_TOO_LARGE',
      details: { maxPixels: published.jpegOther, coding: 'jpegOther', width: 3000, height: 2500 },
    });
    expect(refused.body.error.message).toMatch(/arithmetic-coded, lossless or 12-bit JPEG/);
    expect((await upload(user.accessToken, claim('jpeg-progressive-5x3'))).status).toBe(202);
    expect((await upload(user.accessToken, claim('jpeg-baseline-5x3'))).status).toBe(202);
  });

  it('a transparent WebP over 6 megapixels with 413, since only a whole-image decode reads it', async () => {
    const user = await registerUser();
    const webp = tinyImage('webp-vp8x-alpha-5x3');
    // VP8X canvas size, 24-bit little-endian minus one: claim 3000×2500 (7.5 MP).
    webp.set([2999 & 255, (2999 >> 8) & 255, 0, 2499 & 255, (2499 >> 8) & 255, 0], 24);
    const { status, body } = await upload(user.accessToken, webp);
    expect(status).toBe(413);
    expect(body.error).toMatchObject({
      code: 'IMAGE_TOO_LARGE',
      details: { maxPixels: 6_000_000, coding: 'webpAlpha' },
    });
  });

  it('a file over 20 MiB with 413 PAYLOAD_TOO_LARGE', async () => {
    const user = await registerUser();
    const big = new Uint8Array(20 * 1024 * 1024 + 1);
    big.set(jpeg());
    const { status, body } = await upload(user.accessToken, big);
    expect(status).toBe(413);
    expect(body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('a truncated JPEG header with 422 UNPROCESSABLE', async () => {
    const user = await registerUser();
    const { status, body } = await upload(user.accessToken, jpeg().slice(0, 20));
    expect(status).toBe(422);
    expect(body.error.code).toBe('UNPROCESSABLE');
  });

  it.each([
    ['a missing image', { caption: 'no photo' }, true],
    ['an unknown field', { views: '1000000' }, false],
    ['a 2201-character caption', { caption: 'c'.repeat(2201) }, false],
    ['a 1501-character alt text', { altText: 'a'.repeat(1501) }, false],
    ['an invalid privacy', { privacy: 'friends' }, false],
    ['tags that are not JSON', { tags: '["unclosed"' }, false],
    ['a tag with a space', { tags: '["two words"]' }, false],
    ['31 tags', { tags: JSON.stringify(Array.from({ length: 31 }, (_, i) => `t${i}`)) }, false],
    ['an empty location', { location: '' }, false],
    ['a latitude of 91', { location: '{"latitude":91,"longitude":0}' }, false],
    ['a latitude given as a string', { location: '{"latitude":"37.7","longitude":"-122.4"}' }, false],
    ['a location without longitude', { location: '{"latitude":10}' }, false],
  ])('%s with 400 and stores nothing', async (_, fields, withoutImage) => {
    const user = await registerUser();
    const form = withoutImage ? new FormData() : uploadForm(jpeg());
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    const { status, body } = await callJson('/api/v1/images/upload', { token: user.accessToken, body: form });
    expect(status).toBe(400);
    expect(body.error.code).toBe('VALIDATION_ERROR');
    const me = await callJson('/api/v1/users/profile', { token: user.accessToken });
    expect(me.body.data.postsCount).toBe(0);
  });

  it('more than 30 tags counting the caption’s hashtags with 400', async () => {
    const user = await registerUser();
    const tags = JSON.stringify(Array.from({ length: 29 }, (_, i) => `t${i}`));
    const { status } = await upload(user.accessToken, jpeg(), { tags, caption: '#extra1 #extra2' });
    expect(status).toBe(400);
  });

  it('a JSON body with 415 (uploads are multipart)', async () => {
    const user = await registerUser();
    const { status } = await callJson('/api/v1/images/upload', { token: user.accessToken, json: { image: 'abc' } });
    expect([400, 415]).toContain(status);
  });

  it('an anonymous caller with 401', async () => {
    const response = await call('/api/v1/images/upload', { body: uploadForm(jpeg()) });
    expect(response.status).toBe(401);
  });
});

describe('PATCH and DELETE /images/{postId}', () => {
  it('lets the author change caption, tags, location and privacy', async () => {
    const user = await registerUser();
    const { body } = await upload(user.accessToken, jpeg(), { caption: 'before #old' });
    const patched = await callJson(`/api/v1/images/${body.data.postId}`, {
      method: 'PATCH',
      token: user.accessToken,
      json: {
        caption: 'after #new',
        tags: ['extra'],
        location: { latitude: 1.5, longitude: 2.25 },
        privacy: 'private',
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({
      caption: 'after #new',
      tags: ['extra', 'new'],
      location: { latitude: 1.5, longitude: 2.25, name: null },
      privacy: 'private',
    });
  });

  it('answers 404 to anyone but the author, and changes nothing', async () => {
    const [author, other] = await Promise.all([registerUser(), registerUser()]);
    const { body } = await upload(author.accessToken, jpeg(), { caption: 'mine' });
    const attempt = await callJson(`/api/v1/images/${body.data.postId}`, {
      method: 'PATCH',
      token: other.accessToken,
      json: { caption: 'hijacked' },
    });
    expect(attempt.status).toBe(404);
    expect((await postOf(author.accessToken, body.data.postId)).body.data.caption).toBe('mine');
    const deletion = await callJson(`/api/v1/images/${body.data.postId}`, {
      method: 'DELETE',
      token: other.accessToken,
    });
    expect(deletion.status).toBe(404);
    expect(await env.IMAGES.head(`originals/${body.data.postId}`)).not.toBeNull();
  });

  it('answers 400 for an unknown field in a PATCH', async () => {
    const user = await registerUser();
    const { body } = await upload(user.accessToken, jpeg());
    const { status } = await callJson(`/api/v1/images/${body.data.postId}`, {
      method: 'PATCH',
      token: user.accessToken,
      json: { likesCount: 1000 },
    });
    expect(status).toBe(400);
  });

  it('deletes the post and its stored original for the author; the post is then a 404', async () => {
    const user = await registerUser();
    const { body } = await upload(user.accessToken, jpeg());
    const deletion = await callJson(`/api/v1/images/${body.data.postId}`, {
      method: 'DELETE',
      token: user.accessToken,
    });
    expect(deletion.status).toBe(200);
    expect(await env.IMAGES.head(`originals/${body.data.postId}`)).toBeNull();
    expect((await postOf(user.accessToken, body.data.postId)).status).toBe(404);
  });

  it.each(['post_123', `post_${'0'.repeat(32)}`, `user_${'a'.repeat(32)}`])('answers 404 for the id %s', async (id) => {
    expect((await postOf(undefined, id)).status).toBe(404);
  });
});

describe('GET /images/{postId}_{size}.jpg before processing', () => {
  it('is a 404 while the post is processing', async () => {
    const user = await registerUser();
    const { body } = await upload(user.accessToken, jpeg());
    expect((await call(`/images/${body.data.postId}_display.jpg`)).status).toBe(404);
  });

  it('is a 404 for a name that is not a variant', async () => {
    expect((await call(`/images/post_${'a'.repeat(32)}_huge.jpg`)).status).toBe(404);
    expect((await call('/images/../../etc/passwd')).status).toBe(404);
  });
});
