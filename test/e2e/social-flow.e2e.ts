/**
 * Two people use the web app against a real stack (dev database on in-memory PGlite, wrangler dev
 * with both Workers): one shares a photo, the other follows, likes and comments, and the first
 * sees the notifications arrive live. Saves screenshots of the main screens along the way.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startStack, type Stack } from '../../bench/harness.ts';
import { photoLikePicture } from '../fixtures/images/patterns.ts';
import { encodePng } from '../fixtures/images/png-writer.ts';
import { desktop, launchChromium, screenshots } from './browser.ts';

let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];

before(async () => {
  [stack, browser] = await Promise.all([startStack(), launchChromium()]);
});

after(async () => {
  await browser?.close();
  await stack?.close();
});

async function personPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: desktop, baseURL: stack.url });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (error) => console.error('page error:', error));
  return page;
}

async function signUp(page: Page, username: string): Promise<string> {
  await page.goto('/signup');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Full name (optional)').fill(`${username[0]!.toUpperCase()}${username.slice(1)} Example`);
  await page.getByLabel('Email').fill(`${username}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL((url) => url.pathname === '/');
  const userId = await page.evaluate(
    () => (JSON.parse(localStorage.getItem('lumen.session') ?? '{}') as { userId?: string }).userId,
  );
  assert.match(userId ?? '', /^user_/);
  return userId ?? '';
}

void test('two people share, follow, like and comment; notifications arrive live', { timeout: 240_000 }, async () => {
  const ana = await personPage();
  const ben = await personPage();

  await ana.goto('/signin');
  await screenshots(ana, 'sign-in');
  const anaId = await signUp(ana, 'ana');
  await signUp(ben, 'ben');

  // Ana shares a photo and watches it go from processing to ready.
  const png = await encodePng(photoLikePicture(1200, 800), { colourType: 'rgb' });
  await ana.getByRole('link', { name: 'New post' }).click();
  await ana
    .locator('input[type=file]')
    .setInputFiles({ name: 'golden-hour.png', mimeType: 'image/png', buffer: Buffer.from(png) });
  await ana.getByLabel('Caption').fill('Golden hour over the bay #sunset');
  await ana.getByLabel('Description for people who cannot see the photo').fill('Warm light over hills and water');
  await ana.getByLabel('Tags').fill('bay, evening');
  await screenshots(ana, 'upload');
  await ana.getByRole('button', { name: 'Share' }).click();
  await ana.locator('[data-state="processing"], [data-state="ready"]').first().waitFor();
  await ana.locator('[data-state="ready"]').waitFor({ timeout: 90_000 });
  await ana.locator('[data-state="ready"] img[alt="Warm light over hills and water"]').waitFor();
  await screenshots(ana, 'upload-ready');
  const postHref = await ana.getByRole('link', { name: 'View post' }).getAttribute('href');
  assert.match(postHref ?? '', /^\/p\/post_/);

  // Ana waits on her feed; a marker on window proves the badge changes without a reload.
  await ana.getByRole('link', { name: 'Home' }).click();
  await ana.locator('article.card').first().waitFor();
  await ana.evaluate(() => Object.assign(window, { stillTheSamePage: true }));
  const badge = ana.locator('.count-badge');
  assert.equal(await badge.isHidden(), true);

  // Ben finds Ana, follows her, and sees her photo in his feed.
  await ben.goto('/search');
  await ben.getByRole('searchbox', { name: 'Search' }).fill('ana');
  await ben.getByRole('button', { name: 'Search', exact: true }).click();
  await ben.locator('.person', { hasText: 'ana' }).first().waitFor();
  await screenshots(ben, 'search');
  await ben.goto(`/u/${anaId}`);
  await ben.getByRole('button', { name: 'Follow' }).click();
  await ben.getByRole('button', { name: 'Following' }).waitFor();
  await ben.locator('.tile img').first().waitFor();
  await screenshots(ben, 'profile');

  await ben.getByRole('link', { name: 'Home' }).click();
  const card = ben.locator('article.card').first();
  await card.waitFor();
  assert.match((await card.textContent()) ?? '', /Golden hour over the bay/);
  await card.getByRole('button', { name: 'Like' }).click();
  await card.locator('button.like[aria-pressed="true"]').waitFor();
  await ben.waitForFunction(() => document.querySelector('article.card .like-group')?.textContent?.includes('1 like'));
  await screenshots(ben, 'feed');

  await card.getByRole('link', { name: /comment/ }).click();
  await ben.waitForURL(/\/p\/post_/);
  await ben.getByLabel('Comment').fill('What a view!');
  await ben.getByRole('button', { name: 'Post', exact: true }).click();
  await ben.locator('.comments li', { hasText: 'What a view!' }).waitFor();
  await screenshots(ben, 'post');

  // Ana's badge counts the follow, the like and the comment as they are pushed.
  await ana.waitForFunction(() => document.querySelector('.count-badge')?.textContent === '3', undefined, {
    timeout: 30_000,
  });
  assert.equal(await ana.evaluate(() => 'stillTheSamePage' in window), true);
  await screenshots(ana, 'feed-with-badge');
  await ana.getByRole('link', { name: /Notifications/ }).click();
  await ana.locator('.notification', { hasText: 'commented' }).waitFor();
  await ana.locator('.notification', { hasText: 'started following you' }).waitFor();
  await badge.waitFor({ state: 'hidden' });
  await screenshots(ana, 'notifications');

  await ben.goto('/explore');
  await ben.locator('.tile img').first().waitFor();
  await screenshots(ben, 'explore');
});
