/**
 * Signed download URLs of exports: an HMAC of the path and expiry under a key of its own (derived
 * from the JWT secret), so a link works without a token — a browser can simply follow it — and
 * stops working after an hour, or when the export expires if that is sooner.
 */
import { base64url } from '../shared/base64url';

const encoder = new TextEncoder();
const linkSeconds = 3600;

async function key(secret: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const derived = await crypto.subtle.sign('HMAC', material, encoder.encode('lumen export URLs v1'));
  return crypto.subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

async function signature(secret: string, path: string, expires: number): Promise<string> {
  return base64url(
    new Uint8Array(await crypto.subtle.sign('HMAC', await key(secret), encoder.encode(`${path}\n${expires}`))),
  );
}

export const exportDownloadPath = (publicExportId: string) => `/api/v1/users/profile/export/${publicExportId}/download`;

export async function signedExportUrl(baseUrl: string, secret: string, publicExportId: string, exportExpiresAt: Date) {
  const expires = Math.min(Math.floor(Date.now() / 1000) + linkSeconds, Math.floor(exportExpiresAt.getTime() / 1000));
  const path = exportDownloadPath(publicExportId);
  return `${baseUrl}${path}?expires=${expires}&signature=${await signature(secret, path, expires)}`;
}

export async function verifyExportUrl(
  secret: string,
  publicExportId: string,
  query: { expires?: string | undefined; signature?: string | undefined },
): Promise<boolean> {
  const expires = Number(query.expires);
  if (!query.signature || !Number.isSafeInteger(expires) || expires * 1000 < Date.now()) return false;
  const a = encoder.encode(await signature(secret, exportDownloadPath(publicExportId), expires));
  const b = encoder.encode(query.signature);
  return a.length === b.length && crypto.subtle.timingSafeEqual(a, b);
}
