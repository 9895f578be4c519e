import { expect } from 'vitest';
import { callJson } from './api';
import type { TestUser } from './factories';

export interface FeedItem {
  postId: string;
  userId: string;
  isLiked: boolean;
  likesCount: number;
  imageUrl: string;
}

interface Page {
  posts: FeedItem[];
  pagination: { nextCursor: string | null; hasMore: boolean };
}

export async function feedPage(user: TestUser, cursor?: string | null, limit = 20) {
  const query = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
  const { status, body } = await callJson<Page>(`/api/v1/feed${query}`, { token: user.accessToken });
  expect(status).toBe(200);
  return body.data;
}

export async function feedIds(user: TestUser): Promise<string[]> {
  return (await feedPage(user, null, 50)).posts.map((p) => p.postId);
}

/** Fan-out runs through the queue: poll until the feed holds (or lacks) a post, within a bound. */
export async function eventuallyInFeed(user: TestUser, postId: string, present = true, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ids = await feedIds(user);
    if (ids.includes(postId) === present) return;
    if (Date.now() > deadline)
      throw new Error(`post ${postId} ${present ? 'never arrived in' : 'never left'} the feed`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function gridIds(viewer: TestUser | undefined, author: TestUser): Promise<string[]> {
  const { status, body } = await callJson<Page>(`/api/v1/users/${author.userId}/posts?limit=50`, {
    token: viewer?.accessToken,
  });
  expect(status).toBe(200);
  return body.data.posts.map((p) => p.postId);
}
