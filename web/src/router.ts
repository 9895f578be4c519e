/** History-API routing: patterns like `/p/:postId`, links intercepted so pages never reload. */
export interface Route {
  params: Record<string, string>;
  query: URLSearchParams;
  /** Aborted when the person navigates away: observers and streams of the screen stop. */
  signal: AbortSignal;
}

export type Screen = (route: Route) => Node | Promise<Node>;

interface Entry {
  parts: string[];
  screen: Screen;
}

const entries: Entry[] = [];
let onNavigate: (screen: Screen, route: Route) => void = () => {};
let current: AbortController | null = null;

export function route(pattern: string, screen: Screen): void {
  entries.push({ parts: pattern.split('/').filter(Boolean), screen });
}

function match(path: string): { screen: Screen; params: Record<string, string> } | null {
  const parts = path.split('/').filter(Boolean);
  for (const entry of entries) {
    if (entry.parts.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = entry.parts.every((part, i) => {
      const actual = decodeURIComponent(parts[i] ?? '');
      if (part.startsWith(':')) params[part.slice(1)] = actual;
      return part.startsWith(':') || part === actual;
    });
    if (matches) return { screen: entry.screen, params };
  }
  return null;
}

export function render(): void {
  current?.abort();
  current = new AbortController();
  const found = match(location.pathname) ?? match('/not-found');
  if (found)
    onNavigate(found.screen, {
      params: found.params,
      query: new URLSearchParams(location.search),
      signal: current.signal,
    });
}

export function navigate(to: string, { replace = false } = {}): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  render();
}

export function startRouter(show: (screen: Screen, route: Route) => void): void {
  onNavigate = show;
  addEventListener('popstate', render);
  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a') : null;
    if (
      !link ||
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      link.target
    )
      return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/images/'))
      return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
  render();
}
