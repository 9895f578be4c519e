/**
 * A post of three photos from composing to a follower swiping through it, in the web app against a
 * real stack: Ana picks three JPEGs of different colours and shapes, watches each upload and
 * process (live events), puts the last first with the keyboard, describes each and shares; Ben
 * follows her, finds the carousel in his feed, goes through all three photos by arrow keys, a
 * touch swipe, a mouse drag and the buttons, and opens the post page. Saves the composer's and
 * the carousel's screenshots (docs/screenshots/composer-*.png, carousel-*.png, carousel-post-*.png).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { startStack, type Stack } from '../../bench/harness.ts';
import { desktop, launchChromium, screenshots } from './browser.ts';

let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];

before(async () => {
  [stack, browser] = await Promise.all([startStack(), launchChromium()]);
});

after(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await stack?.close();
});

async function personPage(options: { hasTouch?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: desktop, baseURL: stack.url, ...options });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (error) => console.error('page error:', error));
  return page;
}

async function signUp(page: Page, username: string): Promise<string> {
  await page.goto('/signup');
  await page.getByLabel('Username').fill(username);
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

/** A real JPEG: a diagonal gradient from `colour` to a darker shade, so BlurHash and pixels differ per photo. */
async function jpeg(width: number, height: number, [r, g, b]: [number, number, number]): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const shade = 1 - (0.5 * (x / width + y / height)) / 2;
      pixels.set([r * shade, g * shade, b * shade], (y * width + x) * 3);
    }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

const photos = [
  { name: 'harbour.jpg', width: 1200, height: 800, colour: [200, 60, 40], alt: 'A red harbour wall at dusk' },
  { name: 'forest.jpg', width: 800, height: 1000, colour: [40, 160, 70], alt: 'Tall green pines' },
  { name: 'lake.jpg', width: 900, height: 900, colour: [40, 80, 200], alt: 'A square of blue lake' },
] as const;
// Ana moves the lake first, so the post shows lake, harbour, forest.
const posted = [photos[2], photos[0], photos[1]];

/** The alt text of the photo whose centre is inside the carousel's frame. */
function visiblePhoto(carousel: Locator): Promise<string> {
  return carousel.evaluate((root) => {
    const track = root.querySelector('.carousel-track');
    if (!track) return 'no track';
    const frame = track.getBoundingClientRect();
    const inView = Array.from(track.querySelectorAll('img')).filter((img) => {
      const box = img.getBoundingClientRect();
      const centre = box.left + box.width / 2;
      return centre > frame.left && centre < frame.right;
    });
    return inView.map((img) => img.alt).join(' | ');
  });
}

/** Waits for the photo at `index` to be the one in view, its dot current, and the scrolling to stop there. */
async function expectShowing(carousel: Locator, index: number): Promise<void> {
  const want = { photo: posted[index]?.alt, dot: `Photo ${index + 1} of 3` };
  const now = async () => ({
    photo: await visiblePhoto(carousel),
    dot: await carousel.locator('.carousel-dot[aria-current="true"]').getAttribute('aria-label'),
  });
  // Smooth scrolling and snapping take a moment: the same answer five samples in a row is the settled one.
  let seen = await now();
  for (let agreeing = 0, i = 0; agreeing < 5 && i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 80));
    const next = await now();
    const same = next.photo === seen.photo && next.dot === seen.dot;
    agreeing = same && next.photo === want.photo ? agreeing + 1 : 0;
    seen = next;
  }
  assert.deepEqual(seen, want);
}

/** A finger swipe from right to left across the photo: touch events through the DevTools protocol, scrolled by the browser itself. */
async function swipeLeft(page: Page, carousel: Locator): Promise<void> {
  const box = await carousel.locator('.carousel-track').boundingBox();
  assert.ok(box);
  const session = await page.context().newCDPSession(page);
  const y = box.y + box.height / 2;
  const at = (fraction: number) => [{ x: box.x + box.width * fraction, y }];
  await session.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(0.8) });
  for (let step = 1; step <= 12; step++) {
    await session.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(0.8 - step * 0.05) });
    await new Promise((resolve) => setTimeout(resolve, 16));
  }
  await session.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await session.detach();
}

/** A mouse drag from left to right: the pointer-events path for people without a touch screen. */
async function dragRight(page: Page, carousel: Locator): Promise<void> {
  const box = await carousel.locator('.carousel-track').boundingBox();
  assert.ok(box);
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.2, y);
  await page.mouse.down();
  for (let step = 1; step <= 10; step++) await page.mouse.move(box.x + box.width * (0.2 + step * 0.05), y);
  await page.mouse.up();
}

void test(
  'a three-photo post, composed and reordered, is swiped through by a follower',
  { timeout: 300_000 },
  async () => {
    const ana = await personPage();
    const ben = await personPage({ hasTouch: true });
    const anaId = await signUp(ana, 'ana');
    await signUp(ben, 'ben');

    // Ana picks three photos at once; each uploads and processes on its own.
    await ana.getByRole('link', { name: 'New post' }).click();
    const files = await Promise.all(
      photos.map(async (p) => ({
        name: p.name,
        mimeType: 'image/jpeg',
        buffer: await jpeg(p.width, p.height, [...p.colour]),
      })),
    );
    await ana.locator('input[type=file]').setInputFiles(files);
    const drafts = ana.locator('li.draft');
    await drafts.nth(2).waitFor();
    assert.equal(await drafts.count(), 3);
    await ana.getByText('3 of 20 photos').waitFor();
    await ana.locator('li.draft[data-phase="ready"]').nth(2).waitFor({ timeout: 120_000 });

    // The lake goes first, by keyboard: focus "Move photo 3 of 3 earlier", press Enter twice.
    const earlier = ana.getByRole('button', { name: 'Move photo 3 of 3 earlier' });
    await earlier.focus();
    await ana.keyboard.press('Enter');
    await ana.getByRole('button', { name: 'Move photo 2 of 3 earlier' }).focus();
    await ana.keyboard.press('Enter');
    assert.deepEqual(await drafts.locator('img').evaluateAll((imgs) => imgs.map((img) => img.getAttribute('alt'))), [
      'Preview of photo 1 of 3',
      'Preview of photo 2 of 3',
      'Preview of photo 3 of 3',
    ]);
    for (const [i, p] of posted.entries())
      await ana.getByLabel(`Description for people who cannot see the photo (photo ${i + 1} of 3)`).fill(p.alt);
    // The order shown is the order the files now have: the lake's preview is first.
    const firstPreview = await drafts
      .nth(0)
      .locator('img')
      .evaluate((img: HTMLImageElement) => img.naturalWidth);
    assert.equal(firstPreview, 900);
    await ana.getByLabel('Caption').fill('Three views of the coast');
    await screenshots(ana, 'composer');

    await ana.getByRole('button', { name: 'Share' }).click();
    const result = ana.locator('[data-state="ready"]');
    await result.waitFor({ timeout: 90_000 });
    await result.locator('.carousel').waitFor();
    assert.equal(await result.locator('.carousel img').count(), 3);

    // Ben follows Ana and finds the carousel in his feed.
    await ben.goto(`/u/${anaId}`);
    await ben.getByRole('button', { name: 'Follow' }).click();
    await ben.getByRole('button', { name: 'Following' }).waitFor();
    await ben.getByRole('link', { name: 'Home' }).click();
    const card = ben.locator('article.card', { hasText: 'Three views of the coast' });
    await card.waitFor();
    const carousel = card.getByRole('region', { name: '3 photos by ana' });
    await carousel.waitFor();
    assert.deepEqual(
      await carousel.locator('img').evaluateAll((imgs) => imgs.map((img) => img.getAttribute('alt'))),
      posted.map((p) => p.alt),
    );
    assert.deepEqual(
      await carousel.locator('.carousel-dot').evaluateAll((dots) => dots.map((dot) => dot.getAttribute('aria-label'))),
      ['Photo 1 of 3', 'Photo 2 of 3', 'Photo 3 of 3'],
    );
    // The frame's size comes from the photos' own dimensions (the tallest, 4:5), not from loaded bytes.
    const frame = await carousel.locator('.carousel-track').evaluate((track) => track.clientWidth / track.clientHeight);
    assert.ok(Math.abs(frame - 0.8) < 0.01, `frame ratio ${frame}`);
    await expectShowing(carousel, 0);
    await ben
      .locator('.carousel img')
      .first()
      .evaluate((img: HTMLImageElement) => img.decode());
    await screenshots(ben, 'carousel');

    // Arrow keys when focused, then a touch swipe, a mouse drag back, and the buttons.
    await carousel.focus();
    await ben.keyboard.press('ArrowRight');
    await expectShowing(carousel, 1);
    await swipeLeft(ben, carousel);
    await expectShowing(carousel, 2);
    await ben.keyboard.press('ArrowRight');
    await expectShowing(carousel, 2);
    await dragRight(ben, carousel);
    await expectShowing(carousel, 1);
    await carousel.getByRole('button', { name: 'Previous photo' }).click();
    await expectShowing(carousel, 0);
    await carousel.getByRole('button', { name: 'Photo 3 of 3' }).click();
    await expectShowing(carousel, 2);
    await ben.keyboard.press('Home');
    await expectShowing(carousel, 0);

    // The post page shows the same carousel.
    await card.getByRole('link', { name: /comment/ }).click();
    await ben.waitForURL(/\/p\/post_/);
    const onPage = ben.getByRole('region', { name: '3 photos by ana' });
    await onPage.waitFor();
    await expectShowing(onPage, 0);
    await onPage.getByRole('button', { name: 'Next photo' }).click();
    await expectShowing(onPage, 1);
    await onPage
      .locator('img')
      .nth(1)
      .evaluate((img: HTMLImageElement) => img.decode());
    await screenshots(ben, 'carousel-post');
  },
);
