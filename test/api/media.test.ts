/**
 * Posts of several photos, end to end: `POST /media` → processor → `POST /posts`, the order of the
 * photos, the 20 limit, ownership, the ready/failed rules, reordering and removing photos, deleting
 * every photo's bytes, and the sweep of photos never attached to a post.
 */
import { env } from 'cloudflare:workers';
import { createScheduledController } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import processor from '../../src/processor';
import { parsePublicId } from '../../src/shared/ids';
import { tinyImage } from '../fixtures/tiny-images';
import { callJson } from '../helpers/api';
import { quickUsers, type TestUser } from '../helpers/factories';
import { eventuallyInFeed, feedPage, gridIds } from '../helpers/feed';
import {
  createPost,
  fetchStatus,
  imageNameOf,
  insertMediaWithoutBytes,
  objectsOf,
  postAs,
  readyMedia,
  readyMultiPhotoPost,
  uploadMedia,
  waitUntilMediaProcessed,
  waitUntilPostSettled,
  type MediaDetail,
  type MediaItem,
} from '../helpers/media';

const db = createDb(env.DATABASE_URL, env.NEON_HTTP_ENDPOINT);

const processorEnv = {
  DATABASE_URL: env.DATABASE_URL,
  NEON_HTTP_ENDPOINT: env.NEON_HTTP_ENDPOINT,
  IMAGES: env.IMAGES,
  IMAGE_JOBS: env.IMAGE_JOBS,
  FEED_FANOUT: env.FEED_FANOUT,
  CACHE: env.CACHE,
} satisfies ProcessorEnv;

async function users(count: number) {
  return (await quickUsers(count)) as TestUser[] & [TestUser, TestUser, TestUser];
}

describe('POST /media and GET/PATCH /media/{mediaId}', () => {
  it('accepts a photo with 202, processes it, and shows its uploader signed URLs that serve the bytes', async () => {
    const [user] = await users(1);
    const { status, body } = await uploadMedia(user, tinyImage('jpeg-baseline-5x3'), { altText: 'A red door' });
    expect(status).toBe(202);
    expect(body.data).toEqual({
      mediaId: expect.stringMatching(/^media_[0-9a-f]{32}$/),
      processingStatus: 'processing',
    });
    const photo = await waitUntilMediaProcessed(user, body.data.mediaId);
    expect(photo).toMatchObject({ processingStatus: 'ready', postId: null, altText: 'A red door' });
    expect(photo.metadata).toMatchObject({ width: 5, height: 3, format: 'JPEG', blurhash: expect.any(String) });
    expect(photo.displayUrl).toMatch(/\/images\/media_[0-9a-f]{32}_display\.jpg\?expires=\d+&signature=/);
    expect(await fetchStatus(photo.displayUrl)).toBe(200);
    // Not in a post yet: the plain URL serves nothing.
    expect(await fetchStatus(String(photo.displayUrl).split('?')[0] ?? '')).toBe(404);
  });

  it('is a 404 for anyone but its uploader, and for an unknown or malformed id', async () => {
    const [owner, other] = await users(2);
    const { body } = await uploadMedia(owner);
    expect((await callJson(`/api/v1/media/${body.data.mediaId}`, { token: other.accessToken })).status).toBe(404);
    const patched = await callJson(`/api/v1/media/${body.data.mediaId}`, {
      method: 'PATCH',
      token: other.accessToken,
      json: { altText: 'mine now' },
    });
    expect(patched.status).toBe(404);
    expect((await callJson(`/api/v1/media/media_${'0'.repeat(32)}`, { token: owner.accessToken })).status).toBe(404);
    expect((await callJson('/api/v1/media/post_123', { token: owner.accessToken })).status).toBe(404);
    expect((await callJson(`/api/v1/media/${body.data.mediaId}`)).status).toBe(401);
  });

  it('refuses what an upload refuses (415, 400) and stores nothing', async () => {
    const [user] = await users(1);
    expect((await uploadMedia(user, new TextEncoder().encode('not an image'))).status).toBe(415);
    expect((await uploadMedia(user, undefined, { altText: 'x'.repeat(1501) })).status).toBe(400);
    const rows = await db.execute(sql`select 1 from media where user_id = ${parsePublicId('user', user.userId)}`);
    expect(rows.rows).toHaveLength(0);
  });

  it('answers a retry with the same Idempotency-Key with the first answer, status and body, and makes no second photo', async () => {
    const [user] = await users(1);
    const key = { 'Idempotency-Key': crypto.randomUUID() };
    const first = await uploadMedia(user, undefined, {}, key);
    const again = await uploadMedia(user, undefined, {}, key);
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    const rows = await db.execute(sql`select 1 from media where user_id = ${parsePublicId('user', user.userId)}`);
    expect(rows.rows).toHaveLength(1);
  });

  it('answers concurrent uploads under one Idempotency-Key with one photo, its answer to each', async () => {
    const [user] = await users(1);
    const key = { 'Idempotency-Key': crypto.randomUUID() };
    const answers = await Promise.all([1, 2, 3].map(() => uploadMedia(user, undefined, {}, key)));
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202]);
    expect(new Set(answers.map((answer) => answer.body.data.mediaId)).size).toBe(1);
    const rows = await db.execute(sql`select 1 from media where user_id = ${parsePublicId('user', user.userId)}`);
    expect(rows.rows).toHaveLength(1);
  });

  it('lets the uploader change the alt text, also once the photo is in a post', async () => {
    const [author] = await users(1);
    const post = await readyMultiPhotoPost(author, 2);
    const second = post.media[1] as MediaItem;
    const { status, body } = await callJson<MediaDetail>(`/api/v1/media/${second.mediaId}`, {
      method: 'PATCH',
      token: author.accessToken,
      json: { altText: 'Two swans on a lake' },
    });
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ altText: 'Two swans on a lake', postId: post.postId });
    expect((await postAs(author, post.postId)).body.data.media[1]?.altText).toBe('Two swans on a lake');
    const unknownField = await callJson(`/api/v1/media/${second.mediaId}`, {
      method: 'PATCH',
      token: author.accessToken,
      json: { altText: 'x', postId: post.postId },
    });
    expect(unknownField.status).toBe(400);
  });
});

describe('POST /posts', () => {
  it('makes a ready post (201) of three photos in the order given, the post’s own fields those of the first', async () => {
    const [author, follower] = await users(2);
    await callJson(`/api/v1/users/${author.userId}/follow`, { method: 'POST', token: follower.accessToken });
    const [a, b, c] = (await readyMedia(author, 3)) as [string, string, string];
    const { status, body } = await createPost(author, {
      mediaIds: [c, a, b],
      caption: 'Three of the coast #sea',
      privacy: 'public',
    });
    expect(status).toBe(201);
    const post = body.data;
    expect(post.processingStatus).toBe('ready');
    expect(post.media.map((m) => m.mediaId)).toEqual([c, a, b]);
    expect(post.mediaCount).toBe(3);
    expect(post.media.map((m) => m.altText)).toEqual(['photo 3', 'photo 1', 'photo 2']);
    const first = post.media[0] as MediaItem;
    expect(post).toMatchObject({
      imageUrl: first.imageUrl,
      displayUrl: first.displayUrl,
      thumbnailUrl: first.thumbnailUrl,
      altText: 'photo 3',
      metadata: first.metadata,
      tags: ['sea'],
    });
    for (const photo of post.media) expect(await fetchStatus(photo.displayUrl)).toBe(200);

    await eventuallyInFeed(follower, post.postId);
    const item = (await feedPage(follower)).posts.find((p) => p.postId === post.postId) as unknown as {
      mediaCount: number;
      media: MediaItem[];
      imageUrl: string;
    };
    expect(item.mediaCount).toBe(3);
    expect(item.media.map((m) => m.mediaId)).toEqual([c, a, b]);
    expect(item.imageUrl).toBe(first.thumbnailUrl);
    const me = await callJson<{ postsCount: number }>('/api/v1/users/profile', { token: author.accessToken });
    expect(me.body.data.postsCount).toBe(1);
  });

  it('answers 202 while a photo is processing, and the post becomes ready once all its photos are', async () => {
    const [author] = await users(1);
    const [ready] = (await readyMedia(author, 1)) as [string];
    const pending = (await uploadMedia(author)).body.data.mediaId;
    const { status, body } = await createPost(author, { mediaIds: [ready, pending] });
    // The processor may win the race and finish the second photo first; then the post is ready at once.
    expect([201, 202]).toContain(status);
    if (status === 202) expect(body.data).toMatchObject({ processingStatus: 'processing', imageUrl: null });
    const settled = await waitUntilPostSettled(author, body.data.postId);
    expect(settled.processingStatus).toBe('ready');
    expect(settled.media.map((m) => m.mediaId)).toEqual([ready, pending]);
  });

  it('serves none of a post’s photos while another of them is processing', async () => {
    const [author] = await users(1);
    const [ready] = (await readyMedia(author, 1)) as [string];
    // No job is sent for this one: it stays processing for the length of the test.
    const pending = await insertMediaWithoutBytes(author);
    const { status, body } = await createPost(author, { mediaIds: [ready, pending], privacy: 'public' });
    expect(status).toBe(202);
    expect(body.data).toMatchObject({ processingStatus: 'processing', imageUrl: null, displayUrl: null });
    expect(body.data.media.every((m) => m.displayUrl === null)).toBe(true);
    const photo = await callJson<MediaDetail>(`/api/v1/media/${ready}`, { token: author.accessToken });
    expect(photo.body.data).toMatchObject({ processingStatus: 'ready', displayUrl: null });
    for (const size of ['thumbnail', 'display', 'original']) {
      expect(await fetchStatus(`http://lumen.test/images/${ready}_${size}.jpg`)).toBe(404);
    }
  });

  it('fails the post when one of its photos fails, with a reason its author sees, and shows it to no one else', async () => {
    const [author, other] = await users(2);
    const [good] = (await readyMedia(author, 1)) as [string];
    const broken = await insertMediaWithoutBytes(author);
    const { body } = await createPost(author, { mediaIds: [good, broken] });
    await env.IMAGE_JOBS.send({ kind: 'process-media', mediaId: String(parsePublicId('media', broken)) });
    const settled = await waitUntilPostSettled(author, body.data.postId);
    expect(settled).toMatchObject({ processingStatus: 'failed', failureReason: expect.stringMatching(/missing/) });
    expect((await postAs(other, body.data.postId)).status).toBe(404);
    expect(await gridIds(other, author)).not.toContain(body.data.postId);
  });

  it('takes 20 photos, and refuses 21, duplicates and none with 400, creating nothing', async () => {
    const [author] = await users(1);
    const one = (await uploadMedia(author)).body.data.mediaId;
    const tooMany = Array.from({ length: 21 }, (_, i) => `media_${i.toString(16).padStart(32, '0')}`);
    expect((await createPost(author, { mediaIds: tooMany })).status).toBe(400);
    expect((await createPost(author, { mediaIds: [one, one] })).status).toBe(400);
    expect((await createPost(author, { mediaIds: [] })).status).toBe(400);
    expect((await createPost(author, { mediaIds: [one], followersCount: 3 })).status).toBe(400);
    expect(await gridIds(author, author)).toEqual([]);

    const twenty = await readyMedia(author, 20);
    const { status, body } = await createPost(author, { mediaIds: twenty });
    expect(status).toBe(201);
    expect(body.data.media.map((m) => m.mediaId)).toEqual(twenty);
  }, 120_000);

  it('answers 404 for another user’s or an unknown photo and 409 ALREADY_ATTACHED for one in a post', async () => {
    const [author, other] = await users(2);
    const [mine, theirs] = [
      (await uploadMedia(author)).body.data.mediaId,
      (await uploadMedia(other)).body.data.mediaId,
    ];
    expect((await createPost(author, { mediaIds: [mine, theirs] })).status).toBe(404);
    expect((await createPost(author, { mediaIds: [mine, `media_${'f'.repeat(32)}`] })).status).toBe(404);
    expect((await createPost(author, { mediaIds: [mine, 'nonsense'] })).status).toBe(404);
    expect(await gridIds(author, author)).toEqual([]);

    const first = await createPost(author, { mediaIds: [mine] });
    expect([201, 202]).toContain(first.status);
    const second = await createPost(author, { mediaIds: [mine] });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('ALREADY_ATTACHED');
    expect(await gridIds(author, author)).toEqual([first.body.data.postId]);
  });

  it('lets only one of two simultaneous posts of the same photo have it', async () => {
    const [author] = await users(1);
    const [photo] = (await readyMedia(author, 1)) as [string];
    const answers = await Promise.all([
      createPost(author, { mediaIds: [photo] }),
      createPost(author, { mediaIds: [photo] }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect(await gridIds(author, author)).toHaveLength(1);
  });
});

describe('PATCH /images/{postId} with mediaIds', () => {
  it('reorders the photos', async () => {
    const [author] = await users(1);
    const post = await readyMultiPhotoPost(author, 3);
    const [a, b, c] = post.media.map((m) => m.mediaId) as [string, string, string];
    const { status, body } = await callJson<typeof post>(`/api/v1/images/${post.postId}`, {
      method: 'PATCH',
      token: author.accessToken,
      json: { mediaIds: [b, c, a] },
    });
    expect(status).toBe(200);
    expect(body.data.media.map((m) => m.mediaId)).toEqual([b, c, a]);
    expect(body.data.imageUrl).toBe(body.data.media[0]?.imageUrl);
  });

  it('removes the photos left out, with their bytes, and keeps at least one', async () => {
    const [author] = await users(1);
    const post = await readyMultiPhotoPost(author, 3);
    const [a, b, c] = post.media as [MediaItem, MediaItem, MediaItem];
    const { body } = await callJson<typeof post>(`/api/v1/images/${post.postId}`, {
      method: 'PATCH',
      token: author.accessToken,
      json: { mediaIds: [c.mediaId, a.mediaId] },
    });
    expect(body.data.media.map((m) => m.mediaId)).toEqual([c.mediaId, a.mediaId]);
    expect(body.data.mediaCount).toBe(2);
    expect(await objectsOf(imageNameOf(String(b.displayUrl)))).toEqual([null, null, null, null]);
    expect(await fetchStatus(b.displayUrl)).toBe(404);
    expect((await callJson(`/api/v1/media/${b.mediaId}`, { token: author.accessToken })).status).toBe(404);

    const none = await callJson(`/api/v1/images/${post.postId}`, {
      method: 'PATCH',
      token: author.accessToken,
      json: { mediaIds: [] },
    });
    expect(none.status).toBe(400);
  });

  it('refuses a photo that is not the post’s own with 400 and changes nothing', async () => {
    const [author] = await users(1);
    const post = await readyMultiPhotoPost(author, 2);
    const [stray] = (await readyMedia(author, 1)) as [string];
    const { status } = await callJson(`/api/v1/images/${post.postId}`, {
      method: 'PATCH',
      token: author.accessToken,
      json: { mediaIds: [stray, ...post.media.map((m) => m.mediaId)] },
    });
    expect(status).toBe(400);
    const after = (await postAs(author, post.postId)).body.data;
    expect(after.media.map((m) => m.mediaId)).toEqual(post.media.map((m) => m.mediaId));
  });
});

describe('deleting a post of several photos', () => {
  it('deletes every photo’s original and variants', async () => {
    const [author] = await users(1);
    const post = await readyMultiPhotoPost(author, 3);
    const names = post.media.map((m) => imageNameOf(String(m.displayUrl)));
    for (const name of names) expect((await objectsOf(name)).every((o) => o !== null)).toBe(true);
    const { status } = await callJson(`/api/v1/images/${post.postId}`, { method: 'DELETE', token: author.accessToken });
    expect(status).toBe(200);
    for (const name of names) expect(await objectsOf(name)).toEqual([null, null, null, null]);
  });
});

describe('the sweep of photos never attached to a post', () => {
  it('deletes photos older than 24 hours with their bytes, and leaves younger and attached ones', async () => {
    const [author] = await users(1);
    const [old, young, attached] = (await readyMedia(author, 3)) as [string, string, string];
    await createPost(author, { mediaIds: [attached] });
    const uuids = [old, attached].map((id) => String(parsePublicId('media', id)));
    await db.execute(
      sql`update media set created_at = now() - interval '25 hours' where id in (${sql.join(
        uuids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`,
    );
    await processor.scheduled(createScheduledController({ cron: '*/10 * * * *' }), processorEnv);

    expect((await callJson(`/api/v1/media/${old}`, { token: author.accessToken })).status).toBe(404);
    expect(await objectsOf(old)).toEqual([null, null, null, null]);
    for (const kept of [young, attached]) {
      expect((await callJson(`/api/v1/media/${kept}`, { token: author.accessToken })).status).toBe(200);
      expect((await objectsOf(kept)).every((o) => o !== null)).toBe(true);
    }
  });
});
