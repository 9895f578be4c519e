import { describe, expect, it } from 'vitest';
import { call, callJson } from '../helpers/api';
import { quickUsers, type TestUser } from '../helpers/factories';
import {
  allNotifications,
  eventuallyNotifications,
  notificationPage,
  openStream,
  openStreamRequest,
  type NotificationItem,
} from '../helpers/notifications';
import { readyPost } from '../helpers/processing';

const like = (user: TestUser, postId: string) =>
  call(`/api/v1/posts/${postId}/like`, { method: 'POST', token: user.accessToken });
const unlike = (user: TestUser, postId: string) =>
  call(`/api/v1/posts/${postId}/like`, { method: 'DELETE', token: user.accessToken });
const follow = (user: TestUser, target: TestUser) =>
  call(`/api/v1/users/${target.userId}/follow`, { method: 'POST', token: user.accessToken });
const unfollow = (user: TestUser, target: TestUser) =>
  call(`/api/v1/users/${target.userId}/follow`, { method: 'DELETE', token: user.accessToken });

async function comment(user: TestUser, postId: string, content: string): Promise<string> {
  const { status, body } = await callJson<{ commentId: string }>(`/api/v1/posts/${postId}/comments`, {
    token: user.accessToken,
    json: { content },
  });
  expect(status).toBe(201);
  return body.data.commentId;
}

const ofType = (items: NotificationItem[], type: NotificationItem['type']) => items.filter((n) => n.type === type);

describe('GET /api/v1/notifications/stream', () => {
  it('pushes a like to the post author’s open WebSocket as the list’s JSON', async () => {
    const [author, liker] = (await quickUsers(2)) as [TestUser, TestUser];
    const postId = await readyPost(author);
    const stream = await openStream(author);
    expect((await like(liker, postId)).status).toBe(200);

    const pushed = (await stream.next(10_000)) as NotificationItem;
    expect(pushed).toMatchObject({
      type: 'like',
      postId,
      read: false,
      actor: { userId: liker.userId, username: liker.username, avatar: null },
    });
    expect(pushed.notificationId).toMatch(/^notif_[0-9a-f]{32}$/);
    const [listed] = (await notificationPage(author)).notifications;
    expect(listed).toEqual(pushed);
    stream.socket.close(1000, 'done');
  });

  it('closes the streams of a session that signs out, and only those', async () => {
    const [user] = (await quickUsers(1)) as [TestUser];
    const login = await callJson<{ accessToken: string }>('/api/v1/auth/login', {
      json: { email: user.email, password: user.password },
    });
    const otherDevice = { ...user, accessToken: login.body.data.accessToken };
    const [leaving, staying] = await Promise.all([openStream(user), openStream(otherDevice)]);
    expect((await call('/api/v1/auth/logout', { method: 'POST', token: user.accessToken })).status).toBe(200);
    expect(await leaving.closed).toEqual({ code: 1008, reason: 'signed out' });

    const liker = (await quickUsers(1))[0] as TestUser;
    expect((await like(liker, await readyPost(otherDevice))).status).toBe(200);
    expect(await staying.next()).toMatchObject({ type: 'like' });
    staying.socket.close(1000, 'done');
  });

  it('closes every stream of the account when its password changes', async () => {
    const [user] = (await quickUsers(1)) as [TestUser];
    const stream = await openStream(user);
    const changed = await call('/api/v1/auth/password', {
      method: 'POST',
      token: user.accessToken,
      json: { currentPassword: user.password, newPassword: 'another long password' },
    });
    expect(changed.status).toBe(200);
    expect(await stream.closed).toEqual({ code: 1008, reason: 'password changed' });
  });

  it('answers 401 before upgrading when the token is missing, forged or not an access token', async () => {
    const [user] = (await quickUsers(1)) as [TestUser];
    for (const query of ['', '?token=not-a-token', `?token=${user.accessToken}x`, `?token=${user.refreshToken}`]) {
      const response = await openStreamRequest(query);
      expect(response.status, query).toBe(401);
      expect(response.webSocket, query).toBeNull();
      expect((await response.json<{ error: { code: string } }>()).error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('takes the token as the subprotocol bearer.<token> and answers with lumen.notifications.v1', async () => {
    const [user] = (await quickUsers(1)) as [TestUser];
    const response = await openStreamRequest('', {
      'Sec-WebSocket-Protocol': `lumen.notifications.v1, bearer.${user.accessToken}`,
    });
    expect(response.status).toBe(101);
    expect(response.headers.get('Sec-WebSocket-Protocol')).toBe('lumen.notifications.v1');
    response.webSocket?.accept();
    response.webSocket?.close(1000, 'done');
  });

  it('answers a plain GET without Upgrade: websocket with 400', async () => {
    const [user] = (await quickUsers(1)) as [TestUser];
    const { status, body } = await callJson(`/api/v1/notifications/stream?token=${user.accessToken}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe('VALIDATION_ERROR');
  });
});

describe('GET /api/v1/notifications', () => {
  it('lists likes, comments and follows by others newest first, never one’s own actions', async () => {
    const [author, fan] = (await quickUsers(2)) as [TestUser, TestUser];
    const postId = await readyPost(author);
    expect((await like(author, postId)).status).toBe(200);
    await comment(author, postId, 'my own comment');
    expect((await like(fan, postId)).status).toBe(200);
    const commentId = await comment(fan, postId, 'Lovely light');
    expect((await follow(fan, author)).status).toBe(200);

    const items = await eventuallyNotifications(author, (list) => list.length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 500)); // room for any stray event to land
    const settled = await allNotifications(author);
    expect(settled).toHaveLength(3);
    expect(settled.every((n) => n.actor.userId === fan.userId)).toBe(true);
    expect(ofType(items, 'comment')[0]).toMatchObject({ postId, commentId, content: 'Lovely light' });
    expect(ofType(items, 'follow')[0]).not.toHaveProperty('postId');
    const times = settled.map((n) => n.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(await allNotifications(fan)).toEqual([]);
  });

  it('withdraws the notification on unlike, unfollow and comment deletion, and when the post is deleted', async () => {
    const [author, fan] = (await quickUsers(2)) as [TestUser, TestUser];
    const [postId, otherPost] = await Promise.all([readyPost(author), readyPost(author)]);
    await like(fan, postId);
    await follow(fan, author);
    const commentId = await comment(fan, postId, 'soon gone');
    await like(fan, otherPost);
    await eventuallyNotifications(author, (list) => list.length === 4);

    await unlike(fan, postId);
    await unfollow(fan, author);
    expect(
      (await call(`/api/v1/posts/${postId}/comments/${commentId}`, { method: 'DELETE', token: fan.accessToken }))
        .status,
    ).toBe(200);
    const left = await eventuallyNotifications(author, (list) => list.length === 1);
    expect(left[0]).toMatchObject({ type: 'like', postId: otherPost });

    expect((await call(`/api/v1/images/${otherPost}`, { method: 'DELETE', token: author.accessToken })).status).toBe(
      200,
    );
    expect(await allNotifications(author)).toEqual([]);
  });

  it('keeps one notification per like through a burst of 100 likers and a like, unlike, like by one user', async () => {
    const [author] = (await quickUsers(1)) as [TestUser];
    const likers = await quickUsers(100);
    const postId = await readyPost(author);
    const answers = await Promise.all(likers.map((liker) => like(liker, postId)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const fickle = likers[0] as TestUser;
    await unlike(fickle, postId);
    await like(fickle, postId);

    await eventuallyNotifications(author, (list) => list.length >= 100, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // let late unlike/like events settle
    const items = await allNotifications(author);
    expect(items).toHaveLength(100);
    expect(new Set(items.map((n) => n.actor.userId))).toEqual(new Set(likers.map((l) => l.userId)));
    expect(new Set(items.map((n) => n.notificationId)).size).toBe(100);
    expect((await notificationPage(author, null, 10)).unreadCount).toBe(100);
  });

  it('pages with a cursor: every notification once', async () => {
    const [author] = (await quickUsers(1)) as [TestUser];
    const fans = await quickUsers(5);
    await Promise.all(fans.map((fan) => follow(fan, author)));
    await eventuallyNotifications(author, (list) => list.length === 5);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof notificationPage>> = await notificationPage(author, cursor, 2);
      seen.push(...page.notifications.map((n) => n.notificationId));
      cursor = page.pagination.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });
});

describe('POST /api/v1/notifications/read', () => {
  it('marks the listed ids read, then all with {}, returning unreadCount each time', async () => {
    const [author] = (await quickUsers(1)) as [TestUser];
    const fans = await quickUsers(3);
    await Promise.all(fans.map((fan) => follow(fan, author)));
    const items = await eventuallyNotifications(author, (list) => list.length === 3);
    expect((await notificationPage(author)).unreadCount).toBe(3);

    const first = items[0] as NotificationItem;
    const marked = await callJson<{ unreadCount: number }>('/api/v1/notifications/read', {
      token: author.accessToken,
      json: { ids: [first.notificationId, `notif_${'0'.repeat(32)}`] },
    });
    expect(marked.status).toBe(200);
    expect(marked.body.data.unreadCount).toBe(2);
    const page = await notificationPage(author);
    expect(page.unreadCount).toBe(2);
    expect(page.notifications.find((n) => n.notificationId === first.notificationId)?.read).toBe(true);

    const [stranger] = (await quickUsers(1)) as [TestUser];
    const foreign = await callJson<{ unreadCount: number }>('/api/v1/notifications/read', {
      token: stranger.accessToken,
      json: {},
    });
    expect(foreign.body.data.unreadCount).toBe(0);
    expect((await notificationPage(author)).unreadCount).toBe(2);

    const all = await callJson<{ unreadCount: number }>('/api/v1/notifications/read', {
      token: author.accessToken,
      json: {},
    });
    expect(all.body.data.unreadCount).toBe(0);
    expect((await notificationPage(author)).notifications.every((n) => n.read)).toBe(true);
  });

  it('rejects malformed ids and unknown fields with 400, and needs a token', async () => {
    const [user] = (await quickUsers(1)) as [TestUser];
    for (const json of [{ ids: ['post_123'] }, { ids: 'all' }, { all: true }]) {
      const { status } = await callJson('/api/v1/notifications/read', { token: user.accessToken, json });
      expect(status, JSON.stringify(json)).toBe(400);
    }
    expect((await callJson('/api/v1/notifications/read', { json: {} })).status).toBe(401);
    expect((await callJson('/api/v1/notifications')).status).toBe(401);
  });
});
