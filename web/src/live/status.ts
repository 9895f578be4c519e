/**
 * Live processing status of the signed-in user's own uploads: the `media.updated` and
 * `post.updated` events (docs/media.md) that arrive on the notifications WebSocket, which this app
 * opens with `?events=status`. Screens subscribe; while the socket is down they poll instead
 * (`isLive()`), and when it opens again they re-read what they wait for, since events sent while
 * it was down are not replayed.
 */

type Status = 'processing' | 'ready' | 'failed';

export type StatusEvent =
  | {
      type: 'media.updated';
      mediaId: string;
      postId: string | null;
      processingStatus: Status;
      failureReason: string | null;
    }
  | { type: 'post.updated'; postId: string; processingStatus: Status; failureReason: string | null };

type Listener = (event: StatusEvent) => void;

const listeners = new Set<Listener>();
/** The last events, replayed to a new watcher: a photo can finish before its upload's answer is read. */
const recent: StatusEvent[] = [];
const openListeners = new Set<() => void>();
let live = false;

export function isStatusEvent(value: unknown): value is StatusEvent {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'media.updated' || type === 'post.updated';
}

export function onStatusEvent(listener: Listener, signal: AbortSignal): void {
  listeners.add(listener);
  signal.addEventListener('abort', () => listeners.delete(listener));
}

/** Called each time the socket (re)opens: whatever changed while it was down must be re-read. */
export function onLiveOpen(listener: () => void, signal: AbortSignal): void {
  openListeners.add(listener);
  signal.addEventListener('abort', () => openListeners.delete(listener));
}

export const isLive = (): boolean => live;

export function publishStatus(event: StatusEvent): void {
  recent.push(event);
  if (recent.length > 50) recent.shift();
  for (const listener of listeners) listener(event);
}

export function setLive(open: boolean): void {
  live = open;
  if (open) for (const listener of openListeners) listener();
}

/**
 * Waits for `done()` to say yes: re-checked by `check` on every status event, on each reopening
 * of the socket, and every few seconds while there is no socket (the only polling there is).
 */
export function watchStatus(
  check: (event: StatusEvent | null) => Promise<boolean> | boolean,
  signal: AbortSignal,
): void {
  const watching = new AbortController();
  signal.addEventListener('abort', () => watching.abort());
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = Promise.resolve();
  const run = (event: StatusEvent | null) => {
    running = running.then(async () => {
      if (watching.signal.aborted) return;
      if (await Promise.resolve(check(event)).catch(() => false)) watching.abort();
    });
    return running;
  };
  const poll = async (delay: number) => {
    if (!live) await run(null);
    if (watching.signal.aborted) return;
    timer = setTimeout(() => void poll(Math.min(delay * 1.5, 5000)), delay);
  };
  watching.signal.addEventListener('abort', () => clearTimeout(timer));
  for (const event of recent) void run(event);
  onStatusEvent((event) => void run(event), watching.signal);
  onLiveOpen(() => void run(null), watching.signal);
  timer = setTimeout(() => void poll(800), 800);
}
