import { api, call } from '../api/client';
import type { Route } from '../router';
import { h } from '../ui/dom';
import { infiniteList } from '../ui/infinite-list';
import { gridTile } from '../ui/post-card';

export function exploreScreen({ signal }: Route): Node {
  const grid = h('div', { class: 'grid' });
  const sentinel = infiniteList({
    container: grid,
    signal,
    load: async (cursor) => {
      const page = await call(api.explore.$get({ query: { limit: '24', ...(cursor ? { cursor } : {}) } }));
      return { items: page.posts, next: page.pagination.hasMore ? page.pagination.nextCursor : null };
    },
    renderItem: gridTile,
    empty: () => h('p', { class: 'empty' }, 'Nothing popular this week yet.'),
  });
  return h(
    'section',
    { class: 'wide' },
    h('h1', {}, 'Explore'),
    h('p', { class: 'muted' }, 'The most liked photos of the last seven days.'),
    grid,
    sentinel,
  );
}
