/**
 * Reports, the moderation API, removal and suspension, end to end through HTTP. Moderators are
 * made the way the operator makes them (the role column), since there is no API for it.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { recordSocialEvent } from '../../src/notifications/record-event';
import type { PresentedNotification } from '../../src/notifications/present';
import { parsePublicId } from '../../src/shared/ids';
import { call, callJson } from '../helpers/api';
import { quickUsers, registerUser, type TestUser } from '../helpers/factories';
import { eventuallyInFeed, feedIds, gridIds } from '../helpers/feed';
import { readyPost } from '../helpers/processing';
import { openStream } from '../helpers/notifications';
import {
  comment,
  commentIds,
  listedUserIds,
  relate,
  report,
  searchPostIds,
  searchUserIds,
  setRole,
} from '../helpers/safety';

const uuid = (publicId: string) => String(parsePublicId(publicId.startsWith('user_') ? 'user' : 'post', publicId));

interface QueueItem {
  reportId: string;
  status: string;
  reason: string;
  reporter: { userId: string };
  target: {
    type: string;
    id: string;
    userId: string;
    username: string;
    caption?: string | null;
    content?: string;
    thumbnailUrl?: string | null;
  };
  reportCount: number;
  resolution?: { action: string };
}

async function queue(moderator: TestUser, status = 'open'): Promise<QueueItem[]> {
  const all: QueueItem[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `?status=${status}&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const { status: code, body } = await callJson<{ reports: QueueItem[]; pagination: { nextCursor: string | null } }>(
      `/api/v1/moderation/reports${query}`,
      { token: moderator.accessToken },
    );
    expect(code).toBe(200);
    all.push(...body.data.reports);
    cursor = body.data.pagination.nextCursor;
  } while (cursor);
  return all;
}

const resolve = (moderator: TestUser, reportId: string, action: string, note?: string) =>
  callJson(`/api/v1/moderation/reports/${reportId}/resolve`, { token: moderator.accessToken, json: { action, note } });

const pathOf = (url: string) => {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
};

describe('/moderation/* is for moderators only', () => {
  const routes = [
    ['GET', '/api/v1/moderation/reports'],
    ['GET', '/api/v1/moderation/log'],
    ['POST', `/api/v1/moderation/reports/report_${'1'.repeat(32)}/resolve`, { action: 'dismiss' }],
    ['POST', `/api/v1/moderation/users/user_${'1'.repeat(32)}/suspend`, {}],
    ['POST', `/api/v1/moderation/users/user_${'1'.repeat(32)}/unsuspend`, {}],
  ] as const;

  it.each(routes)(
    '%s %s: 403 FORBIDDEN for a user, 401 without a token, allowed for moderators and admins',
    async (method, path, json?: object) => {
      const [user, moderator, admin] = (await quickUsers(3)) as [TestUser, TestUser, TestUser];
      await setRole(moderator, 'moderator');
      await setRole(admin, 'admin');
      const asUser = await callJson(path, { method, token: user.accessToken, json });
      expect(asUser.status).toBe(403);
      expect(asUser.body.error.code).toBe('FORBIDDEN');
      expect((await call(path, { method, json })).status).toBe(401);
      for (const allowed of [moderator, admin]) {
        const answer = await callJson(path, { method, token: allowed.accessToken, json });
        expect([200, 404]).toContain(answer.status);
      }
    },
  );
});

describe('POST /reports', () => {
  it('files a report (201), returns the same open report to its reporter again (200), and a new one after resolution', async () => {
    const [author, reporter, moderator] = (await quickUsers(3)) as [TestUser, TestUser, TestUser];
    await setRole(moderator, 'moderator');
    const postId = await readyPost(author, { caption: 'reported caption' });
    const first = await report(reporter, 'post', postId);
    expect(first.status).toBe(201);
    expect(first.body.data).toMatchObject({ status: 'open' });
    expect(first.body.data.reportId).toMatch(/^report_[0-9a-f]{32}$/);
    const again = await report(reporter, 'post', postId, 'harassment');
    expect(again.status).toBe(200);
    expect(again.body.data.reportId).toBe(first.body.data.reportId);
    expect((await resolve(moderator, first.body.data.reportId, 'dismiss')).status).toBe(200);
    const later = await report(reporter, 'post', postId);
    expect(later.status).toBe(201);
    expect(later.body.data.reportId).not.toBe(first.body.data.reportId);
  });

  it('is 404 for what the reporter may not see, 422 for themselves, 400 for a bad body', async () => {
    const [author, reporter] = (await quickUsers(2)) as [TestUser, TestUser];
    const hidden = await readyPost(author, { privacy: 'followers' });
    expect((await report(reporter, 'post', hidden)).status).toBe(404);
    expect((await report(reporter, 'post', 'post_nope')).status).toBe(404);
    expect((await report(reporter, 'comment', `comment_${'2'.repeat(32)}`)).status).toBe(404);
    expect((await report(reporter, 'user', reporter.userId)).status).toBe(422);
    const own = await readyPost(reporter);
    expect((await report(reporter, 'post', own)).status).toBe(422);
    await relate(author, reporter, 'block');
    expect((await report(reporter, 'user', author.userId)).status).toBe(404);
    const bad = await callJson('/api/v1/reports', {
      token: reporter.accessToken,
      json: { targetType: 'post', targetId: own, reason: 'boring' },
    });
    expect(bad.status).toBe(400);
    const extra = await callJson('/api/v1/reports', {
      token: reporter.accessToken,
      json: { targetType: 'user', targetId: author.userId, reason: 'spam', status: 'resolved' },
    });
    expect(extra.status).toBe(400);
  });

  it('answers with the rate-limit headers of its own policy', async () => {
    const [author, reporter] = (await quickUsers(2)) as [TestUser, TestUser];
    const answer = await report(reporter, 'user', author.userId);
    expect(answer.status).toBe(201);
    expect(answer.headers.get('RateLimit-Limit')).toBe('120');
  });
});

describe('the report queue and resolving', () => {
  let author: TestUser;
  let reporters: TestUser[];
  let moderator: TestUser;
  let postId: string;
  let commentId: string;

  beforeAll(async () => {
    [author, moderator, ...reporters] = (await quickUsers(5)) as [TestUser, TestUser, TestUser, TestUser, TestUser];
    await setRole(moderator, 'moderator');
    for (const reporter of reporters) await relate(reporter, author, 'follow');
    postId = await readyPost(author, { privacy: 'followers', caption: 'followers only, reported' });
    commentId = await comment(reporters[0] as TestUser, postId, 'a reported comment');
  }, 60_000);

  it('shows open reports oldest first with snapshots, counts, and a thumbnail the moderator can load whatever the privacy', async () => {
    const [first, second] = reporters as [TestUser, TestUser];
    const one = await report(first, 'post', postId, 'nudity');
    const two = await report(second, 'post', postId, 'spam');
    const items = (await queue(moderator)).filter((r) => r.target.id === postId);
    expect(items.map((r) => r.reportId)).toEqual([one.body.data.reportId, two.body.data.reportId]);
    expect(items[0]).toMatchObject({
      status: 'open',
      reason: 'nudity',
      reporter: { userId: first.userId },
      target: {
        type: 'post',
        id: postId,
        userId: author.userId,
        username: author.username,
        caption: 'followers only, reported',
      },
      reportCount: 2,
    });
    const thumbnail = items[0]?.target.thumbnailUrl;
    expect(thumbnail).toEqual(expect.stringContaining('signature='));
    expect((await call(pathOf(String(thumbnail)))).status).toBe(200);
  });

  it('remove takes a comment down for everyone with the count following, and resolves its reports', async () => {
    const reported = await report(author, 'comment', commentId, 'harassment');
    expect(reported.status).toBe(201);
    const before = await callJson<{ commentsCount: number }>(`/api/v1/images/${postId}`, { token: author.accessToken });
    expect((await resolve(moderator, reported.body.data.reportId, 'remove', 'abusive')).body.data).toMatchObject({
      status: 'resolved',
      action: 'remove',
    });
    expect(await commentIds(author, postId)).not.toContain(commentId);
    const after = await callJson<{ commentsCount: number }>(`/api/v1/images/${postId}`, { token: author.accessToken });
    expect(after.body.data.commentsCount).toBe(before.body.data.commentsCount - 1);
    expect((await resolve(moderator, reported.body.data.reportId, 'dismiss')).status).toBe(422);
  });

  it('remove takes the post down everywhere: details, bytes, grid, feed, counters; every open report on it resolved', async () => {
    const [first, , third] = reporters as [TestUser, TestUser, TestUser];
    await eventuallyInFeed(third, postId);
    const detail = await callJson<{ imageUrl: string; thumbnailUrl: string; displayUrl: string }>(
      `/api/v1/images/${postId}`,
      {
        token: third.accessToken,
      },
    );
    const urls = [detail.body.data.imageUrl, detail.body.data.thumbnailUrl, detail.body.data.displayUrl];
    for (const url of urls) expect((await call(pathOf(url))).status).toBe(200);
    const postsBefore = (await callJson<{ postsCount: number }>('/api/v1/users/profile', { token: author.accessToken }))
      .body.data.postsCount;

    const open = (await queue(moderator)).filter((r) => r.target.id === postId);
    expect(open.length).toBe(2);
    expect((await resolve(moderator, String(open[0]?.reportId), 'remove', 'not allowed here')).status).toBe(200);

    expect((await callJson(`/api/v1/images/${postId}`, { token: author.accessToken })).status).toBe(404);
    for (const url of urls) expect((await call(pathOf(url))).status).toBe(404);
    expect(await gridIds(author, author)).not.toContain(postId);
    expect(await feedIds(third)).not.toContain(postId);
    const postsAfter = (await callJson<{ postsCount: number }>('/api/v1/users/profile', { token: author.accessToken }))
      .body.data.postsCount;
    expect(postsAfter).toBe(postsBefore - 1);
    expect((await queue(moderator)).filter((r) => r.target.id === postId)).toEqual([]);
    const resolved = (await queue(moderator, 'resolved')).filter(
      (r) => r.target.id === postId && r.resolution?.action === 'remove',
    );
    expect(resolved.map((r) => r.reporter.userId).sort()).toEqual(
      [first.userId, (reporters[1] as TestUser).userId].sort(),
    );
    // The snapshot outlives the post, the thumbnail does not.
    expect(resolved[0]?.target).toMatchObject({ caption: 'followers only, reported', thumbnailUrl: null });
  });

  it('logs every action newest first, and the log cannot be rewritten', async () => {
    const { body } = await callJson<{
      actions: {
        actionId: string;
        action: string;
        moderator: { userId: string };
        target: { type: string; id: string };
        note: string | null;
      }[];
    }>('/api/v1/moderation/log?limit=50', { token: moderator.accessToken });
    const mine = body.data.actions.filter((a) => a.moderator.userId === moderator.userId);
    expect(mine.slice(0, 2)).toMatchObject([
      { action: 'remove', target: { type: 'post', id: postId }, note: 'not allowed here' },
      { action: 'remove', target: { type: 'comment', id: commentId }, note: 'abusive' },
    ]);
    const db = createDb(env.DATABASE_URL, env.NEON_HTTP_ENDPOINT);
    await expect(db.execute(`delete from moderation_actions`)).rejects.toThrow();
  });
});

describe('suspension', () => {
  it('ends the sessions at once, refuses login with 403, hides everything it made, and unsuspend restores it intact', async () => {
    const suspect = await registerUser();
    const [fan, followed, moderator, viewer] = (await quickUsers(4)) as [TestUser, TestUser, TestUser, TestUser];
    await setRole(moderator, 'moderator');
    const tag = `sus${Date.now().toString(36)}`;
    await relate(fan, suspect, 'follow');
    await relate(suspect, followed, 'follow');
    const postId = await readyPost(suspect, { tags: tag });
    const otherPost = await readyPost(followed);
    await callJson(`/api/v1/posts/${otherPost}/like`, { method: 'POST', token: suspect.accessToken });
    const commentId = await comment(suspect, otherPost, 'by the suspect');
    await eventuallyInFeed(fan, postId);
    const detail = await callJson<{ thumbnailUrl: string }>(`/api/v1/images/${postId}`);
    const imagePath = pathOf(detail.body.data.thumbnailUrl);
    // An anonymous read fills KV: the suspension must not be served from it.
    expect((await callJson(`/api/v1/users/${suspect.userId}`)).status).toBe(200);
    const followedBefore = await callJson<{ followersCount: number }>(`/api/v1/users/${followed.userId}`, {
      token: viewer.accessToken,
    });
    const likesBefore = (
      await callJson<{ likesCount: number }>(`/api/v1/images/${otherPost}`, { token: viewer.accessToken })
    ).body.data.likesCount;

    const stream = await openStream(suspect);
    const reported = await report(viewer, 'user', suspect.userId, 'spam');
    expect((await resolve(moderator, reported.body.data.reportId, 'suspend', 'spam account')).status).toBe(200);
    expect(await stream.closed).toEqual({ code: 1008, reason: 'account suspended' });

    // The contract: any request with a token of a suspended account is 403 ACCOUNT_SUSPENDED, so a client can say why.
    const withToken = await callJson('/api/v1/users/profile', { token: suspect.accessToken });
    expect([withToken.status, withToken.body.error.code]).toEqual([403, 'ACCOUNT_SUSPENDED']);
    const login = await callJson('/api/v1/auth/login', { json: { email: suspect.email, password: suspect.password } });
    expect(login.status).toBe(403);
    expect(login.body.error.code).toBe('ACCOUNT_SUSPENDED');
    const wrongPassword = await callJson('/api/v1/auth/login', {
      json: { email: suspect.email, password: 'not the password' },
    });
    expect(wrongPassword.status).toBe(401);
    const refreshed = await callJson('/api/v1/auth/refresh', { json: { refreshToken: suspect.refreshToken } });
    expect([refreshed.status, refreshed.body.error.code]).toEqual([403, 'ACCOUNT_SUSPENDED']);

    const hidden = async () => {
      expect((await callJson(`/api/v1/users/${suspect.userId}`)).status).toBe(404);
      expect((await callJson(`/api/v1/users/${suspect.userId}`, { token: viewer.accessToken })).status).toBe(404);
      expect((await callJson(`/api/v1/users/${suspect.userId}/posts`, { token: viewer.accessToken })).status).toBe(404);
      expect((await callJson(`/api/v1/images/${postId}`)).status).toBe(404);
      expect((await call(imagePath)).status).toBe(404);
      expect(await commentIds(viewer, otherPost)).not.toContain(commentId);
      expect(await feedIds(fan)).not.toContain(postId);
      expect((await searchPostIds(viewer, tag)).total).toBe(0);
      expect((await searchUserIds(viewer, suspect.username)).ids).not.toContain(suspect.userId);
      expect(await listedUserIds(viewer, `/api/v1/users/${followed.userId}/followers`)).not.toContain(suspect.userId);
      expect(await listedUserIds(viewer, `/api/v1/users/${fan.userId}/following`)).not.toContain(suspect.userId);
    };
    await hidden();
    // Its follows and likes keep counting: counters are not rewritten.
    const followedDuring = await callJson<{ followersCount: number }>(`/api/v1/users/${followed.userId}`, {
      token: viewer.accessToken,
    });
    expect(followedDuring.body.data.followersCount).toBe(followedBefore.body.data.followersCount);
    expect(
      (await callJson<{ likesCount: number }>(`/api/v1/images/${otherPost}`, { token: viewer.accessToken })).body.data
        .likesCount,
    ).toBe(likesBefore);
    expect((await report(viewer, 'user', suspect.userId)).status).toBe(404);

    const lifted = await callJson(`/api/v1/moderation/users/${suspect.userId}/unsuspend`, {
      token: moderator.accessToken,
      json: { note: 'appeal granted' },
    });
    expect(lifted.body.data).toEqual({ userId: suspect.userId, suspended: false });
    // Sessions ended by the suspension stay ended: the old token is now simply signed out.
    expect((await callJson('/api/v1/users/profile', { token: suspect.accessToken })).status).toBe(401);

    expect((await callJson(`/api/v1/users/${suspect.userId}`)).status).toBe(200);
    expect((await callJson(`/api/v1/images/${postId}`)).status).toBe(200);
    expect((await call(imagePath)).status).toBe(200);
    expect(await commentIds(viewer, otherPost)).toContain(commentId);
    expect((await searchPostIds(viewer, tag)).ids).toEqual([postId]);
    expect(await listedUserIds(viewer, `/api/v1/users/${followed.userId}/followers`)).toContain(suspect.userId);
    await eventuallyInFeed(fan, postId);
    const relogin = await callJson('/api/v1/auth/login', {
      json: { email: suspect.email, password: suspect.password },
    });
    expect(relogin.status).toBe(200);

    const log = await callJson<{
      actions: { action: string; target: { id: string }; note: string | null; reportId: string | null }[];
    }>('/api/v1/moderation/log', { token: moderator.accessToken });
    expect(log.body.data.actions.filter((a) => a.target.id === suspect.userId).slice(0, 2)).toMatchObject([
      { action: 'unsuspend', note: 'appeal granted', reportId: null },
      { action: 'suspend', note: 'spam account', reportId: reported.body.data.reportId },
    ]);
  }, 90_000);

  it('refuses to suspend yourself (422) and an unknown account (404)', async () => {
    const [moderator] = (await quickUsers(1)) as [TestUser];
    await setRole(moderator, 'moderator');
    const self = await callJson(`/api/v1/moderation/users/${moderator.userId}/suspend`, {
      token: moderator.accessToken,
      json: {},
    });
    expect(self.status).toBe(422);
    const ghost = await callJson(`/api/v1/moderation/users/user_${'3'.repeat(32)}/suspend`, {
      token: moderator.accessToken,
      json: {},
    });
    expect(ghost.status).toBe(404);
  });
});

describe('notifications across blocks and mutes', () => {
  it('stores and streams nothing from a muted or blocked actor, and the same event from anyone else goes through', async () => {
    const [recipient, muted, blocked, friend] = (await quickUsers(4)) as [TestUser, TestUser, TestUser, TestUser];
    const postId = await readyPost(recipient);
    for (const liker of [muted, blocked, friend]) {
      await callJson(`/api/v1/posts/${postId}/like`, { method: 'POST', token: liker.accessToken });
    }
    await relate(recipient, muted, 'mute');
    const db = createDb(env.DATABASE_URL, env.NEON_HTTP_ENDPOINT);
    // Block after the like, so the like row still exists and only the block can refuse it.
    await db.execute(
      `insert into blocks (blocker_id, blocked_id) values ('${uuid(recipient.userId)}', '${uuid(blocked.userId)}')`,
    );
    await db.execute(`delete from notifications where recipient_id = '${uuid(recipient.userId)}'`);
    const delivered: PresentedNotification[] = [];
    const deps = { db, channel: { deliver: async (_: string, n: PresentedNotification) => void delivered.push(n) } };
    const likeBy = (actor: TestUser) => ({
      kind: 'like' as const,
      actorId: uuid(actor.userId),
      recipientId: uuid(recipient.userId),
      postId: uuid(postId),
    });
    await recordSocialEvent(deps, likeBy(muted));
    await recordSocialEvent(deps, likeBy(blocked));
    expect(delivered).toEqual([]);
    await recordSocialEvent(deps, likeBy(friend));
    expect(delivered.map((n) => n.actor.userId)).toEqual([friend.userId]);
    const listed = await callJson<{ notifications: { actor: { userId: string } }[]; unreadCount: number }>(
      '/api/v1/notifications',
      {
        token: recipient.accessToken,
      },
    );
    expect(listed.body.data.notifications.map((n) => n.actor.userId)).toEqual([friend.userId]);
    expect(listed.body.data.unreadCount).toBe(1);
  }, 60_000);
});
