import { explain } from '../api/errors';
import { h } from './dom';

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface InfiniteListOptions<T> {
  container: HTMLElement;
  load: (cursor: string | null) => Promise<Page<T>>;
  renderItem: (item: T, index: number) => Node;
  empty: () => Node;
  signal: AbortSignal;
}

/**
 * Loads the next page when a sentinel below the list comes within a screen of the viewport. A
 * "Load more" button sits in the sentinel too, for keyboards and for when observing is not enough.
 */
export function infiniteList<T>({ container, load, renderItem, empty, signal }: InfiniteListOptions<T>): HTMLElement {
  const more = h('button', { type: 'button', class: 'ghost' }, 'Load more');
  const message = h('p', { class: 'muted', role: 'status' });
  const sentinel = h('div', { class: 'sentinel' }, message, more);
  let cursor: string | null = null;
  let loading = false;
  let count = 0;
  let finished = false;

  const observer = new IntersectionObserver((entries) => entries.some((entry) => entry.isIntersecting) && void next(), {
    rootMargin: '800px 0px',
  });

  async function next(): Promise<void> {
    if (loading || finished || signal.aborted) return;
    loading = true;
    message.textContent = 'Loading…';
    more.hidden = true;
    try {
      const page = await load(cursor);
      if (signal.aborted) return;
      for (const item of page.items) container.appendChild(renderItem(item, count++));
      cursor = page.next;
      finished = page.next === null;
      message.textContent = '';
      if (finished) {
        observer.disconnect();
        if (count === 0) container.replaceWith(empty());
      } else more.hidden = false;
    } catch (error) {
      message.textContent = await explain(error);
      more.hidden = false;
      more.textContent = 'Try again';
    } finally {
      loading = false;
    }
    // A page that does not fill the screen leaves the sentinel visible: the observer will not fire again.
    if (!finished && sentinel.getBoundingClientRect().top < innerHeight + 800) void next();
  }

  more.addEventListener('click', () => void next());
  observer.observe(sentinel);
  signal.addEventListener('abort', () => observer.disconnect());
  return sentinel;
}
