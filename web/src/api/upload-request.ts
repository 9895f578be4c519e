import type { InferResponseType } from 'hono/client';
import { api, rotateTokens } from './client';
import { ApiError, offline } from './errors';
import { currentSession, refreshSession, type Session } from './session';

export type MediaAccepted = Extract<InferResponseType<typeof api.media.$post, 202>, { success: true }>['data'];

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
  signal: AbortSignal,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    signal.addEventListener('abort', () => xhr.abort());
    xhr.addEventListener('abort', () => reject(new DOMException('Upload cancelled', 'AbortError')));
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
 * One photo for a post to come (`POST /media`), through XMLHttpRequest, which (unlike fetch)
 * reports upload progress. The Idempotency-Key makes the retry after a token refresh safe: the
 * server never stores the photo twice.
 */
export async function uploadMedia(
  image: File,
  onProgress: (fraction: number) => void,
  signal: AbortSignal,
): Promise<MediaAccepted> {
  const body = new FormData();
  body.set('image', image);
  const url = api.media.$url().toString();
  const key = randomKey();
  let session = currentSession();
  if (!session) throw new ApiError(401, 'UNAUTHENTICATED', 'Not signed in');
  let response = await sendOnce(url, body, session, key, onProgress, signal);
  if (response.status === 401) {
    session = await refreshSession(session, rotateTokens);
    if (session) response = await sendOnce(url, body, session, key, onProgress, signal);
  }
  const parsed: unknown = await response
    .clone()
    .json()
    .catch(() => null);
  if (response.ok && typeof parsed === 'object' && parsed !== null && 'data' in parsed)
    return parsed.data as MediaAccepted;
  throw await ApiError.fromResponse(response, parsed);
}
