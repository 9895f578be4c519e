/**
 * A report through to its removal, in the web app against a real stack: Ana shares a photo, Ben
 * reports it from the post's menu using only the keyboard, Carla (made a moderator the way the
 * operator does it) removes it from the moderation screen, and the post and its image are gone.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startStack, type Stack } from '../../bench/harness.ts';
import { localConnectionString } from '../../dev/paths.ts';
import { sqlClient } from '../../dev/seed-sql.ts';
import { desktop, launchChromium } from './browser.ts';
import { signUp, uploadReadyPost } from './people.ts';

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
  const context = await browser.newContext({ viewport: desktop, baseURL: stack.url });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (error) => console.error('page error:', error));
  return page;
}

void test('a post reported from its menu by keyboard is removed by a moderator', { timeout: 240_000 }, async () => {
  const [ana, ben, carla] = await Promise.all([personPage(), personPage(), personPage()]);
  const anaSession = await signUp(ana, 'ana');
  await signUp(ben, 'ben');
  const carlaSession = await signUp(carla, 'carla');
  const { postId, thumbnailUrl } = await uploadReadyPost(stack.url, anaSession.accessToken, {
    caption: 'Reported harbour photo',
  });

  // Ben reports it: the menu button, opened and walked with the keyboard alone.
  await ben.goto(`/p/${postId}`);
  const menuButton = ben.getByRole('button', { name: /More actions for this post/ });
  await menuButton.focus();
  await ben.keyboard.press('ArrowDown');
  const firstItem = ben.getByRole('menuitem', { name: 'Report post' });
  assert.equal(await firstItem.evaluate((item) => item === document.activeElement), true);
  await ben.keyboard.press('Enter');
  await ben.getByLabel('Reason').selectOption('spam');
  await ben.getByLabel(/Anything moderators should know/).fill('Posted in every group');
  await ben.getByRole('button', { name: 'Send report' }).click();
  await ben.getByText('Thanks — moderators will look at it.').waitFor();

  // Carla becomes a moderator the operator's way (the role column), then works the queue.
  const sql = sqlClient(localConnectionString, stack.db.sqlEndpoint);
  await sql.query(`update users set role = 'moderator' where username = 'carla'`);
  assert.match(carlaSession.userId, /^user_/);
  await carla.goto('/moderation');
  const card = carla.locator('li.report', { hasText: 'Reported harbour photo' });
  await card.waitFor();
  await card.locator('img[alt="The reported post by ana"]').waitFor();
  assert.ok(await card.getByText('Posted in every group').isVisible());
  await card.getByLabel('Note').fill('spam');
  await card.getByRole('button', { name: 'Remove' }).click();
  await card.waitFor({ state: 'detached' });
  await carla
    .getByRole('list', { name: 'Moderation log' })
    .getByText(/remove post/)
    .waitFor();

  // Gone for everyone, its author included, and its image bytes with it.
  await ana.goto(`/p/${postId}`);
  await ana.getByRole('alert').waitFor();
  assert.equal((await fetch(thumbnailUrl)).status, 404);
});
