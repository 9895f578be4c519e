import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { verifyAccessToken } from '../../auth/access-tokens';
import { sessionStanding } from '../../db/queries/sessions';
import { ApiError } from '../../shared/errors';
import { parsePublicId } from '../../shared/ids';
import type { AppEnv, Viewer } from '../app-env';

function challenge(code: 'UNAUTHENTICATED' | 'TOKEN_EXPIRED', message: string, tokenSent: boolean) {
  // RFC 6750: a request without credentials gets a bare challenge, a bad token an error code.
  const value = !tokenSent
    ? 'Bearer realm="lumen"'
    : `Bearer realm="lumen", error="invalid_token", error_description="${message}"`;
  return new ApiError(code, message, { headers: { 'WWW-Authenticate': value } });
}

function bearerToken(c: Context<AppEnv>): string | undefined {
  const header = c.req.header('Authorization');
  if (header === undefined) return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim());
  if (!match?.[1]) throw challenge('UNAUTHENTICATED', 'Malformed Authorization header', true);
  return match[1];
}

/** Who the token speaks for, checked against the session row so a logout takes effect at once. */
export async function authenticate(c: Context<AppEnv>, token: string): Promise<Viewer> {
  const { db, signingKeys } = c.var.services;
  const result = await verifyAccessToken(signingKeys, token);
  if (!result.ok) {
    throw result.expired
      ? challenge('TOKEN_EXPIRED', 'The access token has expired', true)
      : challenge('UNAUTHENTICATED', 'The access token is invalid', true);
  }
  const userId = parsePublicId('user', result.claims.userId);
  const standing = userId ? await sessionStanding(db, result.claims.sessionId, userId) : 'ended';
  if (standing === 'suspended') throw new ApiError('ACCOUNT_SUSPENDED', 'This account is suspended');
  if (!userId || standing !== 'active') throw challenge('UNAUTHENTICATED', 'The session has ended', true);
  return { userId, sessionId: result.claims.sessionId };
}

export const requireAuth = createMiddleware<AppEnv>(async function requireAuth(c, next) {
  const token = bearerToken(c);
  if (token === undefined) throw challenge('UNAUTHENTICATED', 'Sign in to do this', false);
  c.set('viewer', await authenticate(c, token));
  await next();
});

/** Public content works without a token; a token that is sent must still be valid. */
export const optionalAuth = createMiddleware<AppEnv>(async function optionalAuth(c, next) {
  const token = bearerToken(c);
  if (token !== undefined) c.set('viewer', await authenticate(c, token));
  await next();
});

/** The viewer set by `requireAuth`; calling it on a route without that middleware is a bug. */
export function viewerOf(c: Context<AppEnv>): Viewer {
  const viewer = c.var.viewer;
  if (!viewer) throw new Error('viewerOf() used on a route without requireAuth');
  return viewer;
}
