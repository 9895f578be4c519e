/**
 * Blocks, on every read path, both ways, on the very next request; and mutes, one way. Each test
 * builds its own users and posts, then looks through HTTP where a user would look.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, callJson } from '../helpers/api';
import { quickUsers, type TestUser } from '../helpers/factories';
import { eventuallyInFeed, feedIds, gridIds } from '../helpers/feed';
import { allNotifications, eventuallyNotifications } from '../helpers/notifications';
import { readyPost } from '../helpers/processing';
import {
  comment,
  commentIds,
  exploreIds,
  listedUserIds,
  relate,
  searchPostIds,
  searchUserIds,
} from '../helpers/safety';

const profileOf = (viewer: TestUser, user: TestUser) =>
  callJson(`/api/v1/users/${user.userId}`, { token: viewer.accessToken });
const ownCounts = async (user: TestUser) =>
  (
    await callJson<{ followersCount: number; followingCount: number }>('/api/v1/users/profile', {
      token: user.accessToken,
    })
  ).body.data;

describe('POST /users/{userId}/block', () => {
  it('ends follows both ways with exact counters, and neither can follow the other again (404 / 422)', async () => {
    const [blocker, blocked, fan] = (await quickUsers(3)) as [TestUser, TestUser, TestUser];
    await relate(blocker, blocked, 'follow');
    await relate(blocked, blocker, 'follow');
    await relate(fan, blocker, 'follow');
    const answer = await relate(blocker, blocked, 'block');
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ userId: blocked.userId, isBlocked: true });
    expect((await relate(blocker, blocked, 'block')).body.data).toEqual({ userId: blocked.userId, isBlocked: true });

    expect(await ownCounts(blocker)).toMatchObject({ followersCount: 1, followingCount: 0 });
    expect(await ownCounts(blocked)).toMatchObject({ followersCount: 0, followingCount: 0 });
    expect((await relate(blocked, blocker, 'follow')).status).toBe(404);
    expect((await relate(blocker, blocked, 'follow')).status).toBe(422);

    // Unblocking restores nothing: the follows stay ended, and following again works.
    expect((await relate(blocker, blocked, 'block', 'DELETE')).body.data).toEqual({
      userId: blocked.userId,
      isBlocked: false,
    });
    expect(await ownCounts(blocked)).toMatchObject({ followersCount: 0, followingCount: 0 });
    expect((await relate(blocked, blocker, 'follow')).status).toBe(200);
  });

  it('refuses blocking or muting yourself with 422, and unknown users with 404', async () => {
    const [a] = (await quickUsers(1)) as [TestUser];
    expect((await relate(a, a, 'block')).status).toBe(422);
    expect((await relate(a, a, 'mute')).status).toBe(422);
    const ghost = { ...a, userId: `user_${'0'.repeat(32)}` };
    expect((await relate(a, ghost, 'block')).status).toBe(404);
    expect((await relate(a, ghost, 'mute')).status).toBe(404);
    expect((await call(`/api/v1/users/${a.userId}/block`, { method: 'POST' })).status).toBe(401);
  });

  it('keeps counters exact when a block lands among 40 concurrent follows and unfollows both ways', async () => {
    const [a, b] = (await quickUsers(2)) as [TestUser, TestUser];
    await relate(a, b, 'follow');
    await relate(b, a, 'follow');
    const storm = Array.from({ length: 40 }, (_, i) =>
      i % 2
        ? relate(a, b, 'follow', i % 4 === 1 ? 'POST' : 'DELETE')
        : relate(b, a, 'follow', i % 4 === 0 ? 'POST' : 'DELETE'),
    );
    await Promise.all([...storm.slice(0, 20), relate(a, b, 'block'), ...storm.slice(20)]);
    // Whatever interleaving happened, no follow survives the block and the counters match the rows.
    expect(await ownCounts(a)).toMatchObject({ followersCount: 0, followingCount: 0 });
    expect(await ownCounts(b)).toMatchObject({ followersCount: 0, followingCount: 0 });
    expect(await listedUserIds(a, `/api/v1/users/${a.userId}/followers`)).toEqual([]);
    expect(await listedUserIds(a, `/api/v1/users/${a.userId}/following`)).toEqual([]);
  });
});

describe('a block hides each from the other on every read path', () => {
  let blocker: TestUser;
  let blocked: TestUser;
  let other: TestUser;
  const tag = `blk${Date.now().toString(36)}`;
  const posts = {} as Record<'blockerPublic' | 'blockerFollowers' | 'blockedPublic' | 'otherPublic', string>;
  const comments = {} as Record<'byBlocker' | 'byBlocked', string>;
  let followersOnlyUrl: string;

  beforeAll(async () => {
    [blocker, blocked, other] = (await quickUsers(3)) as [TestUser, TestUser, TestUser];
    await relate(blocked, blocker, 'follow');
    await relate(blocker, blocked, 'follow');
    await relate(blocker, other, 'follow');
    await relate(blocked, other, 'follow');
    const [bp, bf, dp, op] = await Promise.all([
      readyPost(blocker, { tags: tag }),
      readyPost(blocker, { privacy: 'followers', tags: tag }),
      readyPost(blocked, { tags: tag }),
      readyPost(other, { tags: tag }),
    ]);
    Object.assign(posts, { blockerPublic: bp, blockerFollowers: bf, blockedPublic: dp, otherPublic: op });
    comments.byBlocker = await comment(blocker, op, 'from the blocker');
    comments.byBlocked = await comment(blocked, op, 'from the blocked one');
    await eventuallyInFeed(blocked, bp);
    await eventuallyInFeed(blocker, dp);
    // A followers-only image URL handed out before the block, signed for the blocked user.
    const detail = await callJson<{ thumbnailUrl: string }>(`/api/v1/images/${bf}`, { token: blocked.accessToken });
    followersOnlyUrl = detail.body.data.thumbnailUrl;
    expect((await call(new URL(followersOnlyUrl).pathname + new URL(followersOnlyUrl).search)).status).toBe(200);
    // Likes make the posts rank in explore; the blocked user's like will notify the blocker.
    await callJson(`/api/v1/posts/${bp}/like`, { method: 'POST', token: blocked.accessToken });
    await callJson(`/api/v1/posts/${dp}/like`, { method: 'POST', token: other.accessToken });
    await eventuallyNotifications(blocker, (items) => items.some((n) => n.actor.userId === blocked.userId));
    await env.CACHE.delete('popular_posts');
    expect(await exploreIds(blocked)).toContain(bp);

    expect((await relate(blocker, blocked, 'block')).status).toBe(200);
  }, 90_000);

  it('the blocker does not exist for the blocked user: profile, grid, follow lists are 404', async () => {
    expect((await profileOf(blocked, blocker)).status).toBe(404);
    expect((await callJson(`/api/v1/users/${blocker.userId}/posts`, { token: blocked.accessToken })).status).toBe(404);
    expect((await callJson(`/api/v1/users/${blocker.userId}/followers`, { token: blocked.accessToken })).status).toBe(
      404,
    );
    expect((await callJson(`/api/v1/users/${blocker.userId}/following`, { token: blocked.accessToken })).status).toBe(
      404,
    );
    // Others still see the blocker.
    expect((await profileOf(other, blocker)).status).toBe(200);
  });

  it('the blocker still reaches the blocked profile, which says isBlocked, but its grid is empty', async () => {
    const seen = await profileOf(blocker, blocked);
    expect(seen.status).toBe(200);
    expect(seen.body.data).toMatchObject({ isBlocked: true, isMuted: false, isFollowing: false });
    expect(await gridIds(blocker, blocked)).toEqual([]);
  });

  it('post details, likes and comments are 404 both ways', async () => {
    for (const [viewer, postId] of [
      [blocked, posts.blockerPublic],
      [blocker, posts.blockedPublic],
    ] as const) {
      expect((await callJson(`/api/v1/images/${postId}`, { token: viewer.accessToken })).status).toBe(404);
      expect((await callJson(`/api/v1/posts/${postId}/comments`, { token: viewer.accessToken })).status).toBe(404);
      expect(
        (await callJson(`/api/v1/posts/${postId}/like`, { method: 'POST', token: viewer.accessToken })).status,
      ).toBe(404);
      const written = await callJson(`/api/v1/posts/${postId}/comments`, {
        token: viewer.accessToken,
        json: { content: 'hi' },
      });
      expect(written.status).toBe(404);
    }
  });

  it('image bytes of a non-public post stop at once for the blocked user, even through a URL signed before', async () => {
    const url = new URL(followersOnlyUrl);
    expect((await call(url.pathname + url.search)).status).toBe(404);
  });

  it('comments on a third post leave the list both ways, and stay for everyone else', async () => {
    expect(await commentIds(blocked, posts.otherPublic)).not.toContain(comments.byBlocker);
    expect(await commentIds(blocker, posts.otherPublic)).not.toContain(comments.byBlocked);
    expect(await commentIds(other, posts.otherPublic)).toEqual(
      expect.arrayContaining([comments.byBlocker, comments.byBlocked]),
    );
  });

  it('each leaves the other’s feed, explore and search results (and total)', async () => {
    expect(await feedIds(blocked)).not.toContain(posts.blockerPublic);
    expect(await feedIds(blocker)).not.toContain(posts.blockedPublic);
    await env.CACHE.delete('popular_posts');
    expect(await exploreIds(blocked)).not.toContain(posts.blockerPublic);
    expect(await exploreIds(blocker)).not.toContain(posts.blockedPublic);
    const forBlocked = await searchPostIds(blocked, tag);
    expect(forBlocked.ids.sort()).toEqual([posts.blockedPublic, posts.otherPublic].sort());
    expect(forBlocked.total).toBe(2);
    const forBlocker = await searchPostIds(blocker, tag);
    expect(forBlocker.ids.sort()).toEqual([posts.blockerPublic, posts.blockerFollowers, posts.otherPublic].sort());
    expect(forBlocker.total).toBe(3);
    expect((await searchPostIds(other, tag)).total).toBe(3);
  });

  it('each leaves the other’s user search and the follow lists they read', async () => {
    expect((await searchUserIds(blocked, blocker.username)).ids).not.toContain(blocker.userId);
    expect((await searchUserIds(blocker, blocked.username)).ids).not.toContain(blocked.userId);
    expect((await searchUserIds(other, blocked.username)).ids).toContain(blocked.userId);
    expect(await listedUserIds(blocked, `/api/v1/users/${other.userId}/followers`)).not.toContain(blocker.userId);
    expect(await listedUserIds(blocker, `/api/v1/users/${other.userId}/followers`)).not.toContain(blocked.userId);
    expect(await listedUserIds(other, `/api/v1/users/${other.userId}/followers`)).toEqual(
      expect.arrayContaining([blocker.userId, blocked.userId]),
    );
  });

  it('earlier notifications from the blocked user disappear from the list and the unread count', async () => {
    const items = await allNotifications(blocker);
    expect(items.some((n) => n.actor.userId === blocked.userId)).toBe(false);
    const page = await callJson<{ unreadCount: number; notifications: unknown[] }>('/api/v1/notifications', {
      token: blocker.accessToken,
    });
    expect(page.body.data.unreadCount).toBe(page.body.data.notifications.length);
  });

  it('lists whom the caller blocked, and nobody else’s', async () => {
    expect(await listedUserIds(blocker, '/api/v1/users/blocks')).toEqual([blocked.userId]);
    expect(await listedUserIds(blocked, '/api/v1/users/blocks')).toEqual([]);
  });
});

describe('POST /users/{userId}/mute', () => {
  it('hides the muted user’s posts from the muter’s feed, explore and search only, silently', async () => {
    const [muter, muted, bystander] = (await quickUsers(3)) as [TestUser, TestUser, TestUser];
    const tag = `mut${Date.now().toString(36)}`;
    await relate(muter, muted, 'follow');
    await relate(bystander, muted, 'follow');
    const postId = await readyPost(muted, { tags: tag });
    await callJson(`/api/v1/posts/${postId}/like`, { method: 'POST', token: bystander.accessToken });
    await eventuallyInFeed(muter, postId);

    expect((await relate(muter, muted, 'mute')).body.data).toEqual({ userId: muted.userId, isMuted: true });
    expect(await feedIds(muter)).not.toContain(postId);
    await env.CACHE.delete('popular_posts');
    expect(await exploreIds(muter)).not.toContain(postId);
    expect(await searchPostIds(muter, tag)).toEqual({ ids: [], total: 0 });
    // Profile and post details stay reachable, and say so; the follow stands.
    expect((await profileOf(muter, muted)).body.data).toMatchObject({
      isMuted: true,
      isFollowing: true,
      isBlocked: false,
    });
    expect((await callJson(`/api/v1/images/${postId}`, { token: muter.accessToken })).status).toBe(200);
    expect(await gridIds(muter, muted)).toEqual([postId]);
    expect(await listedUserIds(muter, '/api/v1/users/mutes')).toEqual([muted.userId]);

    // One way: the muted user and everyone else see as before, and are not told.
    expect((await profileOf(muted, muter)).body.data).toMatchObject({ isMuted: false, isBlocked: false });
    expect(await feedIds(bystander)).toContain(postId);
    expect((await searchPostIds(bystander, tag)).total).toBe(1);

    // Unmuting brings the posts back into the feed.
    expect((await relate(muter, muted, 'mute', 'DELETE')).body.data).toEqual({ userId: muted.userId, isMuted: false });
    expect(await feedIds(muter)).toContain(postId);
    expect((await searchPostIds(muter, tag)).total).toBe(1);
  }, 60_000);
});
