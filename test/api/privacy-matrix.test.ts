/**
 * The whole privacy matrix: public / followers-only / private posts, seen by their author, a
 * follower, a stranger and an anonymous reader, over every read path. A viewer who may not see a
 * post gets a 404 (or its absence from a list) everywhere, never a hint that it exists. Every
 * photo of a three-photo post follows its post's privacy, the second and third as the first.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, callJson } from '../helpers/api';
import { quickUsers, type TestUser } from '../helpers/factories';
import { eventuallyInFeed, feedIds, gridIds } from '../helpers/feed';
import { fetchStatus, imageNameOf, postAs, readyMultiPhotoPost, type MultiPhotoPost } from '../helpers/media';
import { readyPost } from '../helpers/processing';

type Privacy = 'public' | 'followers' | 'private';
type Role = 'author' | 'follower' | 'stranger' | 'anonymous';

const canSee: Record<Privacy, Role[]> = {
  public: ['author', 'follower', 'stranger', 'anonymous'],
  followers: ['author', 'follower'],
  private: ['author'],
};

let people: Record<Exclude<Role, 'anonymous'>, TestUser>;
const posts = {} as Record<Privacy, string>;
/** A three-photo post of each privacy, as its author sees it. */
const albums = {} as Record<Privacy, MultiPhotoPost>;
const sizes = ['thumbnail', 'display', 'original'] as const;
const tokenOf = (role: Role) => (role === 'anonymous' ? undefined : people[role].accessToken);

beforeAll(async () => {
  const [author, follower, stranger] = (await quickUsers(3)) as [TestUser, TestUser, TestUser];
  people = { author, follower, stranger };
  await callJson(`/api/v1/users/${author.userId}/follow`, { method: 'POST', token: follower.accessToken });
  const [pub, fol, priv] = await Promise.all([
    readyPost(author, { privacy: 'public' }),
    readyPost(author, { privacy: 'followers' }),
    readyPost(author, { privacy: 'private' }),
  ]);
  Object.assign(posts, { public: pub, followers: fol, private: priv });
  for (const privacy of ['public', 'followers', 'private'] as const) {
    albums[privacy] = await readyMultiPhotoPost(author, 3, { privacy });
  }
  await eventuallyInFeed(follower, fol);
  await eventuallyInFeed(follower, albums.followers.postId);
  await env.CACHE.delete('popular_posts');
}, 120_000);

const cases = (['public', 'followers', 'private'] as const).flatMap((privacy) =>
  (['author', 'follower', 'stranger', 'anonymous'] as const).map((role) => ({
    privacy,
    role,
    visible: canSee[privacy].includes(role),
  })),
);

describe.each(cases)('a $privacy post seen by the $role (visible: $visible)', ({ privacy, role, visible }) => {
  it('post details: 200 or 404', async () => {
    expect((await callJson(`/api/v1/images/${posts[privacy]}`, { token: tokenOf(role) })).status).toBe(
      visible ? 200 : 404,
    );
  });

  it('image bytes: the URLs this viewer is given work; the plain URL works only for public posts', async () => {
    const plain = await call(`/images/${posts[privacy]}_thumbnail.jpg`);
    expect(plain.status).toBe(privacy === 'public' ? 200 : 404);
    if (!visible) return;
    const detail = await callJson<{ thumbnailUrl: string }>(`/api/v1/images/${posts[privacy]}`, {
      token: tokenOf(role),
    });
    const url = new URL(detail.body.data.thumbnailUrl);
    expect((await call(url.pathname + url.search)).status).toBe(200);
  });

  it('every photo of a three-photo post: plain URLs only for public; the URLs this viewer is given serve each', async () => {
    for (const photo of albums[privacy].media) {
      const name = imageNameOf(String(photo.displayUrl));
      for (const size of sizes) {
        expect((await call(`/images/${name}_${size}.jpg`)).status).toBe(privacy === 'public' ? 200 : 404);
      }
    }
    const seen = await postAs(role === 'anonymous' ? undefined : people[role], albums[privacy].postId);
    expect(seen.status).toBe(visible ? 200 : 404);
    if (!visible) return;
    expect(seen.body.data.media.map((m) => m.mediaId)).toEqual(albums[privacy].media.map((m) => m.mediaId));
    for (const photo of seen.body.data.media) {
      for (const url of [photo.thumbnailUrl, photo.displayUrl, photo.imageUrl])
        expect(await fetchStatus(url)).toBe(200);
    }
  });

  it('comments: listed (200) or 404; commenting likewise', async () => {
    expect((await callJson(`/api/v1/posts/${posts[privacy]}/comments`, { token: tokenOf(role) })).status).toBe(
      visible ? 200 : 404,
    );
    if (role === 'anonymous') return;
    const comment = await callJson(`/api/v1/posts/${posts[privacy]}/comments`, {
      token: tokenOf(role),
      json: { content: 'hi' },
    });
    expect(comment.status).toBe(visible ? 201 : 404);
  });

  it('likes: allowed (200) or 404', async () => {
    if (role === 'anonymous') {
      expect((await callJson(`/api/v1/posts/${posts[privacy]}/like`, { method: 'POST' })).status).toBe(401);
      return;
    }
    expect(
      (await callJson(`/api/v1/posts/${posts[privacy]}/like`, { method: 'POST', token: tokenOf(role) })).status,
    ).toBe(visible ? 200 : 404);
  });

  it('profile grid: listed or absent', async () => {
    const viewer = role === 'anonymous' ? undefined : people[role];
    expect((await gridIds(viewer, people.author)).includes(posts[privacy])).toBe(visible);
  });

  it('home feed: present only for the author and, unless private, their followers', async () => {
    if (role === 'anonymous') return;
    const expected = role === 'author' || (role === 'follower' && privacy !== 'private');
    expect((await feedIds(people[role])).includes(posts[privacy])).toBe(expected);
  });

  it('explore: only public posts, for everyone', async () => {
    const { body } = await callJson<{ posts: { postId: string }[] }>('/api/v1/explore?limit=50', {
      token: tokenOf(role),
    });
    expect(body.data.posts.map((p) => p.postId).includes(posts[privacy])).toBe(privacy === 'public');
  });
});
