import { env } from 'cloudflare:workers';
import { unzipSync, strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { call, callJson } from '../helpers/api';
import { registerUser, type TestUser } from '../helpers/factories';
import { readyMultiPhotoPost } from '../helpers/media';
import { readyPost } from '../helpers/processing';
import { createDb } from '../../src/db/client';
import { parsePublicId } from '../../src/shared/ids';

const db = createDb(env.DATABASE_URL, env.NEON_HTTP_ENDPOINT);

interface ExportState {
  exportId: string;
  status: 'processing' | 'ready' | 'failed';
  downloadUrl: string | null;
  size: number | null;
  expiresAt: string;
}

async function waitUntilExported(user: TestUser, exportId: string, timeoutMs = 30_000): Promise<ExportState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await callJson<ExportState>(`/api/v1/users/profile/export/${exportId}`, {
      token: user.accessToken,
    });
    expect(status).toBe(200);
    if (body.data.status !== 'processing') return body.data;
    if (Date.now() > deadline) throw new Error(`export ${exportId} still processing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function download(url: string) {
  const { pathname, search } = new URL(url);
  const response = await call(`${pathname}${search}`);
  return { status: response.status, bytes: new Uint8Array(await response.arrayBuffer()) };
}

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

describe('account export', () => {
  it('builds one ZIP with the JSON files and every uploaded photo byte for byte, matching the API', async () => {
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

    const files = unzipSync(zip.bytes);
    const json = (name: string): unknown => JSON.parse(strFromU8(files[name] ?? new Uint8Array()));
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
      expect(Object.keys(files)).toContain(name);

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
      expect(files[path]).toEqual(originals.get(hex));
    }
    expect(
      Object.keys(files)
        .filter((name) => name.startsWith('media/'))
        .sort(),
    ).toEqual(photoPaths.sort());

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
});
