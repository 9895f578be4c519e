import { exports } from 'cloudflare:workers';
import { expect } from 'vitest';
import { callJson, origin } from './api';
import type { TestUser } from './factories';

export interface NotificationItem {
  notificationId: string;
  type: 'like' | 'comment' | 'follow';
  actor: { userId: string; username: string; avatar: string | null };
  postId?: string;
  commentId?: string;
  content?: string;
  createdAt: string;
  read: boolean;
}

export interface NotificationPage {
  notifications: NotificationItem[];
  unreadCount: number;
  pagination: { nextCursor: string | null; hasMore: boolean };
}

export async function notificationPage(user: TestUser, cursor?: string | null, limit = 50): Promise<NotificationPage> {
  const query = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
  const { status, body } = await callJson<NotificationPage>(`/api/v1/notifications${query}`, {
    token: user.accessToken,
  });
  expect(status).toBe(200);
  return body.data;
}

/** Every notification of the user, walking all pages. */
export async function allNotifications(user: TestUser): Promise<NotificationItem[]> {
  const all: NotificationItem[] = [];
  let cursor: string | null = null;
  do {
    const page: NotificationPage = await notificationPage(user, cursor);
    all.push(...page.notifications);
    cursor = page.pagination.nextCursor;
  } while (cursor);
  return all;
}

/** Notifications arrive through the queue: poll until `done` holds for the list, within a bound. */
export async function eventuallyNotifications(
  user: TestUser,
  done: (items: NotificationItem[]) => boolean,
  timeoutMs = 15_000,
): Promise<NotificationItem[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const items = await allNotifications(user);
    if (done(items)) return items;
    if (Date.now() > deadline)
      throw new Error(`notifications never settled; last saw ${JSON.stringify(items.map((n) => n.type))}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Opens the notification stream through the Worker's fetch, as a WebSocket client would. */
export function openStreamRequest(query: string, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(
    new Request(`${origin}/api/v1/notifications/stream${query}`, { headers: { Upgrade: 'websocket', ...headers } }),
  );
}

export interface StreamClient {
  socket: WebSocket;
  /** The next frame's JSON, or a rejection after `timeoutMs`. */
  next(timeoutMs?: number): Promise<unknown>;
  /** Settles with the close frame the server sent, once it sends one. */
  closed: Promise<{ code: number; reason: string }>;
}

/** `extraQuery` such as `&events=status`. */
export async function openStream(user: TestUser, extraQuery = ''): Promise<StreamClient> {
  const response = await openStreamRequest(`?token=${encodeURIComponent(user.accessToken)}${extraQuery}`);
  expect(response.status).toBe(101);
  const socket = response.webSocket;
  if (!socket) throw new Error('no WebSocket in the 101 response');
  socket.accept();
  const frames: string[] = [];
  const waiters: ((frame: string) => void)[] = [];
  socket.addEventListener('message', (event) => {
    const frame = String(event.data);
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.addEventListener('close', (event) => resolve({ code: event.code, reason: event.reason }));
  });
  return {
    socket,
    closed,
    next(timeoutMs = 10_000) {
      const queued = frames.shift();
      if (queued !== undefined) return Promise.resolve(JSON.parse(queued));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no frame within ${timeoutMs} ms`)), timeoutMs);
        waiters.push((frame) => {
          clearTimeout(timer);
          resolve(JSON.parse(frame));
        });
      });
    },
  };
}
