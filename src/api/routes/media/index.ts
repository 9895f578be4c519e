/**
 * Image bytes: `GET /images/{name}_{size}.jpg`, the seed's CDN layout, served from R2. The name is
 * a photo's (`post_…` for a post's photo made by an upload, `media_…` for one made by `POST /media`).
 * Every request first asks Postgres whether the photo may be shown (one indexed read), so a post
 * made private or deleted stops being served at once, even from this location's cache.
 */
import { Hono, type Context } from 'hono';
import { findMediaVisibility } from '../../../db/queries/media';
import { notFound } from '../../../shared/errors';
import { parsePublicId } from '../../../shared/ids';
import { r2Keys, type VariantSize } from '../../../shared/images';
import type { AppEnv } from '../../app-env';
import { configFrom } from '../../config';
import { variantPath, verifyImageSignature } from '../../image-urls';
import { provideServices } from '../../services';

const publicCaching = 'public, max-age=2592000, immutable';
const privateCaching = 'private, max-age=3600';

function bytesResponse(object: R2Object, body: ReadableStream | null, status: number, cacheControl: string) {
  const headers = new Headers({
    'Content-Type': 'image/jpeg',
    'Cache-Control': cacheControl,
    ETag: object.httpEtag,
    'Accept-Ranges': 'bytes',
    'X-Content-Type-Options': 'nosniff',
  });
  if (status === 206 && object.range && 'offset' in object.range) {
    const offset = object.range.offset ?? 0;
    const length = object.range.length ?? object.size - offset;
    headers.set('Content-Range', `bytes ${offset}-${offset + length - 1}/${object.size}`);
    headers.set('Content-Length', String(length));
  } else if (body) {
    headers.set('Content-Length', String(object.size));
  }
  return new Response(body, { status, headers });
}

/** R2 answers conditional and range requests itself; this turns its answer into HTTP. */
async function fromR2(c: Context<AppEnv>, key: string, cacheControl: string): Promise<Response> {
  const headers = c.req.raw.headers;
  const hasRange = headers.has('Range');
  let object: R2Object | null;
  try {
    object = await c.var.services.images.get(key, { onlyIf: headers, range: hasRange ? headers : undefined });
  } catch {
    // An unsatisfiable range makes R2 throw; HTTP says 416 with the size.
    const head = await c.var.services.images.head(key);
    if (!head) throw notFound('Image');
    return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${head.size}` } });
  }
  if (!object) throw notFound('Image');
  if (!('body' in object)) return bytesResponse(object, null, 304, cacheControl);
  return bytesResponse(object, (object as R2ObjectBody).body, hasRange ? 206 : 200, cacheControl);
}

async function servePublic(c: Context<AppEnv>, key: string): Promise<Response> {
  const plain = !c.req.raw.headers.has('Range') && !c.req.raw.headers.has('If-None-Match');
  if (!plain) return fromR2(c, key, publicCaching);
  const cache = caches.default;
  const cacheKey = new Request(new URL(c.req.url).origin + c.req.path);
  const cached = await cache.match(cacheKey);
  if (cached) return cached;
  const response = await fromR2(c, key, publicCaching);
  if (response.status === 200) c.executionCtx.waitUntil(cache.put(cacheKey, response.clone()));
  return response;
}

export const mediaRoutes = new Hono<AppEnv>()
  .use('*', provideServices)
  .get('/:file{(?:post|media)_[0-9a-fA-F]{32}_(?:thumbnail|display|original)\\.jpg}', async (c) => {
    const file = c.req.param('file');
    const separator = file.lastIndexOf('_');
    const imageName = file.slice(0, separator).toLowerCase();
    const size = file.slice(separator + 1, -'.jpg'.length) as VariantSize;
    // A signed URL names its viewer: across a block with them, a 404 (the signature is checked below).
    const viewerId = parsePublicId('user', c.req.query('viewer') ?? '') ?? undefined;
    const photo = await findMediaVisibility(c.var.services.db, imageName, viewerId);
    // A photo in a post is served once the post is ready; one not yet in a post, to its uploader only.
    if (!photo || photo.status !== 'ready' || (photo.postStatus !== null && photo.postStatus !== 'ready'))
      throw notFound('Image');

    const key = r2Keys.variant(imageName, size);
    if (photo.privacy === 'public') return servePublic(c, key);

    const signed = await verifyImageSignature(
      configFrom(c.env).JWT_SECRET,
      variantPath(imageName, size),
      c.req.query(),
    );
    if (!signed) throw notFound('Image');
    return fromR2(c, key, privateCaching);
  });

/** Profile photos: every photo has a name of its own, so its URL is immutable and public. */
export const avatarRoutes = new Hono<AppEnv>()
  .use('*', provideServices)
  .get('/:file{user_[0-9a-f]{32}_[0-9a-f]{8}\\.jpg}', (c) =>
    fromR2(c, `avatars/${c.req.param('file')}`, publicCaching),
  );
