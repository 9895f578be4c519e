import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, callJson, uniqueClientIp } from '../helpers/api';
import { newUserData, registerUser } from '../helpers/factories';

const profile = (token: string) => callJson('/api/v1/users/profile', { token });

describe('POST /auth/register', () => {
  it('creates an account and answers 201 with a working token pair', async () => {
    const data = newUserData();
    const { status, body } = await callJson('/api/v1/auth/register', { json: data });
    expect(status).toBe(201);
    expect(body.data).toMatchObject({ userId: expect.stringMatching(/^user_[0-9a-f]{32}$/), expiresIn: 3600 });
    const me = await profile(String(body.data.accessToken));
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ username: data.username, email: data.email, fullName: data.fullName });
  });

  it('stores the username lower-case and refuses it again in any case with 409 USERNAME_TAKEN', async () => {
    const first = newUserData();
    const upper = { ...first, username: first.username.toUpperCase() };
    const created = await callJson('/api/v1/auth/register', { json: upper });
    expect(created.status).toBe(201);
    const me = await profile(String(created.body.data.accessToken));
    expect(me.body.data.username).toBe(first.username);

    const again = await callJson('/api/v1/auth/register', {
      json: newUserData({ username: first.username.toUpperCase() }),
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('USERNAME_TAKEN');
  });

  it('refuses an email already registered in another case with 409 EMAIL_TAKEN and creates nothing', async () => {
    const user = await registerUser();
    const clash = newUserData({ email: user.email.toUpperCase(), password: 'another password 123' });
    const { status, body } = await callJson('/api/v1/auth/register', { json: clash });
    expect(status).toBe(409);
    expect(body.error.code).toBe('EMAIL_TAKEN');
    const login = await callJson('/api/v1/auth/login', { json: { email: clash.email, password: clash.password } });
    expect(login.status).toBe(401);
  });

  it.each([
    ['a too short username', { username: 'ab' }, 'username'],
    ['a username with spaces', { username: 'john doe' }, 'username'],
    ['a 31-character username', { username: 'a'.repeat(31) }, 'username'],
    ['an invalid email', { email: 'not-an-email' }, 'email'],
    ['a 7-character password', { password: 'short12' }, 'password'],
    ['a 129-character password', { password: 'p'.repeat(129) }, 'password'],
    ['a 101-character full name', { fullName: 'n'.repeat(101) }, 'fullName'],
  ])('answers 400 VALIDATION_ERROR naming the field for %s', async (_, override, field) => {
    const { status, body } = await callJson('/api/v1/auth/register', { json: { ...newUserData(), ...override } });
    expect(status).toBe(400);
    expect(body.error.code).toBe('VALIDATION_ERROR');
    expect(body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('answers 400 for an unknown field and creates no account', async () => {
    const data = newUserData();
    const { status, body } = await callJson('/api/v1/auth/register', { json: { ...data, isVerified: true } });
    expect(status).toBe(400);
    expect(body.error.code).toBe('VALIDATION_ERROR');
    const login = await callJson('/api/v1/auth/login', { json: { email: data.email, password: data.password } });
    expect(login.status).toBe(401);
  });

  it('answers 400 for malformed JSON', async () => {
    const response = await call('/api/v1/auth/register', {
      body: '{"username": "x",',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect((await response.json<{ error: { code: string } }>()).error.code).toBe('VALIDATION_ERROR');
  });

  it('answers 415 for a body that is not declared as JSON', async () => {
    const response = await call('/api/v1/auth/register', {
      body: 'username=x',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(response.status).toBe(415);
    expect((await response.json<{ error: { code: string } }>()).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a JSON body over 64 KiB', async () => {
    const { status, body } = await callJson('/api/v1/auth/register', {
      json: { ...newUserData(), fullName: 'x'.repeat(65 * 1024) },
    });
    expect(status).toBe(413);
    expect(body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 429 with Retry-After once one client IP has registered 10 times in a minute', async () => {
    const ip = uniqueClientIp();
    // The binding counts in fixed windows, so a burst may straddle two of them: within 21 quick
    // attempts one window must overflow, and never before 10 attempts have gone through.
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof callJson>> | undefined;
    while (!limited && statuses.length < 21) {
      const answer = await callJson('/api/v1/auth/register', { ip, json: { username: '!' } });
      statuses.push(answer.status);
      if (answer.status === 429) limited = answer;
      else expect(answer.headers.get('RateLimit-Limit')).toBe('10');
    }
    expect(statuses.indexOf(429)).toBeGreaterThanOrEqual(10);
    expect(limited?.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited?.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(limited?.headers.get('RateLimit-Remaining')).toBe('0');

    const otherClient = await callJson('/api/v1/auth/register', { json: newUserData() });
    expect(otherClient.status).toBe(201);
  });
});

describe('POST /auth/login', () => {
  it('signs in with the email in any case and answers 200 with a token pair', async () => {
    const user = await registerUser();
    const { status, body } = await callJson('/api/v1/auth/login', {
      json: { email: user.email.toUpperCase(), password: user.password },
    });
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ userId: user.userId, expiresIn: 3600 });
    expect((await profile(String(body.data.accessToken))).status).toBe(200);
  });

  it('gives the same 401 INVALID_CREDENTIALS for a wrong password and an unknown email', async () => {
    const user = await registerUser();
    const wrong = await callJson('/api/v1/auth/login', { json: { email: user.email, password: 'not the password' } });
    const unknown = await callJson('/api/v1/auth/login', {
      json: { email: `nobody-${user.email}`, password: user.password },
    });
    for (const answer of [wrong, unknown]) {
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe('INVALID_CREDENTIALS');
    }
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
  });

  it('answers 429 once one client IP has tried 10 logins in a minute', async () => {
    const user = await registerUser();
    const ip = uniqueClientIp();
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof callJson>> | undefined;
    while (!limited && statuses.length < 21) {
      const answer = await callJson('/api/v1/auth/login', {
        ip,
        json: { email: user.email, password: `guess ${statuses.length}` },
      });
      statuses.push(answer.status);
      if (answer.status === 429) limited = answer;
      else expect(answer.status).toBe(401);
    }
    expect(statuses.indexOf(429)).toBeGreaterThanOrEqual(10);
    expect(limited?.headers.get('Retry-After')).toMatch(/^\d+$/);
  });
});

describe('POST /auth/refresh', () => {
  it('exchanges a refresh token once for a new working pair', async () => {
    const user = await registerUser();
    const { status, body } = await callJson('/api/v1/auth/refresh', { json: { refreshToken: user.refreshToken } });
    expect(status).toBe(200);
    expect(body.data.refreshToken).not.toBe(user.refreshToken);
    expect((await profile(String(body.data.accessToken))).status).toBe(200);
  });

  it('revokes the whole session family when a spent refresh token is presented again', async () => {
    const user = await registerUser();
    const first = await callJson('/api/v1/auth/refresh', { json: { refreshToken: user.refreshToken } });
    const successor = first.body.data;

    const replay = await callJson('/api/v1/auth/refresh', { json: { refreshToken: user.refreshToken } });
    expect(replay.status).toBe(401);
    expect(replay.headers.get('WWW-Authenticate')).toMatch(/^Bearer/);

    const successorRefresh = await callJson('/api/v1/auth/refresh', {
      json: { refreshToken: String(successor.refreshToken) },
    });
    expect(successorRefresh.status).toBe(401);
    expect((await profile(String(successor.accessToken))).status).toBe(401);
    expect((await profile(user.accessToken)).status).toBe(401);
  });

  it('leaves the same account’s other login sessions working when one family is revoked', async () => {
    const user = await registerUser();
    const other = await callJson('/api/v1/auth/login', { json: { email: user.email, password: user.password } });
    await callJson('/api/v1/auth/refresh', { json: { refreshToken: user.refreshToken } });
    await callJson('/api/v1/auth/refresh', { json: { refreshToken: user.refreshToken } });
    expect((await profile(String(other.body.data.accessToken))).status).toBe(200);
  });

  it('answers 401 for a refresh token it never issued', async () => {
    const { status, body } = await callJson('/api/v1/auth/refresh', { json: { refreshToken: 'made-up-token' } });
    expect(status).toBe(401);
    expect(body.error.code).toBe('UNAUTHENTICATED');
  });

  it('does not accept an access token as a refresh token', async () => {
    const user = await registerUser();
    const { status } = await callJson('/api/v1/auth/refresh', {
      json: { refreshToken: user.accessToken.slice(0, 200) },
    });
    expect(status).toBe(401);
  });
});

describe('POST /auth/logout', () => {
  it('stops the session’s access token and refresh token at once', async () => {
    const user = await registerUser();
    const out = await callJson('/api/v1/auth/logout', { token: user.accessToken, json: {} });
    expect(out.status).toBe(200);
    expect((await profile(user.accessToken)).status).toBe(401);
    const refresh = await callJson('/api/v1/auth/refresh', { json: { refreshToken: user.refreshToken } });
    expect(refresh.status).toBe(401);
  });

  it('works without a body and leaves the account’s other sessions signed in', async () => {
    const user = await registerUser();
    const other = await callJson('/api/v1/auth/login', { json: { email: user.email, password: user.password } });
    const out = await call('/api/v1/auth/logout', { method: 'POST', token: user.accessToken });
    expect(out.status).toBe(200);
    expect((await profile(user.accessToken)).status).toBe(401);
    expect((await profile(String(other.body.data.accessToken))).status).toBe(200);
  });

  it('also ends the session of a refresh token sent in the body', async () => {
    const user = await registerUser();
    const other = await callJson('/api/v1/auth/login', { json: { email: user.email, password: user.password } });
    await callJson('/api/v1/auth/logout', {
      token: user.accessToken,
      json: { refreshToken: other.body.data.refreshToken },
    });
    expect((await profile(String(other.body.data.accessToken))).status).toBe(401);
  });

  it('answers 401 without a token', async () => {
    const { status, headers } = await callJson('/api/v1/auth/logout', { json: {} });
    expect(status).toBe(401);
    expect(headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
  });
});

describe('the server keeps a known-good secret', () => {
  it('is configured with a secret long enough for HS256', () => {
    expect(env.JWT_SECRET.length).toBeGreaterThanOrEqual(32);
  });
});
