import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, callJson } from '../helpers/api';
import { download, waitUntilExported } from '../helpers/exports';
import { registerUser, type TestUser } from '../helpers/factories';
import { readyMultiPhotoPost } from '../helpers/media';
import { readyPost } from '../helpers/processing';
import { unzipStrictly } from '../helpers/unzip';
import { createDb } from '../../src/db/client';
import { parsePublicId } from '../../src/shared/ids';

const db = createDb(env.DATABASE_URL, env.NEON_HTTP_ENDPOINT);

/** The bytes each photo of the account was uploaded as, from its private original in R2. */
async function originalsOf(user: TestUser): Promise<Map<string, Uint8Array>> {
  const rows = await db.execute<{ id: string; original_key: string }>(
    `select id, original_key from media where user_id = '${String(parsePublicId('user', user.userId))}'`,
  );
  const entries = await Promise.all(
    rows.rows.map(async (r) => {
      const object = await env.IMAGES.get(r.original_key);
      return [r.id.replaceAll('-', ''), new Uint8Array(await (object as R2ObjectBody).arrayBuffer())] as const;
    }),
  );
  return new Map(entries);
}

/** Where `needle` first occurs in `haystack`, or -1. */
function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

describe('account export', () => {
  it('builds one ZIP that an independent unzip opens, with the JSON files and every uploaded photo byte for byte, matching the API', async () => {
    const [owner, friend] = await Promise.all([registerUser(), registerUser()]);
    const single = await readyPost(owner, { caption: 'first #sea', privacy: 'followers' });
    const album = await readyMultiPhotoPost(owner, 2, { caption: 'album' });
    const friendPost = await readyPost(friend);
    await callJson(`/api/v1/users/${friend.userId}/follow`, { token: owner.accessToken, json: {} });
    await callJson(`/api/v1/posts/${friendPost}/like`, { token: owner.accessToken, json: {} });
    await callJson(`/api/v1/posts/${friendPost}/comments`, { token: owner.accessToken, json: { content: 'hi' } });

    const started = await callJson<{ exportId: string; status: string }>('/api/v1/users/profile/export', {
      method: 'POST',
      token: owner.accessToken,
    });
    expect(started.status).toBe(202);
    expect(started.body.data).toMatchObject({ exportId: expect.stringMatching(/^export_/), status: 'processing' });
    const again = await callJson<{ exportId: string }>('/api/v1/users/profile/export', {
      method: 'POST',
      token: owner.accessToken,
    });
    expect(again.body.data.exportId).toBe(started.body.data.exportId);

    const state = await waitUntilExported(owner, started.body.data.exportId);
    expect(state.status).toBe('ready');
    const zip = await download(String(state.downloadUrl));
    expect(zip.status).toBe(200);
    expect(zip.bytes.byteLength).toBe(state.size);

    // Opened by zip.js, not by the fflate that wrote it: CRC-32s and headers checked as `unzip -t` does.
    const files = await unzipStrictly(zip.bytes);
    const json = (name: string): unknown => JSON.parse(new TextDecoder().decode(files.get(name)));
    for (const name of [
      'account.json',
      'posts.json',
      'comments.json',
      'likes.json',
      'followers.json',
      'following.json',
      'blocks.json',
      'mutes.json',
    ])
      expect([...files.keys()]).toContain(name);

    const profile = await callJson('/api/v1/users/profile', { token: owner.accessToken });
    expect(json('account.json')).toEqual(profile.body.data);
    expect(JSON.stringify(json('account.json'))).not.toContain('scrypt');

    const posts = json('posts.json') as { postId: string; media: { mediaId: string; path: string }[] }[];
    expect(posts.map((p) => p.postId).sort()).toEqual([single, album.postId].sort());
    for (const post of posts) {
      const detail = await callJson<Record<string, unknown> & { media: { mediaId: string; altText: string | null }[] }>(
        `/api/v1/images/${post.postId}`,
        { token: owner.accessToken },
      );
      const { caption, tags, location, privacy, altText, createdAt, likesCount, commentsCount } = detail.body.data;
      expect(post).toMatchObject({ caption, tags, location, privacy, altText, createdAt, likesCount, commentsCount });
      expect(post.media.map((m) => m.mediaId)).toEqual(detail.body.data.media.map((m) => m.mediaId));
    }

    const originals = await originalsOf(owner);
    const photoPaths = posts.flatMap((p) => p.media.map((m) => m.path));
    expect(photoPaths).toHaveLength(3);
    for (const path of photoPaths) {
      const hex = /media_([0-9a-f]{32})\./.exec(path)?.[1] ?? '';
      expect(files.get(path)).toEqual(originals.get(hex));
    }
    expect([...files.keys()].filter((name) => name.startsWith('media/')).sort()).toEqual(photoPaths.sort());

    expect(json('following.json')).toEqual([
      expect.objectContaining({ userId: friend.userId, username: friend.username }),
    ]);
    expect(json('likes.json')).toEqual([expect.objectContaining({ postId: friendPost })]);
    expect(json('comments.json')).toEqual([expect.objectContaining({ postId: friendPost, content: 'hi' })]);
  });

  it("answers another user's export id with 404 and refuses a tampered download link with 404", async () => {
    const [owner, stranger] = await Promise.all([registerUser(), registerUser()]);
    const started = await callJson<{ exportId: string }>('/api/v1/users/profile/export', {
      method: 'POST',
      token: owner.accessToken,
    });
    const id = started.body.data.exportId;
    expect((await callJson(`/api/v1/users/profile/export/${id}`, { token: stranger.accessToken })).status).toBe(404);
    const state = await waitUntilExported(owner, id);
    const url = new URL(String(state.downloadUrl));
    url.searchParams.set('signature', 'forged');
    expect((await download(url.toString())).status).toBe(404);
    expect((await call(`/api/v1/users/profile/export/${id}/download`)).status).toBe(404);
  });

  it('is checked by an unzip that refuses the archive once one byte of a photo in it is changed', async () => {
    const owner = await registerUser();
    await readyPost(owner);
    const started = await callJson<{ exportId: string }>('/api/v1/users/profile/export', {
      method: 'POST',
      token: owner.accessToken,
    });
    const zip = await download(String((await waitUntilExported(owner, started.body.data.exportId)).downloadUrl));
    const [original = new Uint8Array()] = [...(await originalsOf(owner)).values()];
    const at = indexOfBytes(zip.bytes, original);
    expect(at).toBeGreaterThan(0);
    expect((await unzipStrictly(zip.bytes)).size).toBe(9);
    const damaged = zip.bytes.slice();
    const middle = at + Math.floor(original.length / 2);
    damaged[middle] = (damaged[middle] ?? 0) ^ 0xff;
    await expect(unzipStrictly(damaged)).rejects.toThrow();
  });
});
