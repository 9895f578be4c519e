/**
 * Migration 0002 on a database holding posts made the old way (see test/setup/legacy-posts.ts):
 * each became a one-photo post whose photo keeps the post's R2 objects, so every URL handed out
 * before keeps working, nothing is processed again, and every endpoint answers as it did.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { signAccessToken } from '../../src/auth/access-tokens';
import { hashRefreshToken, newRefreshToken } from '../../src/auth/refresh-tokens';
import { createDb } from '../../src/db/client';
import { createSession } from '../../src/db/queries/sessions';
import { toPublicId } from '../../src/shared/ids';
import { r2Keys, variantSizes } from '../../src/shared/images';
import { tinyImage } from '../fixtures/tiny-images';
import { call, callJson } from '../helpers/api';
import { quickUsers, type TestUser } from '../helpers/factories';
import { gridIds } from '../helpers/feed';
import { fetchStatus, postAs, type MediaDetail } from '../helpers/media';

const legacy = inject('legacyPosts');
const db = createDb(env.DATABASE_URL, env.NEON_HTTP_ENDPOINT);

let author: TestUser;
let stranger: TestUser;
const publicId = (kind: keyof NonNullable<typeof legacy>['posts']) => toPublicId('post', String(legacy?.posts[kind]));
const variantBytes = tinyImage('jpeg-baseline-5x3');

beforeAll(async () => {
  if (!legacy) return;
  const session = { id: crypto.randomUUID(), refreshTokenHash: await hashRefreshToken(newRefreshToken()) };
  await createSession(db, legacy.userId, { ...session, refreshExpiresAt: new Date(Date.now() + 86_400_000) });
  const userId = toPublicId('user', legacy.userId);
  const accessToken = await signAccessToken({ current: env.JWT_SECRET }, { userId, sessionId: session.id });
  author = { userId, accessToken, refreshToken: '', username: 'legacy_author', email: '', password: '' };
  [stranger] = (await quickUsers(1)) as [TestUser];
  // The bytes the old processor wrote, under the old layout, for the two ready posts.
  for (const kind of ['public', 'followers'] as const) {
    const name = publicId(kind);
    await env.IMAGES.put(r2Keys.original(name), variantBytes);
    for (const size of variantSizes) await env.IMAGES.put(r2Keys.variant(name, size), variantBytes);
  }
});

describe.skipIf(!legacy)('posts made before posts had several photos', () => {
  it('keep their details, now with one photo whose URLs are the old ones', async () => {
    const { status, body } = await postAs(stranger, publicId('public'));
    expect(status).toBe(200);
    const id = publicId('public');
    expect(body.data).toMatchObject({
      postId: id,
      caption: 'Old public #legacy',
      altText: 'An old photo',
      tags: ['legacy'],
      privacy: 'public',
      processingStatus: 'ready',
      imageUrl: `http://lumen.test/images/${id}_original.jpg`,
      displayUrl: `http://lumen.test/images/${id}_display.jpg`,
      thumbnailUrl: `http://lumen.test/images/${id}_thumbnail.jpg`,
      metadata: {
        width: 5,
        height: 3,
        fileSize: 12345,
        format: 'JPEG',
        camera: 'Canon EOS 5D',
        exposure: { lens: null, fNumber: 2.8, exposureTime: '1/200', iso: 100, focalLength: 50 },
        blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj',
        aspectRatio: 1.6667,
      },
      mediaCount: 1,
    });
    expect(body.data.media).toEqual([
      {
        mediaId: expect.stringMatching(/^media_[0-9a-f]{32}$/),
        imageUrl: body.data.imageUrl,
        displayUrl: body.data.displayUrl,
        thumbnailUrl: body.data.thumbnailUrl,
        altText: 'An old photo',
        metadata: body.data.metadata,
      },
    ]);
  });

  it('serve their bytes at the old URLs, with privacy as before', async () => {
    for (const size of variantSizes) {
      const response = await call(`/images/${publicId('public')}_${size}.jpg`);
      expect(response.status).toBe(200);
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(variantBytes);
      expect((await call(`/images/${publicId('followers')}_${size}.jpg`)).status).toBe(404);
    }
    expect((await postAs(stranger, publicId('followers'))).status).toBe(404);
    const own = (await postAs(author, publicId('followers'))).body.data;
    expect(own.metadata).toMatchObject({ format: 'PNG', width: 3, height: 5 });
    expect(await fetchStatus(own.displayUrl)).toBe(200);
  });

  it('keep their status: failed with its reason for the author, processing without URLs', async () => {
    const failed = (await postAs(author, publicId('failed'))).body.data;
    expect(failed).toMatchObject({
      processingStatus: 'failed',
      failureReason: 'The file is not a supported image (corrupt)',
      imageUrl: null,
      metadata: null,
      mediaCount: 1,
    });
    expect((await postAs(author, publicId('processing'))).body.data).toMatchObject({
      processingStatus: 'processing',
      imageUrl: null,
    });
    expect((await postAs(stranger, publicId('failed'))).status).toBe(404);
  });

  it('keep the author’s count and grids as they were', async () => {
    const me = await callJson<{ postsCount: number }>('/api/v1/users/profile', { token: author.accessToken });
    expect(me.body.data.postsCount).toBe(2);
    expect(await gridIds(stranger, author)).toEqual([publicId('public')]);
    expect(await gridIds(author, author)).toEqual([
      publicId('processing'),
      publicId('failed'),
      publicId('followers'),
      publicId('public'),
    ]);
  });

  it('have a photo their author can read and describe through /media', async () => {
    const post = (await postAs(author, publicId('public'))).body.data;
    const mediaId = String(post.media[0]?.mediaId);
    const photo = await callJson<MediaDetail>(`/api/v1/media/${mediaId}`, { token: author.accessToken });
    expect(photo.body.data).toMatchObject({
      postId: post.postId,
      processingStatus: 'ready',
      displayUrl: post.displayUrl,
    });
    const patched = await callJson(`/api/v1/images/${post.postId}`, {
      method: 'PATCH',
      token: author.accessToken,
      json: { altText: 'Described again' },
    });
    expect(patched.status).toBe(200);
    expect((await postAs(author, post.postId)).body.data.media[0]?.altText).toBe('Described again');
  });

  it('delete their old R2 objects when deleted', async () => {
    const id = publicId('followers');
    const { status } = await callJson(`/api/v1/images/${id}`, { method: 'DELETE', token: author.accessToken });
    expect(status).toBe(200);
    const keys = r2Keys.ofMedia(r2Keys.forNewMedia(id));
    expect(keys).toContain(`originals/${id}`);
    for (const key of keys) expect(await env.IMAGES.head(key)).toBeNull();
  });
});
