import { describe, expect, it } from 'vitest';
import { callJson } from '../helpers/api';
import { quickUsers, registerUser, type TestUser } from '../helpers/factories';
import { readyPost } from '../helpers/processing';

const follow = (who: TestUser, whom: TestUser, method = 'POST') =>
  callJson(`/api/v1/users/${whom.userId}/follow`, { method, token: who.accessToken });
const likeIt = (who: TestUser, postId: string, method = 'POST') =>
  callJson(`/api/v1/posts/${postId}/like`, { method, token: who.accessToken });
const profile = (user: TestUser) => callJson(`/api/v1/users/${user.userId}`);

describe('follows', () => {
  it('follows once however often it is asked, and counts both sides exactly', async () => {
    const [a, b] = await Promise.all([registerUser(), registerUser()]);
    const first = await follow(a, b);
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual({ userId: b.userId, isFollowing: true, followersCount: 1 });
    const again = await follow(a, b);
    expect(again.body.data).toEqual({ userId: b.userId, isFollowing: true, followersCount: 1 });
    expect((await profile(a)).body.data.followingCount).toBe(1);
    const seen = await callJson(`/api/v1/users/${b.userId}`, { token: a.accessToken });
    expect(seen.body.data.isFollowing).toBe(true);
  });

  it('unfollows idempotently and the counters return to zero', async () => {
    const [a, b] = await Promise.all([registerUser(), registerUser()]);
    await follow(a, b);
    const off = await follow(a, b, 'DELETE');
    expect(off.body.data).toEqual({ userId: b.userId, isFollowing: false, followersCount: 0 });
    expect((await follow(a, b, 'DELETE')).body.data.followersCount).toBe(0);
    expect((await profile(a)).body.data.followingCount).toBe(0);
  });

  it('keeps counters exact under 20 concurrent follow/unfollow requests from one user', async () => {
    const [a, b] = await Promise.all([registerUser(), registerUser()]);
    await Promise.all(Array.from({ length: 20 }, (_, i) => follow(a, b, i % 2 ? 'DELETE' : 'POST')));
    const following = (await callJson(`/api/v1/users/${b.userId}`, { token: a.accessToken })).body.data.isFollowing;
    expect((await profile(b)).body.data.followersCount).toBe(following ? 1 : 0);
    expect((await profile(a)).body.data.followingCount).toBe(following ? 1 : 0);
  });

  it('refuses to follow yourself with 422, and unknown or malformed users with 404', async () => {
    const a = await registerUser();
    expect((await follow(a, a)).status).toBe(422);
    const ghost = { ...a, userId: `user_${'0'.repeat(32)}` };
    expect((await follow(a, ghost)).status).toBe(404);
    expect((await follow(a, { ...a, userId: 'user_nope' })).status).toBe(404);
  });

  it('lists followers and following newest first, with isFollowing for the viewer, page by page', async () => {
    const star = await registerUser();
    const fans = await quickUsers(5);
    for (const fan of fans) await follow(fan, star);
    const viewer = fans[0] as TestUser;
    await follow(viewer, fans[4] as TestUser);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await callJson<{
        users: { userId: string; isFollowing: boolean }[];
        pagination: { nextCursor: string | null };
      }>(`/api/v1/users/${star.userId}/followers${query}`, { token: viewer.accessToken });
      expect(page.status).toBe(200);
      seen.push(...page.body.data.users.map((u) => u.userId));
      cursor = page.body.data.pagination.nextCursor;
    } while (cursor);
    expect(seen).toEqual(fans.map((f) => f.userId).reverse());

    const following = await callJson<{ users: { userId: string }[] }>(`/api/v1/users/${viewer.userId}/following`);
    expect(following.body.data.users.map((u) => u.userId)).toEqual([fans[4]?.userId, star.userId]);
  });

  it.each([
    ['limit=0', 400],
    ['limit=abc', 400],
    ['limit=-1', 400],
    ['cursor=not-a-cursor', 400],
    ['limit=500', 200],
  ])('answers %s with %i', async (query, status) => {
    const user = await registerUser();
    expect((await callJson(`/api/v1/users/${user.userId}/followers?${query}`)).status).toBe(status);
  });

  it('refuses a cursor that was altered, with 400', async () => {
    const star = await registerUser();
    for (const fan of await Promise.all([registerUser(), registerUser()])) await follow(fan, star);
    const page = await callJson<{ pagination: { nextCursor: string } }>(
      `/api/v1/users/${star.userId}/followers?limit=1`,
    );
    const cursor = page.body.data.pagination.nextCursor;
    const [payload, signature] = cursor.split('.');
    const forged = `${btoa(JSON.stringify({ t: '2000-01-01 00:00:00+00', id: crypto.randomUUID() })).replace(/=+$/, '')}.${signature}`;
    expect(payload).toBeTruthy();
    expect((await callJson(`/api/v1/users/${star.userId}/followers?cursor=${encodeURIComponent(forged)}`)).status).toBe(
      400,
    );
  });
});

describe('likes', () => {
  it('likes once however often it is asked, and unlikes idempotently', async () => {
    const [author, fan] = await Promise.all([registerUser(), registerUser()]);
    const postId = await readyPost(author);
    expect((await likeIt(fan, postId)).body.data).toEqual({ postId, isLiked: true, likesCount: 1 });
    expect((await likeIt(fan, postId)).body.data).toEqual({ postId, isLiked: true, likesCount: 1 });
    expect((await callJson(`/api/v1/images/${postId}`, { token: fan.accessToken })).body.data.isLiked).toBe(true);
    expect((await callJson(`/api/v1/images/${postId}`, { token: author.accessToken })).body.data.isLiked).toBe(false);
    expect((await likeIt(fan, postId, 'DELETE')).body.data).toEqual({ postId, isLiked: false, likesCount: 0 });
    expect((await likeIt(fan, postId, 'DELETE')).body.data).toEqual({ postId, isLiked: false, likesCount: 0 });
  });

  it('counts 100 concurrent likes by 100 people as exactly 100', async () => {
    const author = await registerUser();
    const postId = await readyPost(author);
    const fans = await quickUsers(100);
    const answers = await Promise.all(fans.map((fan) => likeIt(fan, postId)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const post = await callJson(`/api/v1/images/${postId}`);
    expect(post.body.data.likesCount).toBe(100);
  }, 120_000);

  it('stays exact when likes and unlikes race', async () => {
    const author = await registerUser();
    const postId = await readyPost(author);
    const fans = await quickUsers(10);
    await Promise.all(fans.map((fan) => likeIt(fan, postId)));
    // Half take theirs back while each of the others likes twice more.
    await Promise.all(
      fans.flatMap((fan, i) => (i % 2 ? [likeIt(fan, postId, 'DELETE')] : [likeIt(fan, postId), likeIt(fan, postId)])),
    );
    const post = await callJson(`/api/v1/images/${postId}`);
    expect(post.body.data.likesCount).toBe(5);
  });

  it('answers 404 for a post the caller may not see, and changes nothing', async () => {
    const [author, stranger] = await Promise.all([registerUser(), registerUser()]);
    const postId = await readyPost(author, { privacy: 'private' });
    expect((await likeIt(stranger, postId)).status).toBe(404);
    const post = await callJson(`/api/v1/images/${postId}`, { token: author.accessToken });
    expect(post.body.data.likesCount).toBe(0);
  });
});

describe('comments', () => {
  it('adds comments with 201, lists them oldest first page by page, and counts them', async () => {
    const [author, fan] = await Promise.all([registerUser(), registerUser()]);
    const postId = await readyPost(author);
    const texts = ['first! 📸', 'second', 'third', '  fourth  '];
    for (const content of texts) {
      const created = await callJson(`/api/v1/posts/${postId}/comments`, { token: fan.accessToken, json: { content } });
      expect(created.status).toBe(201);
      expect(created.body.data).toMatchObject({
        postId,
        userId: fan.userId,
        username: fan.username,
        content: content.trim(),
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await callJson<{ comments: { content: string }[]; pagination: { nextCursor: string | null } }>(
        `/api/v1/posts/${postId}/comments${query}`,
      );
      seen.push(...page.body.data.comments.map((comment) => comment.content));
      cursor = page.body.data.pagination.nextCursor;
    } while (cursor);
    expect(seen).toEqual(texts.map((t) => t.trim()));
    expect((await callJson(`/api/v1/images/${postId}`)).body.data.commentsCount).toBe(4);
  });

  it.each([
    ['empty', { content: '' }],
    ['only spaces', { content: '    ' }],
    ['2201 characters', { content: 'x'.repeat(2201) }],
    ['an unknown field', { content: 'hi', pinned: true }],
  ])('refuses a comment that is %s with 400', async (_, json) => {
    const [author, fan] = await Promise.all([registerUser(), registerUser()]);
    const postId = await readyPost(author);
    const { status } = await callJson(`/api/v1/posts/${postId}/comments`, { token: fan.accessToken, json });
    expect(status).toBe(400);
  });

  it('lets the comment’s author and the post’s author delete it, and nobody else (403)', async () => {
    const [author, commenter, other] = await Promise.all([registerUser(), registerUser(), registerUser()]);
    const postId = await readyPost(author);
    const add = () =>
      callJson<{ commentId: string }>(`/api/v1/posts/${postId}/comments`, {
        token: commenter.accessToken,
        json: { content: 'hi' },
      });
    const first = (await add()).body.data.commentId;
    const second = (await add()).body.data.commentId;
    const remove = (who: TestUser, id: string) =>
      callJson(`/api/v1/posts/${postId}/comments/${id}`, { method: 'DELETE', token: who.accessToken });

    expect((await remove(other, first)).status).toBe(403);
    expect((await remove(commenter, first)).status).toBe(200);
    expect((await remove(author, second)).status).toBe(200);
    expect((await remove(author, second)).status).toBe(404);
    expect((await callJson(`/api/v1/images/${postId}`)).body.data.commentsCount).toBe(0);
  });

  it('hides the comments of a post the caller may not see behind a 404', async () => {
    const [author, stranger] = await Promise.all([registerUser(), registerUser()]);
    const postId = await readyPost(author, { privacy: 'followers' });
    expect((await callJson(`/api/v1/posts/${postId}/comments`, { token: stranger.accessToken })).status).toBe(404);
    expect(
      (await callJson(`/api/v1/posts/${postId}/comments`, { token: stranger.accessToken, json: { content: 'x' } }))
        .status,
    ).toBe(404);
    await follow(stranger, author);
    expect((await callJson(`/api/v1/posts/${postId}/comments`, { token: stranger.accessToken })).status).toBe(200);
  });
});
