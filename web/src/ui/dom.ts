// Elements are filled with appendChild, not append/prepend: the Workers types that tsc also sees
// (through the API's route types) overload those two names for HTMLRewriter.

/** Just enough of a DOM builder to keep screens declarative without a framework. */
export type Child = Node | string | number | null | undefined | false;
type Handler = (event: Event) => void;
export type Attrs = Record<string, string | number | boolean | null | undefined | Handler>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    // Text nodes, never HTML: user content cannot become markup.
    if (child !== null && child !== undefined && child !== false)
      parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

export function replaceChildren(parent: Element, ...children: (Child | Child[])[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A polite live region's message: screen readers announce it without moving focus. */
export function statusLine(): HTMLParagraphElement {
  return h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
}

export function errorLine(): HTMLParagraphElement {
  return h('p', { class: 'error', role: 'alert' });
}

export function formatCount(count: number, one: string, many: string): string {
  const short =
    count >= 1_000_000
      ? `${(count / 1_000_000).toFixed(1)}M`
      : count >= 10_000
        ? `${Math.floor(count / 1000)}k`
        : count.toLocaleString();
  return `${short} ${count === 1 ? one : many}`;
}

export function timeAgo(iso: string): string {
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 60) return 'just now';
  const units: [number, string][] = [
    [60, 'minute'],
    [3600, 'hour'],
    [86400, 'day'],
    [604800, 'week'],
  ];
  let label = '';
  for (const [size, name] of units) {
    const n = Math.floor(seconds / size);
    if (n >= 1) label = `${n} ${name}${n === 1 ? '' : 's'} ago`;
  }
  return seconds > 2_592_000 ? new Date(iso).toLocaleDateString() : label;
}
