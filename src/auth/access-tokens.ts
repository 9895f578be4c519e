/**
 * Access tokens: HS256 JWTs that live one hour and name their login session (`sid`), so that
 * revoking the session ends them at once. Only our algorithm, issuer, audience and token type
 * are accepted, and `exp` is required (jose would otherwise accept a token without one).
 * The key id is derived from the secret itself, so rotating JWT_SECRET (keeping the old one as
 * JWT_PREVIOUS_SECRET for an hour) needs no separate key-id setting.
 */
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { base64url } from '../shared/base64url';
import { tokenLifetimes } from '../shared/limits';

const algorithm = 'HS256';
const issuer = 'lumen';
const audience = 'lumen-api';
const tokenType = 'at+jwt';

export interface SigningKeys {
  current: string;
  previous?: string;
}

export interface AccessClaims {
  userId: string;
  sessionId: string;
}

export interface SigningKey {
  kid: string;
  secret: Uint8Array;
}

const encoder = new TextEncoder();

/** The HMAC key and its id, as tokens name it in their `kid` header. */
export async function signingKeyOf(secret: string): Promise<SigningKey> {
  const bytes = encoder.encode(secret);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return { kid: base64url(digest.slice(0, 9)), secret: bytes };
}

export async function signAccessToken(keys: SigningKeys, claims: AccessClaims): Promise<string> {
  const { kid, secret } = await signingKeyOf(keys.current);
  return new SignJWT({ sid: claims.sessionId })
    .setProtectedHeader({ alg: algorithm, kid, typ: tokenType })
    .setSubject(claims.userId)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${tokenLifetimes.accessSeconds}s`)
    .sign(secret);
}

export type VerifyResult = { ok: true; claims: AccessClaims } | { ok: false; expired: boolean };

export async function verifyAccessToken(keys: SigningKeys, token: string): Promise<VerifyResult> {
  const candidates = await Promise.all([keys.current, keys.previous].filter((s) => s !== undefined).map(signingKeyOf));
  try {
    const { payload } = await jwtVerify<JWTPayload & { sid?: unknown }>(
      token,
      (header) => {
        const key = candidates.find((k) => k.kid === header.kid);
        if (!key) throw new errors.JWKSNoMatchingKey();
        return key.secret;
      },
      { algorithms: [algorithm], issuer, audience, typ: tokenType, requiredClaims: ['exp', 'iat', 'sub', 'sid'] },
    );
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') return { ok: false, expired: false };
    return { ok: true, claims: { userId: payload.sub, sessionId: payload.sid } };
  } catch (error) {
    return { ok: false, expired: error instanceof errors.JWTExpired };
  }
}
