/**
 * Marking photos ready and settling their post in one transaction (`markMediaReady`): the post
 * row is locked first, so photos of one post finishing at once still leave it ready, counted once.
 */
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { insertMedia, markMediaReady } from '../../src/db/queries/media';
import { insertPost } from '../../src/db/queries/posts';
import { posts, users } from '../../src/db/schema';
import { parsePublicId, toPublicId } from '../../src/shared/ids';
import { r2Keys } from '../../src/shared/images';
import { registerUser } from '../helpers/factories';

const db = () => createDb(env.DATABASE_URL, env.NEON_HTTP_ENDPOINT);
const processed = { width: 4, height: 3, metadata: { camera: null, exposure: null, blurhash: 'LEHV6nWB2yk8' } };

/** A processing post of `count` processing photos, straight in the database (no queue job runs for them). */
async function postOfPhotos(count: number) {
  const user = await registerUser();
  const userId = String(parsePublicId('user', user.userId));
  const postId = crypto.randomUUID();
  await insertPost(db(), {
    id: postId,
    userId,
    caption: null,
    tags: [],
    locationName: null,
    latitude: null,
    longitude: null,
    privacy: 'public',
  });
  const mediaIds = Array.from({ length: count }, () => crypto.randomUUID());
  for (const [position, id] of mediaIds.entries()) {
    await insertMedia(
      db(),
      {
        id,
        userId,
        altText: null,
        ...r2Keys.forNewMedia(toPublicId('media', id)),
        format: 'JPEG',
        fileSize: 1,
        postId,
        position,
      },
      undefined,
    );
  }
  return { userId, postId, mediaIds };
}

async function stateOf(postId: string, userId: string) {
  const [post] = await db().select({ status: posts.status }).from(posts).where(eq(posts.id, postId));
  const [user] = await db().select({ postsCount: users.postsCount }).from(users).where(eq(users.id, userId));
  return { status: post?.status, postsCount: user?.postsCount };
}

describe('marking photos ready', () => {
  it('leaves a post of photos finishing at once ready, settled by exactly one of them and counted once', async () => {
    const { userId, postId, mediaIds } = await postOfPhotos(4);
    const results = await Promise.all(mediaIds.map((id) => markMediaReady(db(), id, processed)));
    expect(results.every((result) => result.readied?.postId === postId)).toBe(true);
    expect(results.filter((result) => result.settled?.status === 'ready')).toHaveLength(1);
    expect(await stateOf(postId, userId)).toEqual({ status: 'ready', postsCount: 1 });
  });

  it('settles nothing while another photo of the post is processing, and changes nothing when repeated', async () => {
    const { userId, postId, mediaIds } = await postOfPhotos(2);
    const first = await markMediaReady(db(), mediaIds[0]!, processed);
    expect(first).toEqual({ readied: { postId }, settled: undefined });
    expect(await markMediaReady(db(), mediaIds[0]!, processed)).toEqual({ readied: undefined, settled: undefined });
    expect(await stateOf(postId, userId)).toEqual({ status: 'processing', postsCount: 0 });
    expect(await markMediaReady(db(), mediaIds[1]!, processed)).toEqual({
      readied: { postId },
      settled: { status: 'ready', userId },
    });
    expect(await markMediaReady(db(), mediaIds[1]!, processed)).toEqual({ readied: undefined, settled: undefined });
    expect(await stateOf(postId, userId)).toEqual({ status: 'ready', postsCount: 1 });
  });
});
