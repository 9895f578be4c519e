/**
 * What the service worker shows for a push: the payload is a notification exactly as
 * `GET /notifications` lists it (src/notifications/push/payload.ts). Kept free of worker types so
 * it is unit-tested in workerd like any pure function.
 */
export interface ShownNotification {
  title: string;
  options: { body: string; icon: string; tag: string; data: { url: string } };
}

interface PushedNotification {
  notificationId: string;
  type: 'like' | 'comment' | 'follow';
  actor: { userId: string; username: string; avatar: string | null };
  postId?: string;
  content?: string;
}

const appIcon = '/favicon.svg';

function isPushedNotification(value: unknown): value is PushedNotification {
  if (typeof value !== 'object' || value === null) return false;
  const { notificationId, type, actor, postId, content } = value as Record<string, unknown>;
  const { userId, username, avatar } = (typeof actor === 'object' && actor !== null ? actor : {}) as Record<
    string,
    unknown
  >;
  return (
    typeof notificationId === 'string' &&
    (type === 'like' || type === 'comment' || type === 'follow') &&
    typeof userId === 'string' &&
    typeof username === 'string' &&
    (avatar === null || typeof avatar === 'string') &&
    (postId === undefined || typeof postId === 'string') &&
    (content === undefined || typeof content === 'string')
  );
}

function bodyOf(notification: PushedNotification): string {
  if (notification.type === 'follow') return 'started following you.';
  if (notification.type === 'like') return 'liked your photo.';
  return notification.content ? `commented: “${notification.content}”` : 'commented on your photo.';
}

/**
 * A push sent with `userVisibleOnly` must show something, or the browser shows its own warning
 * and may revoke the subscription: a payload this version cannot read still gets a notification,
 * which opens the list where the app reads the real thing.
 */
export const genericNotification: ShownNotification = {
  title: 'Lumen',
  options: { body: 'You have a new notification.', icon: appIcon, tag: 'lumen', data: { url: '/notifications' } },
};

/** The web app's own routes (web/src/main.ts): a like or comment opens the post, a follow the profile. */
export function notificationFor(text: string | null): ShownNotification {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '');
  } catch {
    return genericNotification;
  }
  if (!isPushedNotification(parsed)) return genericNotification;
  const path = parsed.postId
    ? `/p/${encodeURIComponent(parsed.postId)}`
    : `/u/${encodeURIComponent(parsed.actor.userId)}`;
  return {
    title: parsed.actor.username,
    options: {
      body: bodyOf(parsed),
      icon: parsed.actor.avatar ?? appIcon,
      // One per notification: a redelivered push replaces its own notification instead of adding one.
      tag: parsed.notificationId,
      data: { url: path },
    },
  };
}
