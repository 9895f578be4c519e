import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { accountJobDeps } from '../../src/account/deps';
import { eraseAccountStep } from '../../src/account/erase-account';
import { createDb } from '../../src/db/client';
import { markAccountDeleted } from '../../src/db/queries/erasure';
import { parsePublicId } from '../../src/shared/ids';
import { callJson } from '../helpers/api';
import { registerUser, type TestUser } from '../helpers/factories';
import { fetchStatus, readyMultiPhotoPost } from '../helpers/media';
import { readyPost, type PostDetail } from '../helpers/processing';

const db = createDb(env.DATABASE_URL, env.NEON_HTTP_ENDPOINT);
const uuid = (user: TestUser) => String(parsePublicId('user', user.userId));

/** Every R2 key under the prefixes the account's photos were stored at. */
async function objectsUnder(prefixes: string[]): Promise<string[]> {
  const listed = await Promise.all(prefixes.map((prefix) => env.IMAGES.list({ prefix })));
  return listed.flatMap((list) => list.objects.map((o) => o.key));
}

async function photoPrefixes(user: TestUser): Promise<string[]> {
  const rows = await db.execute<{ original_key: string; image_name: string }>(
    `select original_key, image_name from media where user_id = '${uuid(user)}'`,
  );
  return rows.rows.flatMap((r) => [r.original_key, `images/${r.image_name}_`]);
}

/** Users whose stored counters differ from their rows (should be none). */
async function counterDrift(users: TestUser[]) {
  const ids = users.map((u) => `'${uuid(u)}'`).join(',');
  const result = await db.execute(`
    select u.id from users u where u.id in (${ids}) and (
      u.followers_count <> (select count(*) from follows where following_id = u.id)
      or u.following_count <> (select count(*) from follows where follower_id = u.id))
    union all
    select p.id from posts p where p.user_id in (${ids}) and (
      p.likes_count <> (select count(*) from likes where post_id = p.id)
      or p.comments_count <> (select count(*) from comments where post_id = p.id))`);
  return result.rows;
}

async function userRowExists(user: TestUser): Promise<boolean> {
  const result = await db.execute(`select 1 from users where id = '${uuid(user)}'`);
  return result.rows.length > 0;
}

async function waitUntilErased(user: TestUser, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (await userRowExists(user)) {
    if (Date.now() > deadline) throw new Error(`${user.userId} not erased after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** An account with posts, photos, likes, comments and follows both ways, tangled with two others. */
async function tangledAccount() {
  const [owner, friend, fan] = await Promise.all([registerUser(), registerUser(), registerUser()]);
  const ownPost = await readyPost(owner, { caption: 'mine' });
  const album = await readyMultiPhotoPost(owner, 2, { caption: 'album' });
  const friendPost = await readyPost(friend, { caption: 'theirs' });
  const social = (token: string, path: string, json?: unknown) => callJson(path, { token, json: json ?? {} });
  await Promise.all([
    social(owner.accessToken, `/api/v1/users/${friend.userId}/follow`),
    social(friend.accessToken, `/api/v1/users/${owner.userId}/follow`),
    social(fan.accessToken, `/api/v1/users/${owner.userId}/follow`),
    social(owner.accessToken, `/api/v1/posts/${friendPost}/like`),
    social(friend.accessToken, `/api/v1/posts/${ownPost}/like`),
  ]);
  const ownerComment = await social(owner.accessToken, `/api/v1/posts/${friendPost}/comments`, { content: 'nice' });
  await social(friend.accessToken, `/api/v1/posts/${ownPost}/comments`, { content: 'thanks' });
  const detail = await callJson<PostDetail>(`/api/v1/images/${ownPost}`, { token: owner.accessToken });
  return {
    owner,
    friend,
    fan,
    ownPost,
    album: album as unknown as PostDetail,
    friendPost,
    ownerCommentId: String(ownerComment.body.data.commentId),
    imageUrls: [detail.body.data.imageUrl, detail.body.data.thumbnailUrl, album.displayUrl],
  };
}

describe('DELETE /users/profile', () => {
  it('refuses a wrong or another user\u2019s password with 403 WRONG_PASSWORD and changes nothing', async () => {
    const [user, other] = await Promise.all([registerUser(), registerUser({ password: 'the other password' })]);
    for (const password of ['not the password', other.password]) {
      const { status, body } = await callJson('/api/v1/users/profile', {
        method: 'DELETE',
        token: user.accessToken,
        json: { password },
      });
      expect(status).toBe(403);
      expect(body.error.code).toBe('WRONG_PASSWORD');
    }
    expect((await callJson(`/api/v1/users/${user.userId}`)).status).toBe(200);
    expect((await callJson('/api/v1/users/profile', { token: user.accessToken })).status).toBe(200);
  });

  it('makes the account 404 at once, frees its name and email, then erases every row and object of it', async () => {
    const t = await tangledAccount();
    const prefixes = await photoPrefixes(t.owner);
    expect(await objectsUnder(prefixes)).not.toHaveLength(0);

    const deleted = await callJson('/api/v1/users/profile', {
      method: 'DELETE',
      token: t.owner.accessToken,
      json: { password: t.owner.password },
    });
    expect(deleted.status).toBe(200);

    // From this answer on, before the erasure has finished:
    expect((await callJson(`/api/v1/users/${t.owner.userId}`)).status).toBe(404);
    expect((await callJson(`/api/v1/images/${t.ownPost}`, { token: t.friend.accessToken })).status).toBe(404);
    expect((await callJson(`/api/v1/images/${t.album.postId}`)).status).toBe(404);
    for (const url of t.imageUrls) expect(await fetchStatus(url)).toBe(404);
    expect((await callJson('/api/v1/users/profile', { token: t.owner.accessToken })).status).toBe(401);
    const login = await callJson('/api/v1/auth/login', { json: { email: t.owner.email, password: t.owner.password } });
    expect(login.status).toBe(401);
    const again = await callJson('/api/v1/auth/register', {
      json: { username: t.owner.username, email: t.owner.email, password: 'a new account password' },
    });
    expect(again.status).toBe(201);

    await waitUntilErased(t.owner);
    expect(await objectsUnder(prefixes)).toEqual([]);
    expect(await counterDrift([t.friend, t.fan])).toEqual([]);
    const friend = await callJson<{ followersCount: number; followingCount: number }>(
      `/api/v1/users/${t.friend.userId}`,
    );
    expect(friend.body.data).toMatchObject({ followersCount: 0, followingCount: 0 });
    const post = await callJson<{ likesCount: number; commentsCount: number }>(`/api/v1/images/${t.friendPost}`);
    expect(post.body.data).toMatchObject({ likesCount: 0, commentsCount: 0 });
    const comments = await callJson<{ comments: { commentId: string }[] }>(`/api/v1/posts/${t.friendPost}/comments`);
    expect(comments.body.data.comments.map((c) => c.commentId)).not.toContain(t.ownerCommentId);
    const notifications = await db.execute(
      `select 1 from notifications where actor_id = '${uuid(t.owner)}' or recipient_id = '${uuid(t.owner)}'`,
    );
    expect(notifications.rows).toEqual([]);
  });

  it('finishes an erasure interrupted mid-way when the job is delivered again, and a second run changes nothing', async () => {
    const t = await tangledAccount();
    const prefixes = await photoPrefixes(t.owner);
    // Marked straight through the query, so no queue message races the steps run here.
    expect(await markAccountDeleted(db, uuid(t.owner))).toBeDefined();
    const deps = accountJobDeps(env);
    const failingBucket = new Proxy(deps.images, {
      get(target, name) {
        if (name === 'delete') return () => Promise.reject(new Error('R2 unavailable'));
        const value: unknown = Reflect.get(target, name);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    // Likes, comments, follows and notifications go, then the first photo batch throws.
    await expect(eraseAccountStep({ ...deps, images: failingBucket }, uuid(t.owner))).rejects.toThrow('R2 unavailable');
    expect(await counterDrift([t.friend, t.fan])).toEqual([]);
    expect(await userRowExists(t.owner)).toBe(true);

    while (await eraseAccountStep(deps, uuid(t.owner))) {
      // each step is bounded; keep delivering until it reports done
    }
    expect(await userRowExists(t.owner)).toBe(false);
    expect(await objectsUnder(prefixes)).toEqual([]);
    expect(await counterDrift([t.friend, t.fan])).toEqual([]);
    expect(await eraseAccountStep(deps, uuid(t.owner))).toBe(false);
  });

  it('never erases an account that was not deleted', async () => {
    const user = await registerUser();
    expect(await eraseAccountStep(accountJobDeps(env), uuid(user))).toBe(false);
    expect((await callJson(`/api/v1/users/${user.userId}`)).status).toBe(200);
  });
});
