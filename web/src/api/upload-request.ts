import type { InferResponseType } from 'hono/client';
import { api, rotateTokens } from './client';
import { ApiError, offline } from './errors';
import { currentSession, refreshSession, type Session } from './session';

export type UploadAccepted = Extract<InferResponseType<typeof api.images.upload.$post, 202>, { success: true }>['data'];

export interface UploadFields {
  image: File;
  caption: string;
  altText: string;
  tags: string[];
  location: { latitude: number; longitude: number; name?: string } | null;
  privacy: 'public' | 'followers' | 'private';
}

function randomKey(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

function headersOf(xhr: XMLHttpRequest): Headers {
  const headers = new Headers();
  for (const line of xhr.getAllResponseHeaders().trim().split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0) headers.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return headers;
}

function sendOnce(
  url: string,
  body: FormData,
  session: Session,
  idempotencyKey: string,
  onProgress: (fraction: number) => void,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Authorization', `Bearer ${session.accessToken}`);
    xhr.setRequestHeader('Idempotency-Key', idempotencyKey);
    xhr.upload.addEventListener(
      'progress',
      (event) => event.lengthComputable && onProgress(event.loaded / event.total),
    );
    xhr.addEventListener('load', () =>
      resolve(new Response(xhr.responseText || null, { status: xhr.status, headers: headersOf(xhr) })),
    );
    xhr.addEventListener('error', () => reject(offline()));
    xhr.send(body);
  });
}

/**
 * Multipart upload through XMLHttpRequest, which (unlike fetch) reports upload progress. The
 * Idempotency-Key makes the retry after a token refresh safe: the server never creates twice.
 */
export async function uploadPhoto(
  fields: UploadFields,
  onProgress: (fraction: number) => void,
): Promise<UploadAccepted> {
  const body = new FormData();
  body.set('image', fields.image);
  if (fields.caption) body.set('caption', fields.caption);
  if (fields.altText) body.set('altText', fields.altText);
  if (fields.tags.length) body.set('tags', JSON.stringify(fields.tags));
  if (fields.location) body.set('location', JSON.stringify(fields.location));
  body.set('privacy', fields.privacy);

  const url = api.images.upload.$url().toString();
  const key = randomKey();
  let session = currentSession();
  if (!session) throw new ApiError(401, 'UNAUTHENTICATED', 'Not signed in');
  let response = await sendOnce(url, body, session, key, onProgress);
  if (response.status === 401) {
    session = await refreshSession(session, rotateTokens);
    if (session) response = await sendOnce(url, body, session, key, onProgress);
  }
  const parsed: unknown = await response
    .clone()
    .json()
    .catch(() => null);
  if (response.ok && typeof parsed === 'object' && parsed !== null && 'data' in parsed)
    return parsed.data as UploadAccepted;
  throw await ApiError.fromResponse(response, parsed);
}
