/**
 * Leaving with everything, then leaving for good, in the web app against a real stack: Dora shares
 * two photos, asks for her data in settings, waits for the link and downloads the ZIP (opened with
 * zip.js, not the fflate that wrote it: both photos byte for byte), then deletes her account with
 * her username typed out and her password. Afterwards her profile is 404 in the API and in the app,
 * her image URLs are 404, and signing in fails.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startStack, type Stack } from '../../bench/harness.ts';
import { unzipStrictly } from '../helpers/unzip.ts';
import { desktop, launchChromium, screenshots } from './browser.ts';
import { signUp, testPassword, uploadReadyPost } from './people.ts';

let stack: Stack;
let browser: Browser;

before(async () => {
  [stack, browser] = await Promise.all([startStack(), launchChromium()]);
});

after(async () => {
  await browser?.close();
  await stack?.close();
});

async function personPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: desktop, baseURL: stack.url, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (error) => console.error('page error:', error));
  return page;
}

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array) => a !== undefined && Buffer.from(a).equals(b);

void test(
  'an account downloads its data from settings, then deletes itself and is gone',
  { timeout: 300_000 },
  async () => {
    const page = await personPage();
    const dora = await signUp(page, 'dora');
    const photos = await Promise.all([
      uploadReadyPost(stack.url, dora.accessToken, { caption: 'Harbour at dawn' }),
      uploadReadyPost(stack.url, dora.accessToken, { caption: 'Hills', width: 480, height: 360 }),
    ]);

    await page.goto('/settings/account');
    await page.getByRole('button', { name: 'Request my data' }).click();
    const link = page.getByRole('link', { name: /Download my data/ });
    await link.waitFor({ timeout: 60_000 });
    assert.ok(await page.getByText(/Available until/).isVisible());
    await screenshots(page, 'settings-account');

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const files = await unzipStrictly(new Uint8Array(readFileSync(await download.path())));
    const posts = JSON.parse(new TextDecoder().decode(files.get('posts.json'))) as {
      postId: string;
      media: { path: string }[];
    }[];
    assert.deepEqual(posts.map((p) => p.postId).sort(), photos.map((p) => p.postId).sort());
    for (const photo of photos) {
      const path = posts.find((p) => p.postId === photo.postId)?.media[0]?.path ?? '';
      assert.ok(sameBytes(files.get(path), photo.bytes), `${path} is the photo as uploaded`);
    }
    const account = JSON.parse(new TextDecoder().decode(files.get('account.json'))) as { username: string };
    assert.equal(account.username, 'dora');

    // A wrong password is refused in plain words, and the account stays.
    const profileUrl = `${stack.url}/api/v1/users/${dora.userId}`;
    await page.getByLabel('Type your username').fill('dora');
    await page.getByLabel('Your password', { exact: true }).fill('not my password');
    await page.getByRole('button', { name: 'Delete my account forever' }).click();
    await page.getByText('That password is not right. Nothing was changed.').waitFor();
    assert.equal((await fetch(profileUrl)).status, 200);

    await page.getByLabel('Your password', { exact: true }).fill(testPassword);
    await page.getByRole('button', { name: 'Delete my account forever' }).click();
    await page.waitForURL((url) => url.pathname === '/signin');
    assert.equal(await page.evaluate(() => localStorage.getItem('lumen.session')), null);

    assert.equal((await fetch(profileUrl)).status, 404);
    for (const photo of photos) assert.equal((await fetch(photo.thumbnailUrl)).status, 404);
    await page.goto(`/u/${dora.userId}`);
    await page
      .getByRole('alert')
      .getByText(/This is not here/)
      .waitFor();

    await page.goto('/signin');
    await page.getByLabel('Email').fill('dora@example.com');
    await page.getByLabel('Password').fill(testPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That email and password do not match an account.').waitFor();
  },
);
