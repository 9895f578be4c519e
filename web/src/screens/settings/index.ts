/**
 * Settings: a small shell of sections, one file each (safety here; others add theirs beside it).
 * `/settings/:section` opens one; `/settings` the first.
 */
import { api, call } from '../../api/client';
import type { Route } from '../../router';
import { h } from '../../ui/dom';
import { accountSection } from './account';
import { notificationsSection } from './notifications';
import { safetySection } from './safety';

interface Section {
  id: string;
  title: string;
  render: (route: Route) => Node | Promise<Node>;
}

export const settingsSections: Section[] = [
  { id: 'safety', title: 'Blocked and muted', render: safetySection },
  { id: 'notifications', title: 'Notifications', render: notificationsSection },
  { id: 'account', title: 'Your account', render: accountSection },
];

export async function settingsScreen(route: Route): Promise<Node> {
  const chosen = settingsSections.find((s) => s.id === route.params.section) ?? settingsSections[0];
  const me = await call(api.users.profile.$get());
  const links = settingsSections.map((s) =>
    h('li', {}, h('a', { href: `/settings/${s.id}`, 'aria-current': s === chosen ? 'page' : null }, s.title)),
  );
  if (me.role !== 'user') links.push(h('li', {}, h('a', { href: '/moderation' }, 'Moderation')));
  return h(
    'section',
    { class: 'settings' },
    h('h1', {}, 'Settings'),
    h('nav', { 'aria-label': 'Settings sections' }, h('ul', { class: 'row' }, links)),
    chosen ? await chosen.render(route) : h('p', {}, 'Nothing to set yet.'),
  );
}
