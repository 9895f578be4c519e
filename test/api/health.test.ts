import { env } from 'cloudflare:workers';
import { createExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../src/api';
import { callJson } from '../helpers/api';

describe('GET /api/v1/health', () => {
  it('reports ok when the database answers', async () => {
    const { status, body } = await callJson('/api/v1/health');
    expect(status).toBe(200);
    expect(body).toEqual({ success: true, data: { status: 'ok', db: 'ok' } });
  });

  it('answers 503 when the database does not answer', async () => {
    // Port 9 (discard) on loopback: nothing listens, so the connection is refused at once.
    const unreachable = { ...env, NEON_HTTP_ENDPOINT: 'http://127.0.0.1:9/sql' };
    try {
      const response = await worker.fetch(
        new Request('http://lumen.test/api/v1/health'),
        unreachable,
        createExecutionContext(),
      );
      expect(response.status).toBe(503);
      const body = await response.json<{ error: { code: string; details: unknown } }>();
      expect(body.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { db: 'unreachable' } });
    } finally {
      // The driver's endpoint is process-wide: put the real one back for the tests that follow.
      await worker.fetch(new Request('http://lumen.test/api/v1/health'), env, createExecutionContext());
    }
  });
});
