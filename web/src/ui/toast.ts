import { h } from './dom';

const region = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
document.body.appendChild(region);

/** A short message that fades away, for failures that need no decision (a like that did not stick). */
export function toast(message: string): void {
  const item = h('p', { class: 'toast' }, message);
  region.appendChild(item);
  setTimeout(() => item.remove(), 5000);
}
