/**
 * A device at the local Web Push service (web-push-testing, started by the global setup): it
 * subscribes there as a browser's PushManager would, registers with the API, and reads back what
 * the push service received and decrypted.
 */
import { env } from 'cloudflare:workers';
import { expect, inject } from 'vitest';
import { callJson } from './api';
import type { TestUser } from './factories';

const pushService = inject('pushServiceUrl');

export interface PushDevice {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  clientHash: string;
  /** The API's id for it, once registered. */
  subscriptionId: string;
}

async function pushServiceCall<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(`${pushService}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`push service ${path}: ${response.status} ${await response.text()}`);
  return response.headers.get('content-type')?.includes('json') ? response.json<T>() : (undefined as T);
}

/** A subscription issued by the push service for the server's application key (unregistered). */
export async function subscribeAtPushService(applicationServerKey = env.VAPID_PUBLIC_KEY) {
  const { data } = await pushServiceCall<{ data: Omit<PushDevice, 'subscriptionId'> }>('/subscribe', {
    applicationServerKey,
    userVisibleOnly: 'true',
  });
  return data;
}

export function registerSubscription(user: TestUser, subscription: { endpoint: string; keys: object }) {
  return callJson<{ subscriptionId: string }>('/api/v1/notifications/push-subscriptions', {
    token: user.accessToken,
    json: { ...subscription, expirationTime: null },
  });
}

/** A device of `user` that receives their pushes. */
export async function pushDevice(user: TestUser): Promise<PushDevice> {
  const subscription = await subscribeAtPushService();
  const { status, body } = await registerSubscription(user, subscription);
  expect(status).toBe(201);
  return { ...subscription, subscriptionId: body.data.subscriptionId };
}

/** What the push service received for the device, decrypted, oldest first. */
export async function receivedPushes(device: Pick<PushDevice, 'clientHash'>): Promise<unknown[]> {
  const { data } = await pushServiceCall<{ data: { messages: string[] } }>('/get-notifications', {
    clientHash: device.clientHash,
  });
  return data.messages.map((message) => JSON.parse(message) as unknown);
}

/** Pushes go through two queues: poll until `count` have arrived, within a bound. */
export async function eventuallyPushes(device: PushDevice, count: number, timeoutMs = 20_000): Promise<unknown[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = await receivedPushes(device);
    if (messages.length >= count) return messages;
    if (Date.now() > deadline) throw new Error(`${messages.length} of ${count} pushes arrived`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** From now on the push service answers 410 Gone for this device, as for an unsubscribed browser. */
export function expireAtPushService(device: PushDevice): Promise<void> {
  return pushServiceCall(`/expire-subscription/${device.clientHash}`, {});
}
