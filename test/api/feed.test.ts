import { env } from 'cloudflare:workers';
import { evictDurableObject, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Timeline } from '../../src/durable-objects/timeline';
import { timelineOf } from '../../src/durable-objects/timeline-client';
import { parsePublicId } from '../../src/shared/ids';
import { callJson } from '../helpers/api';
import { quickUsers, type TestUser } from '../helpers/factories';
import { eventuallyInFeed, feedIds, feedPage, gridIds } from '../helpers/feed';
import { readyPost } from '../helpers/processing';

const follow = (who: TestUser, whom: TestUser) =>
  callJson(`/api/v1/users/${whom.userId}/follow`, { token: who.accessToken, method: 'POST' });
const unfollow = (who: TestUser, whom: TestUser) =>
  callJson(`/api/v1/users/${whom.userId}/follow`, { token: who.accessToken, method: 'DELETE' });

describe('GET /feed', () => {
  it('shows the author their new post at once, and their followers once it is fanned out', async () => {
    const [author, fan, stranger] = await quickUsers(3);
    await follow(fan as TestUser, author as TestUser);
    const postId = await readyPost(author as TestUser);
    expect(await feedIds(author as TestUser)).toContain(postId);
    await eventuallyInFeed(fan as TestUser, postId);
    expect(await feedIds(stranger as TestUser)).not.toContain(postId);
  });

  it('hydrates items with the seed’s fields, the thumbnail as imageUrl and isLiked for the reader', async () => {
    const [author, fan] = (await quickUsers(2)) as [TestUser, TestUser];
    await follow(fan, author);
    const postId = await readyPost(author, { caption: 'hello #feed' });
    await callJson(`/api/v1/posts/${postId}/like`, { method: 'POST', token: fan.accessToken });
    await eventuallyInFeed(fan, postId);
    const [item] = (await feedPage(fan)).posts;
    expect(item).toMatchObject({
      postId,
      userId: author.userId,
      username: author.username,
      caption: 'hello #feed',
      likesCount: 1,
      isLiked: true,
      commentsCount: 0,
      aspectRatio: expect.any(Number),
      blurhash: expect.any(String),
    });
    expect(item?.imageUrl).toMatch(new RegExp(`/images/${postId}_thumbnail\\.jpg$`));
  });

  it('returns every item exactly once across pages while new posts keep arriving', async () => {
    const [author, fan] = (await quickUsers(2)) as [TestUser, TestUser];
    await follow(fan, author);
    const first = await Promise.all(Array.from({ length: 7 }, () => readyPost(author)));
    for (const id of first) await eventuallyInFeed(fan, id);

    const seen: string[] = [];
    let cursor: string | null = null;
    let arrivals = 0;
    do {
      const page = await feedPage(fan, cursor, 3);
      seen.push(...page.posts.map((p) => p.postId));
      cursor = page.pagination.nextCursor;
      if (arrivals++ < 2) await readyPost(author); // newer than everything being paged
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...first].sort());
  }, 90_000);

  it('brings a newly followed account’s recent posts into the next read, and takes them out on unfollow', async () => {
    const [author, reader] = (await quickUsers(2)) as [TestUser, TestUser];
    const older = await readyPost(author);
    expect(await feedIds(reader)).not.toContain(older);
    await follow(reader, author);
    expect(await feedIds(reader)).toContain(older);
    await unfollow(reader, author);
    expect(await feedIds(reader)).not.toContain(older);
  });

  it('merges the posts of an account too large to fan out at read time (the high-follower path)', async () => {
    // The tests set FANOUT_FOLLOWER_LIMIT to 3: four followers make this author "large".
    const [star, ...fans] = await quickUsers(5);
    for (const fan of fans) await follow(fan, star as TestUser);
    const postId = await readyPost(star as TestUser);
    for (const fan of fans) expect(await feedIds(fan)).toContain(postId);
    const timeline = timelineOf(env.TIMELINES, String(parsePublicId('user', (fans[0] as TestUser).userId)));
    const stored = await runInDurableObject(timeline, (instance: Timeline) => instance.read(null, 50));
    expect(stored.entries.map((e) => e.postId)).not.toContain(parsePublicId('post', postId));
  });

  it('keeps a large account’s private posts from filling its merged page, and drops all of it once muted or blocked', async () => {
    const [star, reader, ...fans] = (await quickUsers(5)) as [TestUser, TestUser, ...TestUser[]];
    for (const fan of [reader, ...fans]) await follow(fan, star);
    const forFollowers = await readyPost(star, { privacy: 'followers' });
    // Newer than it and more than a page of two: the merge must skip them, not stop at them.
    for (let i = 0; i < 3; i++) await readyPost(star, { privacy: 'private' });
    expect((await feedPage(reader, null, 2)).posts.map((p) => p.postId)).toEqual([forFollowers]);

    const relation = (path: 'mute' | 'block', method: 'POST' | 'DELETE') =>
      callJson(`/api/v1/users/${star.userId}/${path}`, { token: reader.accessToken, method });
    expect((await relation('mute', 'POST')).status).toBeLessThan(300);
    expect(await feedIds(reader)).toEqual([]);
    expect((await relation('mute', 'DELETE')).status).toBeLessThan(300);
    expect(await feedIds(reader)).toEqual([forFollowers]);
    expect((await relation('block', 'POST')).status).toBeLessThan(300);
    expect(await feedIds(reader)).toEqual([]);
  });

  it('rebuilds a lost timeline from Postgres on the next read', async () => {
    const [author, fan] = (await quickUsers(2)) as [TestUser, TestUser];
    await follow(fan, author);
    const postId = await readyPost(author);
    await eventuallyInFeed(fan, postId);
    const timeline = timelineOf(env.TIMELINES, String(parsePublicId('user', fan.userId)));
    // Lose everything the object stored, and the instance with it.
    await runInDurableObject(timeline, async (_instance, state) => {
      await state.storage.deleteAll();
    });
    await evictDurableObject(timeline);
    expect(await feedIds(fan)).toContain(postId);
    const rebuilt = await runInDurableObject(timeline, (instance: Timeline) => instance.read(null, 50));
    expect(rebuilt.built).toBe(true);
    expect(rebuilt.entries.map((e) => e.postId)).toContain(parsePublicId('post', postId));
  });

  it('never shows a deleted post, or one made private, again', async () => {
    const [author, fan] = (await quickUsers(2)) as [TestUser, TestUser];
    await follow(fan, author);
    const [gone, hidden] = await Promise.all([readyPost(author), readyPost(author)]);
    await eventuallyInFeed(fan, gone);
    await eventuallyInFeed(fan, hidden);
    await callJson(`/api/v1/images/${gone}`, { method: 'DELETE', token: author.accessToken });
    await callJson(`/api/v1/images/${hidden}`, {
      method: 'PATCH',
      token: author.accessToken,
      json: { privacy: 'private' },
    });
    const ids = await feedIds(fan);
    expect(ids).not.toContain(gone);
    expect(ids).not.toContain(hidden);
    expect(await feedIds(author)).toContain(hidden);
  });

  it('answers 401 without a token and 400 for a bad cursor', async () => {
    expect((await callJson('/api/v1/feed')).status).toBe(401);
    const [user] = (await quickUsers(1)) as [TestUser];
    expect((await callJson('/api/v1/feed?cursor=abc.def', { token: user.accessToken })).status).toBe(400);
  });
});

describe('GET /users/{userId}/posts', () => {
  it('shows the author everything with its status, and others only what they may see', async () => {
    const [author, follower, stranger] = (await quickUsers(3)) as [TestUser, TestUser, TestUser];
    await follow(follower, author);
    const [pub, fol, priv] = await Promise.all([
      readyPost(author),
      readyPost(author, { privacy: 'followers' }),
      readyPost(author, { privacy: 'private' }),
    ]);
    expect((await gridIds(author, author)).sort()).toEqual([pub, fol, priv].sort());
    expect((await gridIds(follower, author)).sort()).toEqual([pub, fol].sort());
    expect(await gridIds(stranger, author)).toEqual([pub]);
    expect(await gridIds(undefined, author)).toEqual([pub]);
  });
});

describe('GET /explore', () => {
  it('ranks public posts of the last week by likes and leaves out the rest', async () => {
    const [author, ...likers] = await quickUsers(4);
    const a = author as TestUser;
    const [popular, quiet, hidden] = await Promise.all([
      readyPost(a),
      readyPost(a),
      readyPost(a, { privacy: 'followers' }),
    ]);
    for (const liker of likers)
      await callJson(`/api/v1/posts/${popular}/like`, { method: 'POST', token: liker.accessToken });
    // The ranking is cached for 30 minutes: clear it so this test sees its own posts.
    await env.CACHE.delete('popular_posts');
    const { body } = await callJson<{ posts: { postId: string; likesCount: number }[] }>('/api/v1/explore?limit=50');
    const ids = body.data.posts.map((p) => p.postId);
    expect(ids).toContain(popular);
    expect(ids).toContain(quiet);
    expect(ids).not.toContain(hidden);
    expect(ids.indexOf(popular)).toBeLessThan(ids.indexOf(quiet));
  });
});
