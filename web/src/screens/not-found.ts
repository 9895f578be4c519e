import { h } from '../ui/dom';

export function notFoundScreen(): Node {
  return h(
    'section',
    { class: 'narrow' },
    h('h1', {}, 'Nothing here'),
    h('p', {}, 'This page does not exist. ', h('a', { href: '/' }, 'Go home'), '.'),
  );
}
