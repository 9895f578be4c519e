/**
 * Notification settings in the web app against a real stack and a real push service
 * (web-push-testing). Headless Chromium has no push service of its own, so an init script stands
 * in for PushManager.subscribe: it records the applicationServerKey the app passes and returns a
 * subscription that web-push-testing issued for that same key, so the server really delivers to
 * it. What the push service decrypted is then handed to the service worker through CDP, and the
 * notification it shows is read back with `registration.getNotifications()`.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startStack, type Stack } from '../../bench/harness.ts';
import { startPushService } from '../../dev/push-service.ts';
import { localConnectionString } from '../../dev/paths.ts';
import { sqlClient } from '../../dev/seed-sql.ts';
import { desktop, launchChromium, screenshots } from './browser.ts';
import { signUp } from './people.ts';

let stack: Stack;
let browser: Browser;
let pushService: Awaited<ReturnType<typeof startPushService>>;

before(async () => {
  [stack, browser, pushService] = await Promise.all([startStack(), launchChromium(), startPushService()]);
});

after(async () => {
  await browser?.close();
  await stack?.close();
  await pushService?.close();
});

async function pushServiceCall<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(`${pushService.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`push service ${path}: ${response.status}`);
  return (await response.json()) as T;
}

// A string, not a function: tsx would wrap a function's body in `__name(...)`, unknown in the page.
const fakePushManager = `
  const toBase64url = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
  const fromBase64url = (text) => Uint8Array.from(atob(text.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0));
  const stored = () => JSON.parse(localStorage.getItem('test.push') ?? 'null');
  const asSubscription = (issued) => issued && {
    endpoint: issued.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: fromBase64url(issued.key).buffer },
    toJSON: () => ({ endpoint: issued.endpoint, expirationTime: null, keys: issued.keys }),
    unsubscribe: async () => { localStorage.removeItem('test.push'); return true; },
  };
  PushManager.prototype.subscribe = async function (options) {
    const key = toBase64url(options.applicationServerKey);
    const issued = await window.issueSubscription(key);
    localStorage.setItem('test.push', JSON.stringify({ ...issued, key }));
    return asSubscription(stored());
  };
  PushManager.prototype.getSubscription = async function () { return asSubscription(stored()); };
`;

void test(
  'preferences are saved and read back; the device switch subscribes with the server key, receives a push, unsubscribes',
  { timeout: 300_000 },
  async () => {
    const context = await browser.newContext({ viewport: desktop, baseURL: stack.url });
    await context.grantPermissions(['notifications'], { origin: stack.url });
    const issuedFor: string[] = [];
    let clientHash = '';
    await context.exposeFunction('issueSubscription', async (applicationServerKey: string) => {
      issuedFor.push(applicationServerKey);
      const { data } = await pushServiceCall<{ data: { endpoint: string; keys: object; clientHash: string } }>(
        '/subscribe',
        { applicationServerKey, userVisibleOnly: 'true' },
      );
      clientHash = data.clientHash;
      return data;
    });
    await context.addInitScript({ content: fakePushManager });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => console.error('page error:', error));
    const ann = await signUp(page, 'ann');

    await page.goto('/settings/notifications');
    await page.getByLabel('Likes on your photos', { exact: true }).selectOption('off');
    await page.getByText('Saved.').waitFor();
    await page.getByLabel('Comments on your photos', { exact: true }).selectOption('following');
    await page.getByText('Saved.').waitFor();
    await page.reload();
    assert.equal(await page.getByLabel('Likes on your photos', { exact: true }).inputValue(), 'off');
    assert.equal(await page.getByLabel('Comments on your photos', { exact: true }).inputValue(), 'following');
    const preferences = (await (
      await fetch(`${stack.url}/api/v1/notifications/preferences`, {
        headers: { Authorization: `Bearer ${ann.accessToken}` },
      })
    ).json()) as { data: unknown };
    assert.deepEqual(preferences.data, { like: 'off', comment: 'following', follow: 'everyone' });

    const { data: instance } = (await (await fetch(`${stack.url}/api/v1/instance`)).json()) as {
      data: { vapidPublicKey: string };
    };
    const deviceSwitch = page.getByRole('switch', { name: 'Enable notifications on this device', exact: true });
    await deviceSwitch.check();
    await page.getByText('This device gets a notification').waitFor();
    assert.deepEqual(issuedFor, [instance.vapidPublicKey]);
    const sql = sqlClient(localConnectionString, stack.db.sqlEndpoint);
    const stored = async () =>
      (
        (await sql.query(
          `select s.endpoint from push_subscriptions s join users u on u.id = s.user_id where u.username = 'ann'`,
        )) as { endpoint: string }[]
      ).map((row) => row.endpoint);
    assert.equal((await stored()).length, 1);
    await page.reload();
    assert.ok(await deviceSwitch.isChecked(), 'the switch is still on after a reload');
    await screenshots(page, 'settings-notifications');

    // Bob follows Ann: the server encrypts and sends, the push service decrypts.
    const bobPage = await browser.newPage({ baseURL: stack.url });
    const bob = await signUp(bobPage, 'bob');
    const followed = await fetch(`${stack.url}/api/v1/users/${ann.userId}/follow`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${bob.accessToken}` },
    });
    assert.ok(followed.ok);
    let messages: string[] = [];
    for (let i = 0; i < 100 && messages.length === 0; i++) {
      messages = (await pushServiceCall<{ data: { messages: string[] } }>('/get-notifications', { clientHash })).data
        .messages;
      if (messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const pushed = JSON.parse(messages[0] ?? '{}') as { type: string; actor: { username: string } };
    assert.equal(pushed.type, 'follow');
    assert.equal(pushed.actor.username, 'bob');

    // The same bytes, delivered to the service worker, become a system notification.
    const cdp = await context.newCDPSession(page);
    const registrationId = new Promise<string>((resolve) =>
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const ours = registrations.find((r) => r.scopeURL === `${stack.url}/` && !r.isDeleted);
        if (ours) resolve(ours.registrationId);
      }),
    );
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: stack.url,
      registrationId: await registrationId,
      data: messages[0] ?? '',
    });
    const shown = await page.waitForFunction(
      `navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((list) =>
        list.length ? list.map((n) => ({ title: n.title, body: n.body, url: n.data.url })) : null)`,
    );
    assert.deepEqual(await shown.jsonValue(), [
      { title: 'bob', body: 'started following you.', url: `/u/${bob.userId}` },
    ]);

    await deviceSwitch.uncheck();
    await page.getByText('Get a notification on this device').waitFor();
    assert.deepEqual(await stored(), [], 'switching off deletes the subscription on the server');
    await context.close();
  },
);
