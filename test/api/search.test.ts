import { describe, expect, it } from 'vitest';
import { call, callJson } from '../helpers/api';
import { quickUsers, type TestUser } from '../helpers/factories';
import { readyPost } from '../helpers/processing';

interface UserHit {
  userId: string;
  username: string;
  fullName: string | null;
  followersCount: number;
  isFollowing: boolean;
}
interface PostHit {
  postId: string;
  tags: string[];
  caption: string | null;
  privacy: string;
}
interface Pagination {
  page: number;
  limit: number;
  total: number;
  hasMore: boolean;
}

/** A word no other test uses, so each test searches only its own rows in the shared database. */
const uniqueWord = () => `zq${Date.now().toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}`;

async function namedUser(profile: { username?: string; fullName?: string }): Promise<TestUser> {
  const [user] = (await quickUsers(1)) as [TestUser];
  const { status } = await callJson('/api/v1/users/profile', {
    method: 'PATCH',
    token: user.accessToken,
    json: profile,
  });
  expect(status).toBe(200);
  return { ...user, username: profile.username ?? user.username };
}

async function follow(follower: TestUser, target: TestUser) {
  expect(
    (await call(`/api/v1/users/${target.userId}/follow`, { method: 'POST', token: follower.accessToken })).status,
  ).toBe(200);
}

async function searchUsers(query: string, token?: string) {
  const { status, body } = await callJson<{ users: UserHit[]; pagination: Pagination }>(
    `/api/v1/search/users?${query}`,
    { token },
  );
  expect(status).toBe(200);
  return body.data;
}

async function searchPosts(query: string, token?: string) {
  const { status, body } = await callJson<{ posts: PostHit[]; pagination: Pagination }>(
    `/api/v1/search/posts?${query}`,
    { token },
  );
  expect(status).toBe(200);
  return body.data;
}

const q = (text: string) => `q=${encodeURIComponent(text)}`;

describe('GET /api/v1/search/users', () => {
  it('puts the exact username first, then the most followed, matching prefixes and substrings of usernames and full names in any case', async () => {
    const word = uniqueWord();
    const exact = await namedUser({ username: word });
    const popularPrefix = await namedUser({ username: `${word}_pop` });
    const substring = await namedUser({ username: `x_${word}` });
    const byFullName = await namedUser({ fullName: `Someone ${word.toUpperCase()} Else` });
    const fans = await quickUsers(3);
    await Promise.all(fans.map((fan) => follow(fan, popularPrefix)));
    await follow(fans[0] as TestUser, substring);

    const found = await searchUsers(q(word.toUpperCase()), fans[0]?.accessToken);
    expect(found.users.map((u) => u.userId)).toEqual([
      exact.userId,
      popularPrefix.userId,
      substring.userId,
      byFullName.userId,
    ]);
    expect(found.users[1]).toMatchObject({ followersCount: 3, isFollowing: true });
    expect(found.users[0]).toMatchObject({ username: word, isFollowing: false });
    expect(found.pagination).toEqual({ page: 1, limit: 20, total: 4, hasMore: false });
  });

  it('ignores accents and case on both sides, and Unicode composed or decomposed alike', async () => {
    const word = uniqueWord();
    const chloe = await namedUser({ fullName: `Chloé Brûlé ${word}` });
    for (const text of [`brule ${word}`, `BRÛLÉ ${word}`, `chloe\u0301 brûlé ${word}`, `Chloé`]) {
      const found = await searchUsers(q(text.includes(word) ? text : `${text} Brûlé ${word}`));
      expect(found.users.map((u) => u.userId)).toEqual([chloe.userId]);
    }
  });

  it('treats %, _, quotes and backslashes in q as data, not pattern syntax', async () => {
    const word = uniqueWord();
    const percent = await namedUser({ fullName: `Full 100%${word}` });
    await namedUser({ fullName: `Full 100x${word}` });
    const underscore = await namedUser({ fullName: `Under a_${word}` });
    await namedUser({ fullName: `Under ab${word}` });
    const quoted = await namedUser({ fullName: `O'Brien "Bob" \\${word}` });

    expect((await searchUsers(q(`100%${word}`))).users.map((u) => u.userId)).toEqual([percent.userId]);
    expect((await searchUsers(q(`a_${word}`))).users.map((u) => u.userId)).toEqual([underscore.userId]);
    expect((await searchUsers(q(`O'Brien "Bob" \\${word}`))).users.map((u) => u.userId)).toEqual([quoted.userId]);
    expect((await searchUsers(q(`%${word}`))).pagination.total).toBe(1);
    expect((await searchUsers(q(`\\`))).users.every((u) => (u.fullName ?? '').includes('\\'))).toBe(true);
  });

  it('pages with exact totals: every match once across pages, hasMore false on the last', async () => {
    const word = uniqueWord();
    const made = await Promise.all(Array.from({ length: 5 }, (_, i) => namedUser({ fullName: `Pager ${i} ${word}` })));
    const seen: string[] = [];
    for (const page of [1, 2, 3]) {
      const found = await searchUsers(`${q(word)}&limit=2&page=${page}`);
      expect(found.pagination).toEqual({ page, limit: 2, total: 5, hasMore: page < 3 });
      seen.push(...found.users.map((u) => u.userId));
    }
    expect(new Set(seen)).toEqual(new Set(made.map((u) => u.userId)));
    expect(seen).toHaveLength(5);
    const beyond = await searchUsers(`${q(word)}&limit=2&page=4`);
    expect(beyond).toEqual({ users: [], pagination: { page: 4, limit: 2, total: 5, hasMore: false } });
  });

  it('rejects a missing, empty or over-long q, and a bad page, with 400', async () => {
    for (const query of ['', 'q=', 'q=%20%20', `q=${'a'.repeat(101)}`, 'q=ab&page=0', 'q=ab&page=x', 'q=ab&limit=0']) {
      const { status, body } = await callJson(`/api/v1/search/users?${query}`);
      expect(status, query).toBe(400);
      expect(body.error.code).toBe('VALIDATION_ERROR');
    }
  });
});

describe('GET /api/v1/search/posts', () => {
  it('finds ready posts by caption words (all required) or tags through q, and filters by all given tags', async () => {
    const word = uniqueWord();
    const [author] = (await quickUsers(1)) as [TestUser];
    const sunsetBeach = await readyPost(author, { caption: `Golden sunset ${word}`, tags: `beach,${word}` });
    const sunsetCity = await readyPost(author, { caption: `City sunset ${word}`, tags: 'city' });
    const tagOnly = await readyPost(author, { caption: 'No words here', tags: `${word},beach,city` });

    const ids = async (query: string) => (await searchPosts(query)).posts.map((p) => p.postId).sort();
    expect(await ids(q(`sunset ${word}`))).toEqual([sunsetBeach, sunsetCity].sort());
    expect(await ids(q(`golden ${word}`))).toEqual([sunsetBeach]);
    expect(await ids(q(word))).toEqual([sunsetBeach, sunsetCity, tagOnly].sort());
    expect(await ids(`tags=${word},beach`)).toEqual([sunsetBeach, tagOnly].sort());
    expect(await ids(`tags=${word},BEACH,%23city`)).toEqual([tagOnly]);
    expect(await ids(`${q('sunset')}&tags=${word},city`)).toEqual([]);
    expect(await ids(`${q('city')}&tags=${word}`)).toEqual([tagOnly]);
    const item = (await searchPosts(`tags=${word},beach&sort=recent`)).posts[0];
    expect(item).toMatchObject({ postId: tagOnly, tags: expect.arrayContaining([word, 'beach', 'city']) });
    expect(Object.keys(item ?? {})).toEqual(
      expect.arrayContaining(['imageUrl', 'displayUrl', 'likesCount', 'isLiked', 'username']),
    );
  });

  it('sorts by relevance with q by default, newest first with sort=recent or tags alone', async () => {
    const word = uniqueWord();
    const [author] = (await quickUsers(1)) as [TestUser];
    const dense = await readyPost(author, { caption: `${word} ${word} ${word} harbour`, tags: word });
    const sparse = await readyPost(author, {
      caption: `${word} with many other words about the harbour at night`,
      tags: word,
    });
    expect((await searchPosts(q(word))).posts.map((p) => p.postId)).toEqual([dense, sparse]);
    expect((await searchPosts(`${q(word)}&sort=recent`)).posts.map((p) => p.postId)).toEqual([sparse, dense]);
    expect((await searchPosts(`tags=${word}`)).posts.map((p) => p.postId)).toEqual([sparse, dense]);
  });

  it('shows followers-only and private posts only to those who may see them', async () => {
    const word = uniqueWord();
    const [author, follower, stranger] = (await quickUsers(3)) as [TestUser, TestUser, TestUser];
    await follow(follower, author);
    const open = await readyPost(author, { caption: `open ${word}`, privacy: 'public' });
    const friends = await readyPost(author, { caption: `friends ${word}`, privacy: 'followers' });
    const secret = await readyPost(author, { caption: `secret ${word}`, privacy: 'private' });

    const seenBy = async (user?: TestUser) => {
      const found = await searchPosts(`${q(word)}&sort=recent`, user?.accessToken);
      expect(found.pagination.total).toBe(found.posts.length);
      return found.posts.map((p) => p.postId);
    };
    expect(await seenBy(undefined)).toEqual([open]);
    expect(await seenBy(stranger)).toEqual([open]);
    expect(await seenBy(follower)).toEqual([friends, open]);
    expect(await seenBy(author)).toEqual([secret, friends, open]);
  });

  it('matches accents and case either way, and treats %, _, quotes and backslashes as plain text', async () => {
    const word = uniqueWord();
    const [author] = (await quickUsers(1)) as [TestUser];
    const dessert = await readyPost(author, { caption: `Crème Brûlée ${word}` });
    const percent = await readyPost(author, { caption: `100% natural_light ${word}` });

    for (const text of [`creme brulee ${word}`, `CRÈME ${word}`, `cre\u0300me ${word}`]) {
      expect(
        (await searchPosts(q(text))).posts.map((p) => p.postId),
        text,
      ).toEqual([dessert]);
    }
    expect((await searchPosts(q(`100% ${word}`))).posts.map((p) => p.postId)).toEqual([percent]);
    expect((await searchPosts(q(`natural_light ${word}`))).posts.map((p) => p.postId)).toEqual([percent]);
    for (const text of [`'${word}`, `"${word}"`, `${word} \\`, `${word} & | ! ( ) :*`, `%_ ${word}`]) {
      const found = await searchPosts(q(text));
      expect(found.pagination.total, text).toBe(2);
    }
    for (const text of ['%', '_', "'", '"', '\\', '&|!']) {
      const { status } = await call(`/api/v1/search/posts?${q(text)}`);
      expect(status, text).toBe(200);
    }
  });

  it('pages with exact totals', async () => {
    const word = uniqueWord();
    const [author] = (await quickUsers(1)) as [TestUser];
    const made = await Promise.all(Array.from({ length: 3 }, () => readyPost(author, { tags: word })));
    const first = await searchPosts(`tags=${word}&limit=2`);
    const second = await searchPosts(`tags=${word}&limit=2&page=2`);
    expect(first.pagination).toEqual({ page: 1, limit: 2, total: 3, hasMore: true });
    expect(second.pagination).toEqual({ page: 2, limit: 2, total: 3, hasMore: false });
    expect([...first.posts, ...second.posts].map((p) => p.postId).sort()).toEqual(made.sort());
  });

  it('answers 400 without q and tags, or with a bad sort or tag', async () => {
    for (const query of ['', 'sort=recent', 'q=', 'tags=', 'tags=a,,b', 'tags=no-dash', 'q=x&sort=best']) {
      const { status, body } = await callJson(`/api/v1/search/posts?${query}`);
      expect(status, query).toBe(400);
      expect(body.error.code).toBe('VALIDATION_ERROR');
    }
  });
});
