import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { createDb } from '../../src/db/client';
import { insertPostWithPhoto } from '../../src/db/queries/posts';
import { parsePublicId, toPublicId } from '../../src/shared/ids';
import { r2Keys } from '../../src/shared/images';
import { tinyImage } from '../fixtures/tiny-images';
import { callJson } from './api';
import type { TestUser } from './factories';

export interface PostDetail {
  postId: string;
  processingStatus: 'processing' | 'ready' | 'failed';
  imageUrl: string | null;
  displayUrl: string | null;
  thumbnailUrl: string | null;
  failureReason?: string | null;
  metadata: null | {
    width: number;
    height: number;
    fileSize: number;
    format: string;
    camera: string | null;
    exposure: Record<string, unknown> | null;
    blurhash: string;
    aspectRatio: number;
  };
}

/** Polls the post as its author until processing ends (the processor Worker consumes the queue). */
export async function waitUntilProcessed(token: string, postId: string, timeoutMs = 25_000): Promise<PostDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await callJson<PostDetail>(`/api/v1/images/${postId}`, { token });
    expect(status).toBe(200);
    if (body.data.processingStatus !== 'processing') return body.data;
    if (Date.now() > deadline) throw new Error(`post ${postId} still processing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** A one-photo post left processing with no stored original, as if its upload's bytes were lost. */
export async function insertProcessingPost(user: TestUser): Promise<string> {
  const id = crypto.randomUUID();
  const userId = String(parsePublicId('user', user.userId));
  const db = createDb(env.DATABASE_URL, env.NEON_HTTP_ENDPOINT);
  await insertPostWithPhoto(
    db,
    {
      id,
      userId,
      caption: null,
      tags: [],
      locationName: null,
      latitude: null,
      longitude: null,
      privacy: 'public',
    },
    {
      id: crypto.randomUUID(),
      userId,
      altText: null,
      ...r2Keys.forNewMedia(toPublicId('post', id)),
      format: 'JPEG',
      fileSize: 1,
    },
    undefined,
  );
  return id;
}

/** Uploads a tiny photo and waits for the processor to make it ready; returns its public id. */
export async function readyPost(user: TestUser, fields: Record<string, string> = {}): Promise<string> {
  const form = new FormData();
  form.append('image', new File([tinyImage('jpeg-baseline-5x3')], 'p.jpg'));
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const { status, body } = await callJson<{ postId: string }>('/api/v1/images/upload', {
    token: user.accessToken,
    body: form,
  });
  expect(status).toBe(202);
  const post = await waitUntilProcessed(user.accessToken, body.data.postId);
  expect(post.processingStatus).toBe('ready');
  return post.postId;
}
