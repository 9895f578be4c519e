/**
 * The KV tier. Local KV is never stale, so staleness is staged by writing a stand-in value
 * straight into the cache: that proves which reads use KV, and that writes clear what they change.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { parsePublicId } from '../../src/shared/ids';
import { cacheKeys } from '../../src/shared/kv-cache';
import { callJson } from '../helpers/api';
import { quickUsers, type TestUser } from '../helpers/factories';
import { readyPost } from '../helpers/processing';

const uuidOf = (kind: 'user' | 'post', id: string) => String(parsePublicId(kind, id));

async function stageStaleProfile(user: TestUser, bio: string) {
  const anonymous = await callJson(`/api/v1/users/${user.userId}`);
  await env.CACHE.put(cacheKeys.profile(uuidOf('user', user.userId)), JSON.stringify({ ...anonymous.body.data, bio }));
}

describe('the KV cache tier', () => {
  it('serves anonymous profile reads from KV, and signed-in readers from Postgres', async () => {
    const [user, reader] = (await quickUsers(2)) as [TestUser, TestUser];
    await stageStaleProfile(user, 'stale stand-in');
    expect((await callJson(`/api/v1/users/${user.userId}`)).body.data.bio).toBe('stale stand-in');
    expect((await callJson(`/api/v1/users/${user.userId}`, { token: reader.accessToken })).body.data.bio).toBeNull();
  });

  it('clears a cached profile when its owner edits it, and when someone follows them', async () => {
    const [user, fan] = (await quickUsers(2)) as [TestUser, TestUser];
    await stageStaleProfile(user, 'stale stand-in');
    await callJson('/api/v1/users/profile', { method: 'PATCH', token: user.accessToken, json: { bio: 'fresh' } });
    expect((await callJson(`/api/v1/users/${user.userId}`)).body.data.bio).toBe('fresh');

    await stageStaleProfile(user, 'stale again');
    await callJson(`/api/v1/users/${user.userId}/follow`, { method: 'POST', token: fan.accessToken });
    const after = await callJson(`/api/v1/users/${user.userId}`);
    expect(after.body.data).toMatchObject({ bio: 'fresh', followersCount: 1 });
  });

  it('serves anonymous reads of a public post from KV and clears it when the post is liked or edited', async () => {
    const [author, fan] = (await quickUsers(2)) as [TestUser, TestUser];
    const postId = await readyPost(author, { caption: 'real caption' });
    const key = cacheKeys.post(uuidOf('post', postId));
    const fresh = await callJson(`/api/v1/images/${postId}`);
    await env.CACHE.put(key, JSON.stringify({ ...fresh.body.data, caption: 'stale stand-in' }));
    expect((await callJson(`/api/v1/images/${postId}`)).body.data.caption).toBe('stale stand-in');
    expect((await callJson(`/api/v1/images/${postId}`, { token: fan.accessToken })).body.data.caption).toBe(
      'real caption',
    );

    await callJson(`/api/v1/posts/${postId}/like`, { method: 'POST', token: fan.accessToken });
    expect((await callJson(`/api/v1/images/${postId}`)).body.data).toMatchObject({
      caption: 'real caption',
      likesCount: 1,
    });

    await env.CACHE.put(key, JSON.stringify({ ...fresh.body.data, caption: 'stale stand-in' }));
    await callJson(`/api/v1/images/${postId}`, {
      method: 'PATCH',
      token: author.accessToken,
      json: { caption: 'edited' },
    });
    expect((await callJson(`/api/v1/images/${postId}`)).body.data.caption).toBe('edited');
  });

  it('never caches what an anonymous reader may not see', async () => {
    const [author] = (await quickUsers(1)) as [TestUser];
    const postId = await readyPost(author, { privacy: 'followers' });
    expect((await callJson(`/api/v1/images/${postId}`)).status).toBe(404);
    expect(await env.CACHE.get(cacheKeys.post(uuidOf('post', postId)))).toBeNull();
  });
});
