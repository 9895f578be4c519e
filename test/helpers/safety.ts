import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { createDb } from '../../src/db/client';
import type { UserRole } from '../../src/db/schema';
import { parsePublicId } from '../../src/shared/ids';
import { callJson } from './api';
import type { TestUser } from './factories';

/** What `npm run admin -- role` does, straight in the database: there is no API to become one. */
export async function setRole(user: TestUser, role: UserRole): Promise<void> {
  const db = createDb(env.DATABASE_URL, env.NEON_HTTP_ENDPOINT);
  await db.execute(sql`update users set role = ${role} where id = ${parsePublicId('user', user.userId)}`);
}

export const relate = (who: TestUser, whom: TestUser, relation: 'block' | 'mute' | 'follow', method = 'POST') =>
  callJson(`/api/v1/users/${whom.userId}/${relation}`, { method, token: who.accessToken });

export const report = (who: TestUser, targetType: 'post' | 'comment' | 'user', targetId: string, reason = 'spam') =>
  callJson<{ reportId: string; status: string; createdAt: string }>('/api/v1/reports', {
    token: who.accessToken,
    json: { targetType, targetId, reason },
  });

export const comment = async (who: TestUser, postId: string, content = 'a comment') => {
  const { status, body } = await callJson<{ commentId: string }>(`/api/v1/posts/${postId}/comments`, {
    token: who.accessToken,
    json: { content },
  });
  if (status !== 201) throw new Error(`comment failed: ${status}`);
  return body.data.commentId;
};

export async function commentIds(viewer: TestUser | undefined, postId: string): Promise<string[]> {
  const { status, body } = await callJson<{ comments: { commentId: string }[] }>(
    `/api/v1/posts/${postId}/comments?limit=50`,
    { token: viewer?.accessToken },
  );
  if (status !== 200) throw new Error(`comments: ${status}`);
  return body.data.comments.map((c) => c.commentId);
}

export async function searchPostIds(viewer: TestUser | undefined, tag: string) {
  const { body } = await callJson<{ posts: { postId: string }[]; pagination: { total: number } }>(
    `/api/v1/search/posts?tags=${tag}`,
    { token: viewer?.accessToken },
  );
  return { ids: body.data.posts.map((p) => p.postId), total: body.data.pagination.total };
}

export async function searchUserIds(viewer: TestUser | undefined, q: string) {
  const { body } = await callJson<{ users: { userId: string }[]; pagination: { total: number } }>(
    `/api/v1/search/users?q=${encodeURIComponent(q)}`,
    { token: viewer?.accessToken },
  );
  return { ids: body.data.users.map((u) => u.userId), total: body.data.pagination.total };
}

export async function listedUserIds(viewer: TestUser | undefined, path: string): Promise<string[]> {
  const { status, body } = await callJson<{ users: { userId: string }[] }>(`${path}?limit=50`, {
    token: viewer?.accessToken,
  });
  if (status !== 200) throw new Error(`${path}: ${status}`);
  return body.data.users.map((u) => u.userId);
}

export async function exploreIds(viewer: TestUser | undefined): Promise<string[]> {
  const { body } = await callJson<{ posts: { postId: string }[] }>('/api/v1/explore?limit=50', {
    token: viewer?.accessToken,
  });
  return body.data.posts.map((p) => p.postId);
}
