import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app';
import { call, callJson } from '../helpers/api';

describe('the API’s conventions', () => {
  it('answers an unknown route with a JSON 404 in the error envelope', async () => {
    const { status, body, headers } = await callJson('/api/v1/no-such-thing');
    expect(status).toBe(404);
    expect(body).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    expect(headers.get('Content-Type')).toContain('application/json');
  });

  it('answers a known route with the wrong method with 405 and an Allow header', async () => {
    const { status, body, headers } = await callJson('/api/v1/auth/login', { method: 'GET' });
    expect(status).toBe(405);
    expect(body.error.code).toBe('METHOD_NOT_ALLOWED');
    expect(headers.get('Allow')).toBe('POST');
  });

  it('answers 405 for a path with parameters too', async () => {
    const { status, headers } = await callJson(`/api/v1/users/user_${'1'.repeat(32)}`, { method: 'DELETE' });
    expect(status).toBe(405);
    expect(headers.get('Allow')).toContain('GET');
  });

  it('puts an X-Request-Id on every response, and the same id in error bodies', async () => {
    const ok = await call('/api/v1/health');
    expect(ok.headers.get('X-Request-Id')).toMatch(/\S{8,}/);
    const { headers, body } = await callJson('/api/v1/nope');
    expect(body.error.requestId).toBe(headers.get('X-Request-Id'));
  });

  it('keeps a well-formed X-Request-Id sent by the client, for tracing across services', async () => {
    const response = await call('/api/v1/health', { headers: { 'X-Request-Id': 'trace-abc-123' } });
    expect(response.headers.get('X-Request-Id')).toBe('trace-abc-123');
  });

  it('hides the cause of an unexpected error behind a 500 INTERNAL with the request id', async () => {
    const app = createApp();
    app.get('/explode', () => {
      throw new Error('relation "users" does not exist at SELECT password_hash FROM users');
    });
    const response = await app.request('/explode', {}, {});
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toMatchObject({ success: false, error: { code: 'INTERNAL' } });
    expect(text).not.toMatch(/password_hash|SELECT|relation|at /);
    expect(JSON.parse(text).error.requestId).toBe(response.headers.get('X-Request-Id'));
  });
});

describe('GET /api/v1/openapi.json and /docs', () => {
  it('describes every route of the API in OpenAPI 3.1', async () => {
    const response = await call('/api/v1/openapi.json');
    const doc = await response.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toBe('3.1.0');
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((m) => `${m.toUpperCase()} /api/v1${path.replace(/\{(\w+)\}/g, ':$1')}`),
      ),
    );
    const served = createApp()
      .routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/v1/'))
      .filter((r) => !['/api/v1/openapi.json', '/api/v1/docs'].includes(r.path))
      .map((r) => `${r.method} ${r.path}`);
    expect(served.length).toBeGreaterThan(5);
    for (const route of served) expect(documented).toContain(route);
  });

  it('renders a readable HTML reference that lists the routes', async () => {
    const response = await call('/api/v1/docs');
    expect(response.headers.get('Content-Type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('/auth/register');
    expect(html).toContain('/users/{userId}');
    expect(html).not.toMatch(/<script/i);
  });
});

describe('GET /api/v1/instance', () => {
  it('publishes the limits the validators enforce', async () => {
    const { body } = await callJson<{ limits: { jsonBodyBytes: number; bio: { max: number } } }>('/api/v1/instance');
    expect(body.data.limits.jsonBodyBytes).toBe(65536);
    expect(body.data.limits.bio.max).toBe(150);
  });
});
