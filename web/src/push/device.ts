/**
 * This browser as a Web Push device of the signed-in account: the service worker registered at
 * `/`, a PushManager subscription made with the server's key (GET /instance), and its registration
 * with the API. The API's id for it is kept in localStorage beside the account it belongs to, so
 * the switch shows the truth after a reload and sign-out can withdraw it.
 */
import { api, call } from '../api/client';
import { ApiError } from '../api/errors';
import { vapidPublicKey } from '../api/instance';
import { currentSession } from '../api/session';

export type DeviceState = 'unsupported' | 'denied' | 'off' | 'on';

/** Why enabling did not happen, for the settings screen to explain. */
export class DeviceError extends Error {
  constructor(readonly reason: 'unsupported' | 'denied' | 'dismissed' | 'no-server-key') {
    super(reason);
  }
}

interface Registered {
  userId: string;
  endpoint: string;
  subscriptionId: string;
}

const storageKey = 'lumen.push';

function registered(): Registered | null {
  try {
    const value = JSON.parse(localStorage.getItem(storageKey) ?? 'null') as Partial<Registered> | null;
    return typeof value?.userId === 'string' &&
      typeof value.endpoint === 'string' &&
      typeof value.subscriptionId === 'string'
      ? (value as Registered)
      : null;
  } catch {
    return null;
  }
}

/** Push needs all three, and a secure context (https or localhost); iOS only in an installed web app. */
export function pushSupported(): boolean {
  return isSecureContext && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

async function currentSubscription(): Promise<PushSubscription | null> {
  const registration = await navigator.serviceWorker.getRegistration('/');
  return (await registration?.pushManager.getSubscription()) ?? null;
}

export async function deviceState(): Promise<DeviceState> {
  if (!pushSupported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  if (Notification.permission !== 'granted') return 'off';
  const subscription = await currentSubscription();
  const record = registered();
  return subscription && record?.endpoint === subscription.endpoint && record.userId === currentSession()?.userId
    ? 'on'
    : 'off';
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

const sameBytes = (a: ArrayBuffer, b: Uint8Array) =>
  a.byteLength === b.byteLength && new Uint8Array(a).every((byte, i) => byte === b[i]);

async function register(subscription: PushSubscription): Promise<string> {
  const { endpoint, expirationTime, keys } = subscription.toJSON();
  const json = {
    endpoint: endpoint ?? '',
    expirationTime,
    keys: { p256dh: keys?.p256dh ?? '', auth: keys?.auth ?? '' },
  };
  const { subscriptionId } = await call(api.notifications['push-subscriptions'].$post({ json }));
  return subscriptionId;
}

/** Asks for permission, subscribes with the server's key and registers the subscription. */
export async function enableDevice(): Promise<void> {
  const userId = currentSession()?.userId;
  if (!pushSupported() || !userId) throw new DeviceError('unsupported');
  const key = await vapidPublicKey();
  if (!key) throw new DeviceError('no-server-key');
  const permission = await Notification.requestPermission();
  if (permission === 'denied') throw new DeviceError('denied');
  if (permission !== 'granted') throw new DeviceError('dismissed');
  await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  const { pushManager } = await navigator.serviceWorker.ready;
  const applicationServerKey = fromBase64url(key);
  let subscription = await pushManager.getSubscription();
  const madeFor = subscription?.options.applicationServerKey;
  // A subscription made for another key (the server's pair was replaced) can never be delivered to.
  if (subscription && madeFor && !sameBytes(madeFor, applicationServerKey)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await pushManager.subscribe({ userVisibleOnly: true, applicationServerKey });
  const subscriptionId = await register(subscription);
  localStorage.setItem(storageKey, JSON.stringify({ userId, endpoint: subscription.endpoint, subscriptionId }));
}

/** Withdraws the subscription from the server (while the session still works) and from the browser. */
export async function disableDevice(): Promise<void> {
  if (!pushSupported()) return;
  const subscription = await currentSubscription();
  const record = registered();
  if (subscription && currentSession()) {
    // Without a record of ours (storage cleared), registering again names the id: the same endpoint is a 200.
    const subscriptionId =
      record?.endpoint === subscription.endpoint ? record.subscriptionId : await register(subscription);
    await call(api.notifications['push-subscriptions'][':subscriptionId'].$delete({ param: { subscriptionId } })).catch(
      (error: unknown) => {
        // Already gone (deleted with a 410 from the push service, or by another account): nothing to undo.
        if (!(error instanceof ApiError && error.status === 404)) throw error;
      },
    );
  }
  await subscription?.unsubscribe();
  localStorage.removeItem(storageKey);
}

/** On sign-out: the next person on this browser must not receive this account's notifications. */
export async function forgetDevice(): Promise<void> {
  await disableDevice().catch(() => undefined);
}
