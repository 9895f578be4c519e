import { api, call } from '../api/client';
import type { Route } from '../router';
import { h } from '../ui/dom';
import { infiniteList } from '../ui/infinite-list';
import { postCard } from '../ui/post-card';

const pageSize = '10';

export function feedScreen({ signal }: Route): Node {
  const list = h('div', { class: 'cards' });
  const sentinel = infiniteList({
    container: list,
    signal,
    load: async (cursor) => {
      const page = await call(api.feed.$get({ query: { limit: pageSize, ...(cursor ? { cursor } : {}) } }));
      return { items: page.posts, next: page.pagination.hasMore ? page.pagination.nextCursor : null };
    },
    renderItem: postCard,
    empty: () =>
      h(
        'div',
        { class: 'empty' },
        h('p', {}, 'Your feed is empty for now.'),
        h(
          'p',
          {},
          h('a', { href: '/explore' }, 'Explore popular photos'),
          ' and follow people, or ',
          h('a', { href: '/upload' }, 'share your first photo'),
          '.',
        ),
      ),
  });
  return h('section', { class: 'feed' }, h('h1', { class: 'visually-hidden' }, 'Home'), list, sentinel);
}
