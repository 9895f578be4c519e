/**
 * Refresh tokens are opaque random strings; only their SHA-256 is stored. They are not JWTs:
 * a refresh token must be checked against the database anyway (it works once), so a signature
 * would add nothing but length.
 */
import { base64url } from '../shared/base64url';

export function newRefreshToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function hashRefreshToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
