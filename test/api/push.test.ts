import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../src/api/index';
import { createDb } from '../../src/db/client';
import { notificationDeps, pushDeps } from '../../src/notifications/deps';
import { consumePushBatch, deliverPush, retryAfterSeconds } from '../../src/notifications/push/deliver';
import { recordSocialEvent } from '../../src/notifications/record-event';
import { parsePublicId } from '../../src/shared/ids';
import type { PushJob } from '../../src/shared/push-jobs';
import { call, callJson } from '../helpers/api';
import { quickUsers, type TestUser } from '../helpers/factories';
import { allNotifications, eventuallyNotifications, type NotificationItem } from '../helpers/notifications';
import {
  eventuallyPushes,
  expireAtPushService,
  pushDevice,
  receivedPushes,
  registerSubscription,
  subscribeAtPushService,
} from '../helpers/push';
import { readyPost } from '../helpers/processing';
import { comment, relate } from '../helpers/safety';

const db = createDb(env.DATABASE_URL, env.NEON_HTTP_ENDPOINT);
const uuid = (kind: 'user' | 'post' | 'notif' | 'push', id: string) => String(parsePublicId(kind, id));
const like = (user: TestUser, postId: string) =>
  call(`/api/v1/posts/${postId}/like`, { method: 'POST', token: user.accessToken });
const setPreferences = (user: TestUser, json: unknown) =>
  callJson<Record<string, string>>('/api/v1/notifications/preferences', {
    method: 'PATCH',
    token: user.accessToken,
    json,
  });

async function subscriptionExists(subscriptionId: string): Promise<boolean> {
  const result = await db.execute(`select 1 from push_subscriptions where id = '${uuid('push', subscriptionId)}'`);
  return result.rows.length > 0;
}

describe('GET/PATCH /api/v1/notifications/preferences', () => {
  it('starts at everyone for all three, changes only what a PATCH names, and reads back what was saved', async () => {
    const [user] = (await quickUsers(1)) as [TestUser];
    const initial = await callJson('/api/v1/notifications/preferences', { token: user.accessToken });
    expect(initial.body.data).toEqual({ like: 'everyone', comment: 'everyone', follow: 'everyone' });
    expect((await setPreferences(user, { like: 'off' })).body.data).toEqual({
      like: 'off',
      comment: 'everyone',
      follow: 'everyone',
    });
    expect((await setPreferences(user, { follow: 'following' })).body.data).toEqual({
      like: 'off',
      comment: 'everyone',
      follow: 'following',
    });
    const read = await callJson('/api/v1/notifications/preferences', { token: user.accessToken });
    expect(read.body.data).toEqual({ like: 'off', comment: 'everyone', follow: 'following' });
  });

  it('refuses an unknown value or field with 400 and changes nothing; without a token it is 401', async () => {
    const [user] = (await quickUsers(1)) as [TestUser];
    for (const json of [{ like: 'sometimes' }, { likes: 'off' }, { comment: null }]) {
      const { status, body } = await setPreferences(user, json);
      expect(status, JSON.stringify(json)).toBe(400);
      expect(body.error.code).toBe('VALIDATION_ERROR');
    }
    const read = await callJson('/api/v1/notifications/preferences', { token: user.accessToken });
    expect(read.body.data).toEqual({ like: 'everyone', comment: 'everyone', follow: 'everyone' });
    expect((await call('/api/v1/notifications/preferences')).status).toBe(401);
  });

  it('stores nothing a preference excludes: off stops everyone, following lets only followed accounts through', async () => {
    const [author, stranger, friend] = (await quickUsers(3)) as [TestUser, TestUser, TestUser];
    const postId = await readyPost(author);
    await relate(author, friend, 'follow');
    await setPreferences(author, { like: 'following', follow: 'off' });
    const deps = notificationDeps(env);
    const likeBy = (actor: TestUser) => ({
      kind: 'like' as const,
      actorId: uuid('user', actor.userId),
      recipientId: uuid('user', author.userId),
      postId: uuid('post', postId),
    });
    for (const liker of [stranger, friend]) expect((await like(liker, postId)).status).toBe(200);
    await relate(stranger, author, 'follow');
    // The events the API published may be consumed before or after these; the outcome is the same.
    await recordSocialEvent(deps, likeBy(stranger));
    await recordSocialEvent(deps, likeBy(friend));
    await recordSocialEvent(deps, {
      kind: 'follow',
      actorId: uuid('user', stranger.userId),
      recipientId: uuid('user', author.userId),
    });
    const items = await eventuallyNotifications(author, (list) => list.length > 0);
    expect(items.map((n) => [n.type, n.actor.userId])).toEqual([['like', friend.userId]]);
    const listed = await callJson<{ unreadCount: number }>('/api/v1/notifications', { token: author.accessToken });
    expect(listed.body.data.unreadCount).toBe(1);
  });
});

describe('POST/DELETE /api/v1/notifications/push-subscriptions', () => {
  it('answers 201 for a new endpoint and 200 with the same id for it again, rebinding it to the caller', async () => {
    const [first, second] = (await quickUsers(2)) as [TestUser, TestUser];
    const subscription = await subscribeAtPushService();
    const created = await registerSubscription(first, subscription);
    expect(created.status).toBe(201);
    expect(created.body.data.subscriptionId).toMatch(/^push_[0-9a-f]{32}$/);
    const again = await registerSubscription(first, subscription);
    expect(again.status).toBe(200);
    expect(again.body.data.subscriptionId).toBe(created.body.data.subscriptionId);
    const rebound = await registerSubscription(second, subscription);
    expect(rebound.status).toBe(200);
    const path = `/api/v1/notifications/push-subscriptions/${created.body.data.subscriptionId}`;
    expect((await call(path, { method: 'DELETE', token: first.accessToken })).status).toBe(404);
    expect((await call(path, { method: 'DELETE', token: second.accessToken })).status).toBe(200);
    expect((await call(path, { method: 'DELETE', token: second.accessToken })).status).toBe(404);
    expect(await subscriptionExists(created.body.data.subscriptionId)).toBe(false);
  });

  it('refuses private, non-https and credentialed endpoints and malformed keys with 400, storing nothing', async () => {
    const [user] = (await quickUsers(1)) as [TestUser];
    const { keys } = await subscribeAtPushService();
    const refused = [
      { endpoint: 'https://10.0.0.1/push', keys },
      { endpoint: 'https://169.254.169.254/latest', keys },
      { endpoint: 'http://push.example.com/x', keys },
      { endpoint: 'https://u:p@push.example.com/x', keys },
      { endpoint: 'https://push.example.com:8443/x', keys },
      { endpoint: 'https://push.example.com/x', keys: { ...keys, p256dh: 'AAAA' } },
      { endpoint: 'https://push.example.com/x', keys: { ...keys, auth: keys.p256dh } },
    ];
    for (const json of refused) {
      const { status, body } = await registerSubscription(user, json);
      expect(status, JSON.stringify(json)).toBe(400);
      expect(body.error.code).toBe('VALIDATION_ERROR');
    }
    const stored = await db.execute(`select 1 from push_subscriptions where user_id = '${uuid('user', user.userId)}'`);
    expect(stored.rows).toEqual([]);
  });

  it('publishes the application server key in /instance', async () => {
    const { body } = await callJson<{ vapidPublicKey: string }>('/api/v1/instance');
    expect(body.data.vapidPublicKey).toBe(env.VAPID_PUBLIC_KEY);
  });
});

describe('Web Push delivery through web-push-testing', () => {
  it('delivers a like, a comment and a follow to the recipient’s device, decrypted to the list’s JSON', async () => {
    const [author, fan] = (await quickUsers(2)) as [TestUser, TestUser];
    const postId = await readyPost(author);
    const device = await pushDevice(author);
    expect((await like(fan, postId)).status).toBe(200);
    await eventuallyPushes(device, 1);
    const commentId = await comment(fan, postId, 'lovely light ✨');
    await eventuallyPushes(device, 2);
    await relate(fan, author, 'follow');
    const pushes = (await eventuallyPushes(device, 3)) as NotificationItem[];

    const listed = await allNotifications(author);
    expect(pushes.map((p) => p.type)).toEqual(['like', 'comment', 'follow']);
    for (const pushed of pushes) expect(listed).toContainEqual(pushed);
    expect(pushes[0]).toMatchObject({ type: 'like', postId, actor: { userId: fan.userId, username: fan.username } });
    expect(pushes[1]).toMatchObject({ type: 'comment', postId, commentId, content: 'lovely light ✨' });
    expect(pushes[2]).not.toHaveProperty('postId');
  });

  it('pushes nothing the recipient’s preferences exclude', async () => {
    const [author, stranger, friend] = (await quickUsers(3)) as [TestUser, TestUser, TestUser];
    const postId = await readyPost(author);
    const device = await pushDevice(author);
    await relate(author, friend, 'follow');
    await setPreferences(author, { comment: 'following' });
    await comment(stranger, postId, 'from a stranger');
    await comment(friend, postId, 'from a friend');
    await eventuallyNotifications(author, (items) => items.some((n) => n.actor.userId === friend.userId));
    const pushes = (await eventuallyPushes(device, 1)) as NotificationItem[];
    // The stranger's comment was never stored, so nothing was queued for it either.
    expect((await allNotifications(author)).map((n) => n.actor.userId)).toEqual([friend.userId]);
    expect(pushes.map((p) => p.content)).toEqual(['from a friend']);
  });

  it('deletes the subscription when the push service answers 410 Gone', async () => {
    const [author, fan] = (await quickUsers(2)) as [TestUser, TestUser];
    const postId = await readyPost(author);
    const device = await pushDevice(author);
    await expireAtPushService(device);
    expect((await like(fan, postId)).status).toBe(200);
    const deadline = Date.now() + 20_000;
    while (await subscriptionExists(device.subscriptionId)) {
      if (Date.now() > deadline) throw new Error('the expired subscription was never deleted');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await receivedPushes(device)).toEqual([]);
  });

  it('sends a redelivered queue message only once', async () => {
    const [author, fan] = (await quickUsers(2)) as [TestUser, TestUser];
    const postId = await readyPost(author);
    const device = await pushDevice(author);
    expect((await like(fan, postId)).status).toBe(200);
    const [pushed] = (await eventuallyPushes(device, 1)) as NotificationItem[];
    const job: PushJob = {
      notificationId: uuid('notif', String(pushed?.notificationId)),
      subscriptionId: uuid('push', device.subscriptionId),
    };
    const batch = createMessageBatch<PushJob>('lumen-push-deliveries', [
      { id: 'again-1', timestamp: new Date(), attempts: 2, body: job },
      { id: 'again-2', timestamp: new Date(), attempts: 3, body: job },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks.sort()).toEqual(['again-1', 'again-2']);
    expect(await receivedPushes(device)).toHaveLength(1);
  });

  it('retries after the Retry-After of a 503, then sends once; a later redelivery sends nothing', async () => {
    const [author, fan] = (await quickUsers(2)) as [TestUser, TestUser];
    const postId = await readyPost(author);
    expect((await like(fan, postId)).status).toBe(200);
    // The notification is stored before the device exists, so only this test's batches push it.
    const [stored] = await eventuallyNotifications(author, (items) => items.length === 1);
    const device = await pushDevice(author);
    const job: PushJob = {
      notificationId: uuid('notif', String(stored?.notificationId)),
      subscriptionId: uuid('push', device.subscriptionId),
    };
    const real = pushDeps(env);
    // The push service is overloaded for one request: it answers as a real one does, 503 with Retry-After.
    let overloaded = true;
    const flaky = {
      ...real,
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        if (!overloaded) return fetch(input, init);
        overloaded = false;
        return new Response('busy', { status: 503, headers: { 'Retry-After': '7' } });
      },
    };
    const attempt = async (id: string, attempts: number) => {
      const batch = createMessageBatch<PushJob>('lumen-push-deliveries', [
        { id, timestamp: new Date(), attempts, body: job },
      ]);
      const ctx = createExecutionContext();
      await consumePushBatch(flaky, batch);
      return getQueueResult(batch, ctx);
    };
    // (The test queue's result does not show a retry's delay, so the first attempt is asked directly.)
    expect(await deliverPush(flaky, job)).toEqual({ result: 'retry', delaySeconds: 7 });
    expect(await receivedPushes(device)).toEqual([]);
    expect((await attempt('try-2', 2)).explicitAcks).toEqual(['try-2']);
    expect(await receivedPushes(device)).toHaveLength(1);
    expect((await attempt('try-3', 3)).explicitAcks).toEqual(['try-3']);
    expect(await receivedPushes(device)).toHaveLength(1);
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, bounded to the queue’s 12-hour limit; absent or garbage is undefined', () => {
    const now = Date.parse('2026-12-03T12:00:00Z');
    expect(retryAfterSeconds('30', now)).toBe(30);
    expect(retryAfterSeconds('0', now)).toBe(1);
    expect(retryAfterSeconds('Thu, 03 Dec 2026 12:02:00 GMT', now)).toBe(120);
    expect(retryAfterSeconds('999999', now)).toBe(12 * 3600);
    expect(retryAfterSeconds(null, now)).toBeUndefined();
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
  });
});
