/**
 * The typed API client: hono/client over the server's own route types (a type-only import, so
 * no server code is bundled). Paths, parameters and response shapes are checked by tsc against
 * the same zod schemas that validate requests, with nothing generated to keep in step.
 */
import { hc } from 'hono/client';
import type { ApiRoutes } from '../../../src/api/app';
import { ApiError, offline, type ResponseLike } from './errors';
import { currentSession, refreshSession, type Session } from './session';

export const apiBase = `${location.origin}/api/v1`;

async function send(input: RequestInfo | URL, init: RequestInit = {}, session: Session | null): Promise<Response> {
  const headers = new Headers(init.headers);
  if (session) headers.set('Authorization', `Bearer ${session.accessToken}`);
  try {
    return await fetch(input, { ...init, headers });
  } catch {
    throw offline();
  }
}

/** Unauthenticated calls, and the refresh call itself (which must not recurse into refreshing). */
export const publicApi = hc<ApiRoutes>(apiBase, {
  fetch: (input: RequestInfo | URL, init?: RequestInit) => send(input, init, null),
});

export async function rotateTokens(refreshToken: string): Promise<Session | null> {
  const response = await publicApi.auth.refresh.$post({ json: { refreshToken } }).catch(() => null);
  if (!response?.ok) return null;
  const { data } = await response.json();
  return data;
}

async function isExpired(response: Response): Promise<boolean> {
  if (response.status !== 401) return false;
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => null);
  return (body as { error?: { code?: string } } | null)?.error?.code === 'TOKEN_EXPIRED';
}

/** Sends the access token; when it has expired, refreshes once and repeats the request. */
export async function authorizedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const session = currentSession();
  const response = await send(input, init, session);
  if (!session || !(await isExpired(response))) return response;
  const renewed = await refreshSession(session, rotateTokens);
  return renewed ? send(input, init, renewed) : response;
}

export const api = hc<ApiRoutes>(apiBase, { fetch: authorizedFetch });

type BodyOf<R> = R extends { json(): Promise<infer B> } ? B : never;
export type DataOf<R> = Extract<BodyOf<R>, { success: true }> extends { data: infer D } ? D : never;

/** The `data` of a success envelope, or an ApiError carrying the status, code and Retry-After. */
export async function call<R extends ResponseLike>(request: Promise<R>): Promise<DataOf<R>> {
  const response = await request;
  const body = await response.json().catch(() => null);
  if (response.ok && typeof body === 'object' && body !== null && 'data' in body) return body.data as DataOf<R>;
  throw await ApiError.fromResponse(response, body);
}
