import { api, apiBase, authorizedFetch, call } from '../api/client';
import { ApiError, explain } from '../api/errors';
import { clearSession, currentSession } from '../api/session';
import { forgetDevice } from '../push/device';
import { navigate, type Route } from '../router';
import { append, errorLine, formatCount, h, statusLine } from '../ui/dom';
import { infiniteList } from '../ui/infinite-list';
import { avatar } from '../ui/photo';
import { gridTile } from '../ui/post-card';
import { actionMenu, reportDialog, setBlocked, setMuted } from '../ui/safety-menu';
import { followButton } from './people';

async function signOut(): Promise<void> {
  // While the session still works: the next person on this browser must get none of these pushes.
  await forgetDevice();
  const session = currentSession();
  // Ends the session on the server too, so a copied refresh token stops working.
  if (session) await call(api.auth.logout.$post({ json: { refreshToken: session.refreshToken } })).catch(() => null);
  clearSession();
  navigate('/signin', { replace: true });
}

/**
 * The avatar route may be missing on an older server (404/405): the profile still works, the
 * person is told that changing the photo is not available here yet.
 */
async function uploadAvatar(file: File): Promise<string | null> {
  const body = new FormData();
  body.set('image', file);
  const response = await authorizedFetch(`${apiBase}/users/profile/avatar`, { method: 'PUT', body });
  if (response.status === 404 || response.status === 405)
    throw new ApiError(
      response.status,
      'AVATAR_UNAVAILABLE',
      'Changing the profile photo is not available on this server yet.',
    );
  const parsed: unknown = await response.json().catch(() => null);
  if (!response.ok) throw await ApiError.fromResponse(response, parsed);
  const data = (parsed as { data?: { avatar?: unknown } } | null)?.data;
  return typeof data?.avatar === 'string' ? data.avatar : null;
}

function editor(
  profile: { username: string; fullName: string | null; bio: string | null; avatar: string | null },
  onSaved: () => void,
): HTMLElement {
  const error = errorLine();
  const status = statusLine();
  const bio = h('textarea', { id: 'edit-bio', name: 'bio', rows: 3, maxlength: 150 });
  bio.value = profile.bio ?? '';
  const fullName = h('input', {
    id: 'edit-name',
    name: 'fullName',
    maxlength: 100,
    value: profile.fullName ?? '',
    autocomplete: 'name',
  });
  const file = h('input', { id: 'edit-avatar', type: 'file', accept: 'image/jpeg,image/png,image/webp' });
  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    error.textContent = '';
    status.textContent = 'Uploading your new photo…';
    try {
      await uploadAvatar(chosen);
      status.textContent = 'Profile photo updated.';
      onSaved();
    } catch (failure) {
      status.textContent = '';
      error.textContent =
        failure instanceof ApiError && failure.code === 'AVATAR_UNAVAILABLE' ? failure.message : await explain(failure);
    }
  });
  const form = h(
    'form',
    { class: 'stack editor' },
    h('div', { class: 'field' }, h('label', { for: 'edit-avatar' }, 'Profile photo'), file),
    h('div', { class: 'field' }, h('label', { for: 'edit-name' }, 'Name'), fullName),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'edit-bio' }, 'Bio'),
      bio,
      h('small', { class: 'muted' }, 'Up to 150 characters.'),
    ),
    error,
    status,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'submit' }, 'Save'),
      h('button', { type: 'button', class: 'ghost', onclick: () => signOut() }, 'Sign out'),
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    try {
      await call(api.users.profile.$patch({ json: { bio: bio.value, fullName: fullName.value } }));
      onSaved();
    } catch (failure) {
      error.textContent = await explain(failure);
    }
  });
  return form;
}

export async function profileScreen({ params, signal }: Route): Promise<Node> {
  const userId = params.userId ?? '';
  const profile = await call(api.users[':userId'].$get({ param: { userId } }));
  const isMe = currentSession()?.userId === userId;
  const followers = h(
    'a',
    { href: `/u/${userId}/followers` },
    formatCount(profile.followersCount, 'follower', 'followers'),
  );
  const actions = h('div', { class: 'row' });
  if (isMe) {
    const panel = h('div', { hidden: true });
    const toggle = h(
      'button',
      { type: 'button', class: 'ghost', 'aria-expanded': 'false', 'aria-controls': 'profile-editor' },
      'Edit profile',
    );
    panel.id = 'profile-editor';
    panel.appendChild(editor(profile, () => navigate(location.pathname, { replace: true })));
    toggle.addEventListener('click', () => {
      panel.hidden = !panel.hidden;
      toggle.setAttribute('aria-expanded', String(!panel.hidden));
    });
    append(actions, [toggle, h('a', { href: '/settings', class: 'button ghost' }, 'Settings'), panel]);
  } else {
    const reload = () => navigate(location.pathname, { replace: true });
    const menu =
      currentSession() &&
      actionMenu(`More actions for ${profile.username}`, [
        {
          label: profile.isMuted ? `Unmute ${profile.username}` : `Mute ${profile.username}`,
          run: async () => (await setMuted(userId, !profile.isMuted), reload()),
        },
        {
          label: profile.isBlocked ? `Unblock ${profile.username}` : `Block ${profile.username}`,
          run: async () => {
            if (!profile.isBlocked && !confirm(`Block ${profile.username}? Follows between you end.`)) return;
            await setBlocked(userId, !profile.isBlocked);
            reload();
          },
        },
        { label: `Report ${profile.username}`, run: () => reportDialog('user', userId, profile.username) },
      ]);
    append(actions, [
      !profile.isBlocked &&
        followButton(profile, (count) => (followers.textContent = formatCount(count, 'follower', 'followers'))),
      profile.isBlocked && h('span', { class: 'muted' }, 'Blocked'),
      menu,
    ]);
  }

  const grid = h('div', { class: 'grid' });
  const sentinel = infiniteList({
    container: grid,
    signal,
    load: async (cursor) => {
      const page = await call(
        api.users[':userId'].posts.$get({ param: { userId }, query: { limit: '24', ...(cursor ? { cursor } : {}) } }),
      );
      return { items: page.posts, next: page.pagination.hasMore ? page.pagination.nextCursor : null };
    },
    renderItem: gridTile,
    empty: () =>
      h('p', { class: 'empty' }, isMe ? h('a', { href: '/upload' }, 'Share your first photo') : 'No photos yet.'),
  });

  return h(
    'section',
    { class: 'wide profile' },
    h(
      'header',
      { class: 'profile-head' },
      avatar(profile.avatar, profile.username, 'large'),
      h(
        'div',
        { class: 'profile-info' },
        h('h1', {}, profile.username, profile.isVerified && h('span', { class: 'verified', title: 'Verified' }, ' ✓')),
        profile.fullName && h('p', { class: 'full-name' }, profile.fullName),
        h(
          'p',
          { class: 'counts' },
          h('span', {}, formatCount(profile.postsCount, 'post', 'posts')),
          followers,
          h('a', { href: `/u/${userId}/following` }, `${profile.followingCount.toLocaleString()} following`),
        ),
        profile.bio && h('p', { class: 'bio' }, profile.bio),
        actions,
      ),
    ),
    h('h2', { class: 'visually-hidden' }, 'Photos'),
    grid,
    sentinel,
  );
}
