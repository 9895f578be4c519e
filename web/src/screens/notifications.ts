import { api, call } from '../api/client';
import { onNotifications, setUnread, type Notification } from '../live/notifications';
import type { Route } from '../router';
import { h, timeAgo } from '../ui/dom';
import { infiniteList } from '../ui/infinite-list';
import { avatar } from '../ui/photo';

function describe(notification: Notification): string {
  if (notification.type === 'follow') return 'started following you.';
  if (notification.type === 'like') return 'liked your photo.';
  return `commented: “${notification.content ?? ''}”`;
}

function item(notification: Notification): HTMLElement {
  const target = notification.postId ? `/p/${notification.postId}` : `/u/${notification.actor.userId}`;
  return h(
    'li',
    { class: `notification${notification.read ? '' : ' unread'}` },
    avatar(notification.actor.avatar, notification.actor.username),
    h('a', { href: target }, h('strong', {}, notification.actor.username), ' ', describe(notification)),
    h('time', { datetime: notification.createdAt, class: 'muted' }, timeAgo(notification.createdAt)),
  );
}

export function notificationsScreen({ signal }: Route): Node {
  const list = h('ul', { class: 'notifications' });
  const sentinel = infiniteList({
    container: list,
    signal,
    load: async (cursor) => {
      const page = await call(api.notifications.$get({ query: { limit: '30', ...(cursor ? { cursor } : {}) } }));
      if (!cursor && page.unreadCount > 0) {
        // Seen now: the badge clears, the list keeps showing which ones were new.
        const read = await call(api.notifications.read.$post({ json: {} })).catch(() => null);
        if (read) setUnread(read.unreadCount);
      }
      return { items: page.notifications, next: page.pagination.hasMore ? page.pagination.nextCursor : null };
    },
    renderItem: item,
    empty: () =>
      h('p', { class: 'empty' }, 'No notifications yet. Likes, comments and new followers will show up here.'),
  });
  onNotifications((_unread, arrived) => {
    if (!arrived) return;
    list.insertBefore(item(arrived), list.firstChild);
    void call(api.notifications.read.$post({ json: { ids: [arrived.notificationId] } })).then(
      (read) => setUnread(read.unreadCount),
      () => {},
    );
  }, signal);
  return h('section', { class: 'narrow' }, h('h1', {}, 'Notifications'), list, sentinel);
}
