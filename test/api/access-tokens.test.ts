import { env } from 'cloudflare:workers';
import { SignJWT, UnsecuredJWT, decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { signingKeyOf } from '../../src/auth/access-tokens';
import { callJson } from '../helpers/api';
import { registerUser } from '../helpers/factories';

const profile = (token: string) => callJson('/api/v1/users/profile', { token });

/** A token like the server's, with `change` applied, signed with `secret`. */
async function craftToken(
  claims: { sub: string; sid: string },
  { secret = env.JWT_SECRET, alg = 'HS256', exp = '1h', kidOf = env.JWT_SECRET, typ = 'at+jwt', iat = true } = {},
) {
  const { kid } = await signingKeyOf(kidOf);
  const jwt = new SignJWT({ sid: claims.sid })
    .setProtectedHeader({ alg, kid, typ })
    .setSubject(claims.sub)
    .setIssuer('lumen')
    .setAudience('lumen-api')
    .setExpirationTime(exp);
  if (iat) jwt.setIssuedAt(Math.floor(Date.now() / 1000) - 7200);
  return jwt.sign(new TextEncoder().encode(secret));
}

async function claimsOfFreshUser() {
  const user = await registerUser();
  const { sub, sid } = decodeJwt(user.accessToken) as { sub: string; sid: string };
  return { user, claims: { sub, sid } };
}

describe('access tokens', () => {
  it('accepts a token crafted exactly like the server’s (the harness itself is sound)', async () => {
    const { claims } = await claimsOfFreshUser();
    expect((await profile(await craftToken(claims))).status).toBe(200);
  });

  it('refuses an expired token with 401 TOKEN_EXPIRED', async () => {
    const { claims } = await claimsOfFreshUser();
    const expired = await craftToken(claims, { exp: Math.floor(Date.now() / 1000) - 60 } as never);
    const { status, body, headers } = await profile(expired);
    expect(status).toBe(401);
    expect(body.error.code).toBe('TOKEN_EXPIRED');
    expect(headers.get('WWW-Authenticate')).toContain('invalid_token');
  });

  it('refuses a token signed with another key (forged) with 401', async () => {
    const { claims } = await claimsOfFreshUser();
    const forged = await craftToken(claims, { secret: 'an attacker’s secret of sufficient length!!' });
    const { status, body } = await profile(forged);
    expect(status).toBe(401);
    expect(body.error.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a token whose kid names a key the server does not have', async () => {
    const { claims } = await claimsOfFreshUser();
    const token = await craftToken(claims, { secret: 'x'.repeat(40), kidOf: 'x'.repeat(40) });
    expect((await profile(token)).status).toBe(401);
  });

  it('refuses an unsigned token (alg: none) with 401', async () => {
    const { claims } = await claimsOfFreshUser();
    const unsigned = new UnsecuredJWT({ sid: claims.sid })
      .setSubject(claims.sub)
      .setIssuer('lumen')
      .setAudience('lumen-api')
      .setIssuedAt()
      .setExpirationTime('1h')
      .encode();
    expect((await profile(unsigned)).status).toBe(401);
  });

  it('refuses an HS512 token signed with the server’s own secret (no algorithm switching)', async () => {
    const { claims } = await claimsOfFreshUser();
    expect((await profile(await craftToken(claims, { alg: 'HS512' }))).status).toBe(401);
  });

  it('refuses a token of another type', async () => {
    const { claims } = await claimsOfFreshUser();
    expect((await profile(await craftToken(claims, { typ: 'JWT' }))).status).toBe(401);
  });

  it('refuses a token whose payload was edited after signing', async () => {
    const { user } = await claimsOfFreshUser();
    const other = await registerUser();
    const [header, , signature] = user.accessToken.split('.');
    const otherPayload = other.accessToken.split('.')[1];
    expect((await profile(`${header}.${otherPayload}.${signature}`)).status).toBe(401);
  });

  it('refuses a valid signature over a session that does not exist', async () => {
    const { claims } = await claimsOfFreshUser();
    expect((await profile(await craftToken({ ...claims, sid: crypto.randomUUID() }))).status).toBe(401);
  });

  it('refuses a token whose session belongs to another user', async () => {
    const { claims } = await claimsOfFreshUser();
    const { claims: otherClaims } = await claimsOfFreshUser();
    expect((await profile(await craftToken({ sub: claims.sub, sid: otherClaims.sid }))).status).toBe(401);
  });

  it.each([
    ['a non-Bearer scheme', 'Basic dXNlcjpwYXNz'],
    ['garbage', 'Bearer not.a.jwt'],
    ['an empty bearer', 'Bearer '],
  ])('answers 401 with a Bearer challenge for %s', async (_, header) => {
    const { status, headers } = await callJson('/api/v1/users/profile', { headers: { Authorization: header } });
    expect(status).toBe(401);
    expect(headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
  });

  it('keeps accepting tokens signed with JWT_PREVIOUS_SECRET after a rotation', async () => {
    const { verifyAccessToken, signAccessToken } = await import('../../src/auth/access-tokens');
    const old = 'the secret before rotation, long enough';
    const token = await signAccessToken({ current: old }, { userId: 'user_x', sessionId: 's' });
    expect((await verifyAccessToken({ current: env.JWT_SECRET, previous: old }, token)).ok).toBe(true);
    expect((await verifyAccessToken({ current: env.JWT_SECRET }, token)).ok).toBe(false);
  });
});
