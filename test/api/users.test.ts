import { describe, expect, it } from 'vitest';
import { call, callJson } from '../helpers/api';
import { registerUser } from '../helpers/factories';

const patch = (token: string, json: unknown) => callJson('/api/v1/users/profile', { method: 'PATCH', token, json });

describe('GET /users/profile', () => {
  it('returns the caller’s profile with email, zero counters and no avatar', async () => {
    const user = await registerUser();
    const { status, body } = await callJson('/api/v1/users/profile', { token: user.accessToken });
    expect(status).toBe(200);
    expect(body.data).toEqual({
      userId: user.userId,
      username: user.username,
      email: user.email,
      fullName: 'Test Person',
      avatar: null,
      bio: null,
      followersCount: 0,
      followingCount: 0,
      postsCount: 0,
      isVerified: false,
      role: 'user',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });

  it('answers 401 with a Bearer challenge without a token', async () => {
    const { status, headers, body } = await callJson('/api/v1/users/profile');
    expect(status).toBe(401);
    expect(body.error.code).toBe('UNAUTHENTICATED');
    expect(headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
  });
});

describe('PATCH /users/profile', () => {
  it('changes full name, bio and username and returns the updated profile', async () => {
    const user = await registerUser();
    const username = `${user.username.slice(0, 25)}_new`;
    const { status, body } = await patch(user.accessToken, { fullName: 'Ada L', bio: 'Light & lenses 📷', username });
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ fullName: 'Ada L', bio: 'Light & lenses 📷', username });
    const again = await callJson('/api/v1/users/profile', { token: user.accessToken });
    expect(again.body.data).toMatchObject({ fullName: 'Ada L', bio: 'Light & lenses 📷', username });
  });

  it('clears the bio when given null or an empty string', async () => {
    const user = await registerUser();
    await patch(user.accessToken, { bio: 'something' });
    expect((await patch(user.accessToken, { bio: '' })).body.data.bio).toBeNull();
    await patch(user.accessToken, { bio: 'something' });
    expect((await patch(user.accessToken, { bio: null })).body.data.bio).toBeNull();
  });

  it.each([
    ['followersCount', { followersCount: 1_000_000 }],
    ['isVerified', { isVerified: true }],
    ['email', { email: 'new@example.com' }],
    ['postsCount', { postsCount: 5 }],
  ])('answers 400 for %s and applies nothing, not even the valid fields beside it', async (_, field) => {
    const user = await registerUser();
    const { status, body } = await patch(user.accessToken, { fullName: 'Changed', ...field });
    expect(status).toBe(400);
    expect(body.error.code).toBe('VALIDATION_ERROR');
    const me = await callJson('/api/v1/users/profile', { token: user.accessToken });
    expect(me.body.data).toMatchObject({
      fullName: 'Test Person',
      isVerified: false,
      followersCount: 0,
      email: user.email,
    });
  });

  it('answers 400 for a bio over 150 characters', async () => {
    const user = await registerUser();
    const { status, body } = await patch(user.accessToken, { bio: 'b'.repeat(151) });
    expect(status).toBe(400);
    expect(body.error.details).toEqual([expect.objectContaining({ field: 'bio' })]);
  });

  it('answers 409 USERNAME_TAKEN for another account’s username in any case', async () => {
    const [a, b] = await Promise.all([registerUser(), registerUser()]);
    const { status, body } = await patch(a.accessToken, { username: b.username.toUpperCase() });
    expect(status).toBe(409);
    expect(body.error.code).toBe('USERNAME_TAKEN');
  });

  it('answers 401 without a token', async () => {
    expect((await callJson('/api/v1/users/profile', { method: 'PATCH', json: { bio: 'x' } })).status).toBe(401);
  });
});

describe('GET /users/{userId}', () => {
  it('shows the public profile to anyone, without the email', async () => {
    const user = await registerUser();
    const { status, body } = await callJson(`/api/v1/users/${user.userId}`);
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ userId: user.userId, username: user.username, isFollowing: false });
    expect(body.data).not.toHaveProperty('email');
  });

  it('works with a viewer’s token and says isFollowing false for a stranger', async () => {
    const [viewer, user] = await Promise.all([registerUser(), registerUser()]);
    const { status, body } = await callJson(`/api/v1/users/${user.userId}`, { token: viewer.accessToken });
    expect(status).toBe(200);
    expect(body.data.isFollowing).toBe(false);
  });

  it.each([
    ['an unknown id', `user_${'0'.repeat(32)}`],
    ['a malformed id', 'user_123'],
    ['an id of another kind', `post_${'a'.repeat(32)}`],
    ['SQL in the id', "user_' or 1=1 --"],
  ])('answers 404 for %s', async (_, id) => {
    const { status, body } = await callJson(`/api/v1/users/${encodeURIComponent(id)}`);
    expect(status).toBe(404);
    expect(body.error.code).toBe('NOT_FOUND');
  });

  it('answers 401 when a token is sent but invalid, rather than silently treating the caller as anonymous', async () => {
    const user = await registerUser();
    const response = await call(`/api/v1/users/${user.userId}`, { token: 'not-a-token' });
    expect(response.status).toBe(401);
  });
});
