import { describe, expect, it } from 'vitest';
import { callJson } from '../helpers/api';
import { registerUser, type TestUser } from '../helpers/factories';

const profile = (token: string) => callJson('/api/v1/users/profile', { token });
const refresh = (refreshToken: string) => callJson('/api/v1/auth/refresh', { json: { refreshToken } });
const login = (email: string, password: string) => callJson('/api/v1/auth/login', { json: { email, password } });

async function secondSession(user: TestUser) {
  const { status, body } = await login(user.email, user.password);
  expect(status).toBe(200);
  return body.data as { accessToken: string; refreshToken: string };
}

describe('POST /auth/password', () => {
  it('stores the new password, ends every other session at once and answers fresh working tokens', async () => {
    const user = await registerUser();
    const other = await secondSession(user);
    const changed = await callJson<{ accessToken: string; refreshToken: string; userId: string }>(
      '/api/v1/auth/password',
      { token: user.accessToken, json: { currentPassword: user.password, newPassword: 'a brand new password' } },
    );
    expect(changed.status).toBe(200);
    expect(changed.body.data.userId).toBe(user.userId);

    expect((await profile(other.accessToken)).status).toBe(401);
    expect((await refresh(other.refreshToken)).status).toBe(401);
    expect((await profile(user.accessToken)).status).toBe(401);
    expect((await refresh(user.refreshToken)).status).toBe(401);

    expect((await profile(changed.body.data.accessToken)).status).toBe(200);
    expect((await refresh(changed.body.data.refreshToken)).status).toBe(200);
    expect((await login(user.email, user.password)).status).toBe(401);
    expect((await login(user.email, 'a brand new password')).status).toBe(200);
  });

  it('refuses a wrong current password with 403 WRONG_PASSWORD and changes nothing', async () => {
    const user = await registerUser();
    const other = await secondSession(user);
    const { status, body } = await callJson('/api/v1/auth/password', {
      token: user.accessToken,
      json: { currentPassword: 'not the password', newPassword: 'a brand new password' },
    });
    expect(status).toBe(403);
    expect(body.error.code).toBe('WRONG_PASSWORD');
    expect((await profile(user.accessToken)).status).toBe(200);
    expect((await profile(other.accessToken)).status).toBe(200);
    expect((await login(user.email, user.password)).status).toBe(200);
    expect((await login(user.email, 'a brand new password')).status).toBe(401);
  });

  it("refuses another user's password with 403 WRONG_PASSWORD", async () => {
    const [user, stranger] = await Promise.all([registerUser(), registerUser({ password: 'the strangers password' })]);
    const { status, body } = await callJson('/api/v1/auth/password', {
      token: user.accessToken,
      json: { currentPassword: stranger.password, newPassword: 'a brand new password' },
    });
    expect(status).toBe(403);
    expect(body.error.code).toBe('WRONG_PASSWORD');
    expect((await login(user.email, user.password)).status).toBe(200);
  });

  it('refuses a too short new password with 400 and without a token with 401', async () => {
    const user = await registerUser();
    const short = await callJson('/api/v1/auth/password', {
      token: user.accessToken,
      json: { currentPassword: user.password, newPassword: 'short' },
    });
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('VALIDATION_ERROR');
    const anonymous = await callJson('/api/v1/auth/password', {
      json: { currentPassword: user.password, newPassword: 'a brand new password' },
    });
    expect(anonymous.status).toBe(401);
    expect((await login(user.email, user.password)).status).toBe(200);
  });
});
