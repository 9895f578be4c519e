/** What a browser test does as a person in the page, or on their behalf through the API. */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { photoLikePicture } from '../fixtures/images/patterns.ts';
import { encodePng } from '../fixtures/images/png-writer.ts';

export const testPassword = 'correct horse battery';

export async function signUp(page: Page, username: string): Promise<{ userId: string; accessToken: string }> {
  await page.goto('/signup');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`${username}@example.com`);
  await page.getByLabel('Password').fill(testPassword);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL((url) => url.pathname === '/');
  return page.evaluate(
    () => JSON.parse(localStorage.getItem('lumen.session') ?? '{}') as { userId: string; accessToken: string },
  );
}

export interface SharedPhoto {
  postId: string;
  thumbnailUrl: string;
  /** The file exactly as uploaded. */
  bytes: Uint8Array;
}

/** Uploads a generated PNG with `caption` and waits until its post is ready. */
export async function uploadReadyPost(
  baseUrl: string,
  accessToken: string,
  { caption, width = 600, height = 400 }: { caption: string; width?: number; height?: number },
): Promise<SharedPhoto> {
  const body = new FormData();
  const png = await encodePng(photoLikePicture(width, height), { colourType: 'rgb' });
  body.set('image', new File([Buffer.from(png)], 'photo.png', { type: 'image/png' }));
  body.set('caption', caption);
  const headers = { Authorization: `Bearer ${accessToken}` };
  const accepted = await fetch(`${baseUrl}/api/v1/images/upload`, { method: 'POST', headers, body });
  assert.equal(accepted.status, 202);
  const { postId } = ((await accepted.json()) as { data: { postId: string } }).data;
  for (let i = 0; i < 300; i++) {
    const detail = (await (await fetch(`${baseUrl}/api/v1/images/${postId}`, { headers })).json()) as {
      data: { processingStatus: string; thumbnailUrl: string };
    };
    if (detail.data.processingStatus === 'ready')
      return { postId, thumbnailUrl: detail.data.thumbnailUrl, bytes: new Uint8Array(png) };
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error('the photo never became ready');
}
