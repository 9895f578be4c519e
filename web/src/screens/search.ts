import { api, call, type DataOf } from '../api/client';
import { navigate, type Route } from '../router';
import { formatCount, h } from '../ui/dom';
import { infiniteList, type Page } from '../ui/infinite-list';
import { avatar } from '../ui/photo';
import { gridTile } from '../ui/post-card';
import { followButton } from './people';

type Kind = 'people' | 'posts';
type Hit =
  | { user: DataOf<Awaited<ReturnType<typeof api.search.users.$get>>>['users'][number] }
  | { post: DataOf<Awaited<ReturnType<typeof api.search.posts.$get>>>['posts'][number] };

/** `#tag` (or the Posts tab with only tags typed) filters by tag; anything else is text. */
function postQuery(text: string): { q?: string; tags?: string } {
  const words = text.split(/\s+/).filter(Boolean);
  const tags = words
    .filter((word) => word.startsWith('#'))
    .map((word) => word.slice(1))
    .filter(Boolean);
  const rest = words.filter((word) => !word.startsWith('#')).join(' ');
  return { ...(rest ? { q: rest } : {}), ...(tags.length ? { tags: tags.join(',') } : {}) };
}

export function searchScreen({ query, signal }: Route): Node {
  const text = query.get('q') ?? '';
  const kind: Kind = query.get('type') === 'posts' || text.startsWith('#') ? 'posts' : 'people';
  const input = h('input', {
    type: 'search',
    name: 'q',
    id: 'search-q',
    value: text,
    placeholder: 'People, words or #tags',
    autocomplete: 'off',
    'aria-label': 'Search',
  });
  const form = h('form', { role: 'search', class: 'search-bar' }, input, h('button', { type: 'submit' }, 'Search'));
  const go = (to: Kind) =>
    navigate(`/search?q=${encodeURIComponent(input.value.trim())}&type=${to}`, { replace: true });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    go(input.value.trim().startsWith('#') ? 'posts' : kind);
  });
  const tab = (to: Kind, label: string) =>
    h('button', { type: 'button', role: 'tab', 'aria-selected': String(kind === to), onclick: () => go(to) }, label);
  const tabs = h(
    'div',
    { role: 'tablist', class: 'tabs', 'aria-label': 'What to search' },
    tab('people', 'People'),
    tab('posts', 'Posts and tags'),
  );

  const results = h('div', { class: kind === 'posts' ? 'grid' : 'people', role: 'tabpanel' });
  const parts: Node[] = [h('h1', {}, 'Search'), form, tabs];
  if (text) {
    let page = 1;
    const sentinel = infiniteList({
      container: results,
      signal,
      load: async (): Promise<Page<Hit>> => {
        if (kind === 'people') {
          const found = await call(api.search.users.$get({ query: { q: text, page: String(page), limit: '20' } }));
          page += 1;
          return { items: found.users.map((user) => ({ user })), next: found.pagination.hasMore ? String(page) : null };
        }
        const found = await call(
          api.search.posts.$get({ query: { ...postQuery(text), page: String(page), limit: '24' } }),
        );
        page += 1;
        return { items: found.posts.map((post) => ({ post })), next: found.pagination.hasMore ? String(page) : null };
      },
      renderItem: (item) =>
        'user' in item
          ? h(
              'div',
              { class: 'person' },
              h(
                'a',
                { href: `/u/${item.user.userId}`, class: 'author-link' },
                avatar(item.user.avatar, item.user.username),
                h(
                  'span',
                  {},
                  h('strong', {}, item.user.username),
                  h(
                    'small',
                    { class: 'muted' },
                    item.user.fullName ?? '',
                    ' · ',
                    formatCount(item.user.followersCount, 'follower', 'followers'),
                  ),
                ),
              ),
              followButton(item.user),
            )
          : gridTile(item.post),
      empty: () => h('p', { class: 'empty' }, `No ${kind === 'people' ? 'people' : 'posts'} match “${text}”.`),
    });
    parts.push(results, sentinel);
  } else {
    parts.push(
      h('p', { class: 'muted' }, 'Find people by name or username, or photos by words in their captions and by #tags.'),
    );
  }
  queueMicrotask(() => !text && input.focus());
  return h('section', { class: 'wide' }, ...parts);
}
