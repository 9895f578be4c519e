/**
 * Unread notifications: the count for the badge, and each new notification as it is pushed over
 * the WebSocket (GET /notifications/stream). Screens subscribe; the socket follows the session.
 */
import type { InferResponseType } from 'hono/client';
import { api, apiBase, call, rotateTokens } from '../api/client';
import { currentSession, onSessionChange, refreshSession } from '../api/session';
import { isStatusEvent, publishStatus, setLive } from './status';

export type Notification = Extract<
  InferResponseType<typeof api.notifications.$get, 200>,
  { success: true }
>['data']['notifications'][number];

type Listener = (unread: number, arrived: Notification | null) => void;

const listeners = new Set<Listener>();
let unread = 0;
let socket: WebSocket | null = null;
let retryDelay = 1000;
let retryTimer: ReturnType<typeof setTimeout> | undefined;

function publish(arrived: Notification | null): void {
  for (const listener of listeners) listener(unread, arrived);
}

export function onNotifications(listener: Listener, signal?: AbortSignal): void {
  listeners.add(listener);
  listener(unread, null);
  signal?.addEventListener('abort', () => listeners.delete(listener));
}

export function setUnread(count: number): void {
  unread = count;
  publish(null);
}

function isNotification(value: unknown): value is Notification {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { notificationId?: unknown }).notificationId === 'string'
  );
}

function connect(): void {
  const session = currentSession();
  if (!session || socket) return;
  const url = new URL(`${apiBase}/notifications/stream`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', session.accessToken);
  // Also the processing status of our own uploads, so the composer needs no polling.
  url.searchParams.set('events', 'status');
  const opened = new WebSocket(url);
  socket = opened;
  let wasOpen = false;
  opened.addEventListener('open', () => {
    wasOpen = true;
    retryDelay = 1000;
    setLive(true);
    // Whatever arrived while disconnected is in the count, even if it was not pushed to us.
    void refreshCount();
  });
  opened.addEventListener('message', (event) => {
    const parsed: unknown = typeof event.data === 'string' ? JSON.parse(event.data) : null;
    if (isStatusEvent(parsed)) return publishStatus(parsed);
    if (!isNotification(parsed)) return;
    if (!parsed.read) unread += 1;
    publish(parsed);
  });
  opened.addEventListener('close', async () => {
    if (socket !== opened) return;
    socket = null;
    setLive(false);
    // Refused before opening: most likely an expired access token (the browser hides the 401).
    if (!wasOpen) await refreshSession(session, rotateTokens);
    retryTimer = setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30_000);
  });
}

function disconnect(): void {
  clearTimeout(retryTimer);
  const closing = socket;
  socket = null;
  setLive(false);
  closing?.close();
  setUnread(0);
}

async function refreshCount(): Promise<void> {
  const page = await call(api.notifications.$get({ query: { limit: '1' } })).catch(() => null);
  if (page) setUnread(page.unreadCount);
}

export function startLiveNotifications(): void {
  onSessionChange((session) => {
    if (!session) return disconnect();
    if (!socket) connect();
  });
  connect();
}
