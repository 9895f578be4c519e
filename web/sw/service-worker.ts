/**
 * The web app's service worker (served as /sw.js, scope `/`): turns a Web Push into a system
 * notification and opens the post or profile when it is clicked. It caches nothing: the app is
 * online-only, and a worker that serves stale code is worse than none.
 */
import { notificationFor } from './notification';

const worker = self as unknown as ServiceWorkerGlobalScope;

worker.addEventListener('push', (event) => {
  // `text()` throws on a body that is not UTF-8; that is a malformed payload like any other.
  let text: string | null;
  try {
    text = event.data?.text() ?? null;
  } catch {
    text = null;
  }
  const { title, options } = notificationFor(text);
  event.waitUntil(worker.registration.showNotification(title, options));
});

async function openApp(path: string): Promise<void> {
  const url = new URL(path, worker.location.origin).href;
  const tabs = await worker.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const same = tabs.find((tab) => tab.url === url);
  if (same) {
    await same.focus();
    return;
  }
  const any = tabs[0];
  // Reusing an open tab keeps one Lumen open; `navigate` works only on tabs this worker controls.
  if (any) {
    const moved = await any.navigate(url).catch(() => null);
    if (moved) {
      await moved.focus();
      return;
    }
  }
  await worker.clients.openWindow(url);
}

worker.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data as { url?: unknown } | null;
  const path = typeof data?.url === 'string' && data.url.startsWith('/') ? data.url : '/notifications';
  event.waitUntil(openApp(path));
});

// A new version takes over at once: there is no cache whose consistency would need the old one.
worker.addEventListener('install', () => void worker.skipWaiting());
worker.addEventListener('activate', (event) => event.waitUntil(worker.clients.claim()));
