import { describe, expect, it } from 'vitest';
import { sniffImage } from '../../src/shared/image/format';
import { buildExifApp1, withExif } from '../fixtures/exif-builder';
import { tinyImage } from '../fixtures/tiny-images';
import { call, callJson } from '../helpers/api';
import { quickUsers, type TestUser } from '../helpers/factories';
import { carriesNoMetadata } from '../helpers/jpeg-inspection';
import { pngClaiming } from '../helpers/uploads';

function avatarForm(bytes: Uint8Array) {
  const form = new FormData();
  form.append('image', new File([bytes], 'me.jpg'));
  return form;
}

const putAvatar = (user: TestUser, bytes: Uint8Array) =>
  callJson<{ avatar: string | null }>('/api/v1/users/profile/avatar', {
    method: 'PUT',
    token: user.accessToken,
    body: avatarForm(bytes),
  });

describe('PUT /users/profile/avatar', () => {
  it('turns a photo into a square, metadata-free avatar at a public URL', async () => {
    const [user] = (await quickUsers(1)) as [TestUser];
    const photo = withExif(
      tinyImage('jpeg-restart-40x24'),
      buildExifApp1({ orientation: 6, make: 'Canon', gps: { latitude: 1, longitude: 2 } }),
    );
    const { status, body } = await putAvatar(user, photo);
    expect(status).toBe(200);
    expect(body.data.avatar).toMatch(/^http:\/\/lumen\.test\/avatars\/user_[0-9a-f]{32}_[0-9a-f]{8}\.jpg$/);
    const response = await call(new URL(String(body.data.avatar)).pathname);
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toContain('immutable');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(sniffImage(bytes)).toMatchObject({ ok: true, format: 'jpeg', width: 24, height: 24 });
    expect(carriesNoMetadata(bytes)).toBe(true);
    const publicProfile = await callJson(`/api/v1/users/${user.userId}`);
    expect(publicProfile.body.data.avatar).toBe(body.data.avatar);
  });

  it('retires the previous avatar when a new one is set', async () => {
    const [user] = (await quickUsers(1)) as [TestUser];
    const first = (await putAvatar(user, tinyImage('png-5x3'))).body.data.avatar;
    const second = (await putAvatar(user, tinyImage('webp-vp8-5x3'))).body.data.avatar;
    expect(second).not.toBe(first);
    expect((await call(new URL(String(first)).pathname)).status).toBe(404);
    expect((await call(new URL(String(second)).pathname)).status).toBe(200);
  });

  it('refuses a GIF with 415 and a pixel flood with 413, changing nothing', async () => {
    const [user] = (await quickUsers(1)) as [TestUser];
    expect((await putAvatar(user, tinyImage('gif-1x1'))).status).toBe(415);
    expect((await putAvatar(user, pngClaiming(30000, 30000))).status).toBe(413);
    const me = await callJson('/api/v1/users/profile', { token: user.accessToken });
    expect(me.body.data.avatar).toBeNull();
  });

  it('answers 401 without a token', async () => {
    const response = await call('/api/v1/users/profile/avatar', {
      method: 'PUT',
      body: avatarForm(tinyImage('png-5x3')),
    });
    expect(response.status).toBe(401);
  });
});
