import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { createDb } from '../../src/db/client';
import { insertMedia } from '../../src/db/queries/media';
import { parsePublicId, toPublicId } from '../../src/shared/ids';
import { r2Keys } from '../../src/shared/images';
import { tinyImage } from '../fixtures/tiny-images';
import { call, callJson } from './api';
import type { TestUser } from './factories';
import type { PostDetail } from './processing';

export interface MediaDetail {
  mediaId: string;
  postId: string | null;
  processingStatus: 'processing' | 'ready' | 'failed';
  failureReason: string | null;
  altText: string | null;
  imageUrl: string | null;
  displayUrl: string | null;
  thumbnailUrl: string | null;
  metadata: PostDetail['metadata'];
}

export interface MediaItem {
  mediaId: string;
  imageUrl: string | null;
  displayUrl: string | null;
  thumbnailUrl: string | null;
  altText: string | null;
  metadata: PostDetail['metadata'];
}

export interface MultiPhotoPost extends PostDetail {
  altText: string | null;
  media: MediaItem[];
  mediaCount: number;
}

export function uploadMedia(
  user: TestUser,
  bytes: Uint8Array = tinyImage('jpeg-baseline-5x3'),
  fields: Record<string, string> = {},
  headers: Record<string, string> = {},
) {
  const form = new FormData();
  form.append('image', new File([bytes], 'photo.jpg', { type: 'image/jpeg' }));
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return callJson<{ mediaId: string; processingStatus: string }>('/api/v1/media', {
    token: user.accessToken,
    body: form,
    headers,
  });
}

/** Polls a photo as its uploader until processing ends. */
export async function waitUntilMediaProcessed(user: TestUser, mediaId: string, timeoutMs = 25_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await callJson<MediaDetail>(`/api/v1/media/${mediaId}`, { token: user.accessToken });
    expect(status).toBe(200);
    if (body.data.processingStatus !== 'processing') return body.data;
    if (Date.now() > deadline) throw new Error(`media ${mediaId} still processing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** `count` photos uploaded by `user` and processed, in upload order. */
export async function readyMedia(user: TestUser, count: number, bytes?: Uint8Array): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { status, body } = await uploadMedia(user, bytes, { altText: `photo ${i + 1}` });
    expect(status).toBe(202);
    ids.push(body.data.mediaId);
  }
  for (const id of ids) expect((await waitUntilMediaProcessed(user, id)).processingStatus).toBe('ready');
  return ids;
}

export function createPost(user: TestUser, json: Record<string, unknown>) {
  return callJson<MultiPhotoPost>('/api/v1/posts', { token: user.accessToken, json });
}

export async function postAs(viewer: TestUser | undefined, postId: string) {
  return callJson<MultiPhotoPost>(`/api/v1/images/${postId}`, { token: viewer?.accessToken });
}

/** Polls a post as its author until processing ends. */
export async function waitUntilPostSettled(author: TestUser, postId: string, timeoutMs = 25_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await postAs(author, postId);
    if (body.data.processingStatus !== 'processing') return body.data;
    if (Date.now() > deadline) throw new Error(`post ${postId} still processing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** A multi-photo post of `count` ready photos, ready itself; returns its detail as the author sees it. */
export async function readyMultiPhotoPost(author: TestUser, count: number, fields: Record<string, unknown> = {}) {
  const mediaIds = await readyMedia(author, count);
  const { status, body } = await createPost(author, { mediaIds, ...fields });
  expect(status).toBe(201);
  return body.data;
}

/** An unattached photo left processing with no stored original, as if its upload's bytes were lost. */
export async function insertMediaWithoutBytes(user: TestUser): Promise<string> {
  const id = crypto.randomUUID();
  const db = createDb(env.DATABASE_URL, env.NEON_HTTP_ENDPOINT);
  await insertMedia(
    db,
    {
      id,
      userId: String(parsePublicId('user', user.userId)),
      altText: null,
      ...r2Keys.forNewMedia(toPublicId('media', id)),
      format: 'JPEG',
      fileSize: 1,
    },
    undefined,
  );
  return toPublicId('media', id);
}

/** Whether every R2 object of the photo named `imageName` is gone (or all present). */
export async function objectsOf(imageName: string): Promise<(R2Object | null)[]> {
  return Promise.all(r2Keys.ofMedia(r2Keys.forNewMedia(imageName)).map((key) => env.IMAGES.head(key)));
}

export async function fetchStatus(url: string | null): Promise<number> {
  if (!url) return 0;
  const { pathname, search } = new URL(url);
  const response = await call(`${pathname}${search}`);
  await response.arrayBuffer();
  return response.status;
}

/** The photo's image name, from one of its URLs (`…/images/{name}_{size}.jpg`). */
export function imageNameOf(url: string): string {
  const file = new URL(url).pathname.split('/').pop() ?? '';
  return file.slice(0, file.lastIndexOf('_'));
}
