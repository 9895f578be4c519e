import { exports } from 'cloudflare:workers';

export const origin = 'http://lumen.test';

/** A client address of its own for each caller, so per-IP rate limits never couple tests. */
export function uniqueClientIp(): string {
  const word = () => Math.floor(Math.random() * 0x10000).toString(16);
  return `2001:db8::${word()}:${word()}:${word()}`; // the documentation prefix: never a real host
}

export interface CallOptions {
  method?: string;
  token?: string;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
  ip?: string;
}

/** Calls the API Worker through its real fetch handler, as an HTTP client would. */
export async function call(path: string, options: CallOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  headers.set('CF-Connecting-IP', options.ip ?? uniqueClientIp());
  if (options.token) headers.set('Authorization', `Bearer ${options.token}`);
  let body = options.body;
  if (options.json !== undefined) {
    headers.set('Content-Type', 'application/json');
    body = JSON.stringify(options.json);
  }
  const method = options.method ?? (body === undefined ? 'GET' : 'POST');
  return exports.default.fetch(new Request(`${origin}${path}`, { method, headers, body }));
}

export interface Envelope<T = Record<string, unknown>> {
  success: boolean;
  data: T;
  error: { code: string; message: string; details?: unknown; requestId?: string };
}

export async function callJson<T = Record<string, unknown>>(path: string, options: CallOptions = {}) {
  const response = await call(path, options);
  const body = await response.json<Envelope<T>>();
  return { status: response.status, headers: response.headers, body };
}
