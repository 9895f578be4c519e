import { api, call } from '../api/client';
import { explain } from '../api/errors';
import { currentSession } from '../api/session';
import { navigate, type Route } from '../router';
import { h } from '../ui/dom';
import { infiniteList } from '../ui/infinite-list';
import { avatar } from '../ui/photo';
import { toast } from '../ui/toast';

/** Follow / Following toggle; hidden for yourself. `onChange` receives the new follower count. */
export function followButton(
  user: { userId: string; isFollowing: boolean },
  onChange?: (followers: number) => void,
): Node | null {
  if (currentSession()?.userId === user.userId) return null;
  const button = h('button', { type: 'button', class: 'follow' });
  const show = (following: boolean) => {
    button.textContent = following ? 'Following' : 'Follow';
    button.classList.toggle('ghost', following);
    button.setAttribute('aria-pressed', String(following));
  };
  show(user.isFollowing);
  button.addEventListener('click', async () => {
    if (!currentSession()) return navigate(`/signin?next=${encodeURIComponent(location.pathname)}`);
    button.disabled = true;
    try {
      const param = { userId: user.userId };
      const state = await call(
        user.isFollowing
          ? api.users[':userId'].follow.$delete({ param })
          : api.users[':userId'].follow.$post({ param }),
      );
      user.isFollowing = state.isFollowing;
      show(state.isFollowing);
      onChange?.(state.followersCount);
    } catch (error) {
      toast(await explain(error));
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

function peopleScreen(which: 'followers' | 'following') {
  return async ({ params, signal }: Route): Promise<Node> => {
    const param = { userId: params.userId ?? '' };
    const profile = await call(api.users[':userId'].$get({ param }));
    const list = h('ul', { class: 'people' });
    const sentinel = infiniteList({
      container: list,
      signal,
      load: async (cursor) => {
        const query = { limit: '30', ...(cursor ? { cursor } : {}) };
        const page = await call(
          which === 'followers'
            ? api.users[':userId'].followers.$get({ param, query })
            : api.users[':userId'].following.$get({ param, query }),
        );
        return { items: page.users, next: page.pagination.hasMore ? page.pagination.nextCursor : null };
      },
      renderItem: (user) =>
        h(
          'li',
          { class: 'person' },
          h(
            'a',
            { href: `/u/${user.userId}`, class: 'author-link' },
            avatar(user.avatar, user.username),
            h(
              'span',
              {},
              h('strong', {}, user.username),
              user.fullName && h('small', { class: 'muted' }, user.fullName),
            ),
          ),
          followButton(user),
        ),
      empty: () =>
        h(
          'p',
          { class: 'empty' },
          which === 'followers'
            ? `Nobody follows ${profile.username} yet.`
            : `${profile.username} does not follow anyone yet.`,
        ),
    });
    return h(
      'section',
      { class: 'narrow' },
      h('p', {}, h('a', { href: `/u/${profile.userId}` }, `← ${profile.username}`)),
      h('h1', {}, which === 'followers' ? 'Followers' : 'Following'),
      list,
      sentinel,
    );
  };
}

export const followersScreen = peopleScreen('followers');
export const followingScreen = peopleScreen('following');
