/**
 * URLs of image variants. Public posts get stable URLs (cacheable for a month by anyone).
 * Followers-only and private posts get signed URLs that expire: they are handed only to viewers
 * who may see the post, and stop working soon after that may have changed.
 *
 * A signed URL also names the viewer it was made for (when signed in), so the image route can
 * refuse it across a block that was made after the URL was handed out (docs/safety.md).
 *
 * Expiry is rounded up to the next whole hour, so one viewer's URLs stay identical for up to an
 * hour and browsers can cache them; a URL lives between one and two hours.
 */
import type { PostPrivacy } from '../db/schema';
import { base64url } from '../shared/base64url';
import { r2Keys, type VariantSize } from '../shared/images';

const signedUrlHours = 1;
const encoder = new TextEncoder();

async function signingKey(secret: string): Promise<CryptoKey> {
  // A key of its own, derived from the JWT secret, so an image URL can never pass for a token.
  const material = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const derived = await crypto.subtle.sign('HMAC', material, encoder.encode('lumen image URLs v1'));
  return crypto.subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

async function signature(key: CryptoKey, path: string, expires: number, viewer: string | undefined): Promise<string> {
  const signed = viewer === undefined ? `${path}\n${expires}` : `${path}\n${expires}\n${viewer}`;
  return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(signed))));
}

export function variantPath(imageName: string, size: VariantSize): string {
  return `/${r2Keys.variant(imageName, size)}`;
}

export interface ImageUrlSigner {
  /** The URL of one variant of the photo named `imageName` (a media row's), as its post's privacy allows. */
  urlFor(imageName: string, privacy: PostPrivacy, size: VariantSize): Promise<string>;
}

/** `viewer` names whom the URLs are for (a public user id), read when a URL is made. */
export function imageUrlSigner(
  baseUrl: string,
  secret: string,
  viewer: () => string | undefined = () => undefined,
  now = () => Date.now(),
): ImageUrlSigner {
  let key: Promise<CryptoKey> | undefined;
  return {
    async urlFor(imageName, privacy, size) {
      const path = variantPath(imageName, size);
      if (privacy === 'public') return `${baseUrl}${path}`;
      const hour = 3600;
      const expires = (Math.floor(now() / 1000 / hour) + 1 + signedUrlHours) * hour;
      key ??= signingKey(secret);
      const forViewer = viewer();
      const sig = await signature(await key, path, expires, forViewer);
      const named = forViewer === undefined ? '' : `&viewer=${forViewer}`;
      return `${baseUrl}${path}?expires=${expires}&signature=${sig}${named}`;
    },
  };
}

/** Whether a signed URL's query is genuine and unexpired. */
export async function verifyImageSignature(
  secret: string,
  path: string,
  query: { expires?: string; signature?: string; viewer?: string },
  now = Date.now(),
): Promise<boolean> {
  const expires = Number(query.expires);
  if (!query.signature || !Number.isSafeInteger(expires) || expires * 1000 < now) return false;
  const expected = await signature(await signingKey(secret), path, expires, query.viewer);
  const a = encoder.encode(expected);
  const b = encoder.encode(query.signature);
  return a.length === b.length && crypto.subtle.timingSafeEqual(a, b);
}
