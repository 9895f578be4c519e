import { currentSession, onSessionChange } from './api/session';
import { startLiveNotifications, onNotifications } from './live/notifications';
import { navigate, route, startRouter, type Screen, type Route } from './router';
import { signInScreen, signUpScreen } from './screens/auth';
import { exploreScreen } from './screens/explore';
import { feedScreen } from './screens/feed';
import { notFoundScreen } from './screens/not-found';
import { notificationsScreen } from './screens/notifications';
import { followersScreen, followingScreen } from './screens/people';
import { postScreen } from './screens/post';
import { profileScreen } from './screens/profile';
import { searchScreen } from './screens/search';
import { moderationScreen } from './screens/moderation';
import { settingsScreen } from './screens/settings';
import { uploadScreen } from './screens/upload';
import { explain } from './api/errors';
import { h, replaceChildren } from './ui/dom';
import { icon, type IconName } from './ui/icons';
import './styles.css';

/** Screens that need a session send people to sign in first, and back afterwards. */
const signedIn =
  (screen: Screen): Screen =>
  (current: Route) => {
    if (currentSession()) return screen(current);
    navigate(`/signin?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
    return h('div');
  };

route('/', signedIn(feedScreen));
route('/signin', signInScreen);
route('/signup', signUpScreen);
route('/explore', exploreScreen);
route('/search', searchScreen);
route('/upload', signedIn(uploadScreen));
route('/notifications', signedIn(notificationsScreen));
route('/p/:postId', postScreen);
route('/u/:userId', profileScreen);
route('/u/:userId/followers', followersScreen);
route('/u/:userId/following', followingScreen);
route(
  '/me',
  signedIn(() => (navigate(`/u/${currentSession()?.userId}`, { replace: true }), h('div'))),
);
route('/settings', signedIn(settingsScreen));
route('/settings/:section', signedIn(settingsScreen));
route('/moderation', signedIn(moderationScreen));
route('/not-found', notFoundScreen);

const main = h('main', { id: 'main', tabindex: '-1' });

function navLink(href: string, label: string, name: IconName, extra?: Node): HTMLAnchorElement {
  return h(
    'a',
    { href, class: 'nav-link', 'data-path': href },
    icon(name),
    h('span', { class: 'nav-label' }, label),
    extra,
  );
}

function shell(): HTMLElement {
  const badge = h('span', { class: 'count-badge', hidden: true, 'aria-live': 'polite' });
  const notificationsLink = navLink('/notifications', 'Notifications', 'bell', badge);
  onNotifications((unread) => {
    badge.hidden = unread === 0;
    badge.textContent = unread > 99 ? '99+' : String(unread);
    notificationsLink.setAttribute('aria-label', unread ? `Notifications, ${unread} unread` : 'Notifications');
  });
  const nav = h('nav', { 'aria-label': 'Main' });
  const renderNav = () =>
    replaceChildren(
      nav,
      currentSession()
        ? [
            navLink('/', 'Home', 'home'),
            navLink('/explore', 'Explore', 'explore'),
            navLink('/search', 'Search', 'search'),
            navLink('/upload', 'New post', 'plus'),
            notificationsLink,
            navLink('/me', 'Profile', 'user'),
          ]
        : [
            navLink('/explore', 'Explore', 'explore'),
            navLink('/search', 'Search', 'search'),
            h('a', { href: '/signin', class: 'button' }, 'Sign in'),
          ],
    );
  renderNav();
  onSessionChange(renderNav);
  return h(
    'header',
    { class: 'top' },
    h('a', { href: '#main', class: 'skip' }, 'Skip to content'),
    h('a', { href: '/', class: 'brand' }, 'Lumen'),
    nav,
  );
}

function markCurrent(): void {
  const session = currentSession();
  for (const link of document.querySelectorAll<HTMLAnchorElement>('.nav-link')) {
    const path = link.dataset.path === '/me' && session ? `/u/${session.userId}` : link.dataset.path;
    if (path === location.pathname) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

let shown = 0;
async function show(screen: Screen, current: Route): Promise<void> {
  const ticket = ++shown;
  markCurrent();
  main.setAttribute('aria-busy', 'true');
  let content: Node;
  try {
    content = await screen(current);
  } catch (error) {
    content = h('section', { class: 'narrow' }, h('h1', {}, 'Sorry'), h('p', { role: 'alert' }, await explain(error)));
  }
  if (ticket !== shown) return;
  main.removeAttribute('aria-busy');
  replaceChildren(main, content);
  const title = main.querySelector('h1')?.textContent;
  document.title = title ? `${title} · Lumen` : 'Lumen';
  // Moving focus to the new content tells screen-reader users the page changed.
  if (document.activeElement !== document.body) main.focus({ preventScroll: true });
  scrollTo(0, 0);
}

document.body.replaceChildren(shell(), main, document.querySelector('.toasts') ?? '');
startLiveNotifications();
startRouter((screen, current) => void show(screen, current));
