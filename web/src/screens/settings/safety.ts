/** The settings section listing whom the person blocked and muted, each undoable in place. */
import { api, call } from '../../api/client';
import { explain } from '../../api/errors';
import type { Route } from '../../router';
import { h } from '../../ui/dom';
import { infiniteList } from '../../ui/infinite-list';
import { avatar } from '../../ui/photo';
import { setBlocked, setMuted } from '../../ui/safety-menu';
import { toast } from '../../ui/toast';

type Listed = { userId: string; username: string; avatar: string | null };

function personList(kind: 'blocks' | 'mutes', signal: AbortSignal): Node[] {
  const list = h('ul', { class: 'people', 'aria-label': kind === 'blocks' ? 'Blocked accounts' : 'Muted accounts' });
  const sentinel = infiniteList({
    container: list,
    signal,
    load: async (cursor) => {
      const query = { limit: '30', ...(cursor ? { cursor } : {}) };
      const page = await call(kind === 'blocks' ? api.users.blocks.$get({ query }) : api.users.mutes.$get({ query }));
      return { items: page.users, next: page.pagination.hasMore ? page.pagination.nextCursor : null };
    },
    renderItem: (user: Listed) => {
      const undo = kind === 'blocks' ? 'Unblock' : 'Unmute';
      const row = h(
        'li',
        { class: 'person' },
        avatar(user.avatar, user.username),
        h('a', { href: `/u/${user.userId}` }, user.username),
        h(
          'button',
          {
            type: 'button',
            class: 'ghost',
            'aria-label': `${undo} ${user.username}`,
            onclick: async () => {
              try {
                await (kind === 'blocks' ? setBlocked(user.userId, false) : setMuted(user.userId, false));
                row.remove();
              } catch (error) {
                toast(await explain(error));
              }
            },
          },
          undo,
        ),
      );
      return row;
    },
    empty: () =>
      h('p', { class: 'empty' }, kind === 'blocks' ? 'You have not blocked anyone.' : 'You have not muted anyone.'),
  });
  return [list, sentinel];
}

export function safetySection({ signal }: Route): Node {
  return h(
    'div',
    { class: 'stack' },
    h('h2', {}, 'Blocked accounts'),
    h('p', { class: 'muted' }, 'You and they cannot see each other’s posts, comments or profiles.'),
    ...personList('blocks', signal),
    h('h2', {}, 'Muted accounts'),
    h('p', { class: 'muted' }, 'Their posts stay out of your feed, explore and search. They are not told.'),
    ...personList('mutes', signal),
  );
}
