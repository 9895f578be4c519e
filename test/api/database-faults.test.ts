/**
 * A dropped database connection is not a 500: reads are repeated, and what cannot be repeated
 * safely is answered 503 with Retry-After, having changed nothing.
 */
import { env } from 'cloudflare:workers';
import { createExecutionContext } from 'cloudflare:test';
import { neon, neonConfig } from '@neondatabase/serverless';
import { afterEach, describe, expect, it } from 'vitest';
import worker from '../../src/api';
import { isReadStatement, isTransientDatabaseError, resilientFetch } from '../../src/db/resilient-fetch';
import { callJson, uniqueClientIp } from '../helpers/api';

/** Fails the first `drops` requests as workerd does when a pooled connection was closed under it. */
function droppingFetch(drops: number) {
  const seen: string[] = [];
  const fetchFunction = async (input: RequestInfo | URL, init?: RequestInit) => {
    seen.push(typeof init?.body === 'string' ? init.body : '');
    if (seen.length <= drops) throw new Error('Network connection lost.');
    return fetch(input, init);
  };
  return { fetchFunction, seen };
}

const realFetchFunction: unknown = neonConfig.fetchFunction;
afterEach(() => {
  neonConfig.fetchFunction = realFetchFunction;
  neonConfig.fetchEndpoint = env.NEON_HTTP_ENDPOINT;
});

describe('which statements are safe to repeat', () => {
  it.each([
    ['SELECT 1', true],
    ['  select * from users where id = $1', true],
    ['WITH t AS (SELECT 1) SELECT * FROM t', true],
    ['SELECT * FROM posts FOR UPDATE', false],
    ['WITH moved AS (DELETE FROM likes RETURNING *) SELECT count(*) FROM moved', false],
    ['INSERT INTO likes VALUES ($1, $2)', false],
    ['UPDATE posts SET likes_count = likes_count + 1', false],
  ])('%s → %s', (query, safe) => {
    expect(isReadStatement(query)).toBe(safe);
  });
});

describe('the driver over a connection that drops', () => {
  it('repeats a read and answers from the real database', async () => {
    const flaky = droppingFetch(2);
    neonConfig.fetchEndpoint = env.NEON_HTTP_ENDPOINT;
    neonConfig.fetchFunction = resilientFetch(flaky.fetchFunction);
    const rows = await neon(env.DATABASE_URL)`SELECT 41 + 1 AS answer`;
    expect(rows).toEqual([{ answer: 42 }]);
    expect(flaky.seen).toHaveLength(3);
  });

  it('does not repeat a write, and reports the failure as transient', async () => {
    const table = `fault_probe_${crypto.randomUUID().replaceAll('-', '')}`;
    const flaky = droppingFetch(1);
    neonConfig.fetchEndpoint = env.NEON_HTTP_ENDPOINT;
    neonConfig.fetchFunction = resilientFetch(flaky.fetchFunction);
    const sql = neon(env.DATABASE_URL);
    const failure = await sql.query(`CREATE TABLE ${table} (id int)`).catch((error: unknown) => error);
    expect(isTransientDatabaseError(failure)).toBe(true);
    expect(flaky.seen).toHaveLength(1);
    neonConfig.fetchFunction = realFetchFunction;
    const exists = await sql`SELECT to_regclass(${table}) IS NOT NULL AS exists`;
    expect(exists).toEqual([{ exists: false }]);
  });

  it('a statement the database refuses is not mistaken for a dropped connection', async () => {
    const failure = await neon(env.DATABASE_URL)`SELECT * FROM no_such_table`.catch((error: unknown) => error);
    expect(isTransientDatabaseError(failure)).toBe(false);
  });
});

describe('a write while the database is unreachable', () => {
  it('answers 503 SERVICE_UNAVAILABLE with Retry-After, and the account does not exist afterwards', async () => {
    const username = `fault_${crypto.randomUUID().slice(0, 8)}`;
    const unreachable = { ...env, NEON_HTTP_ENDPOINT: 'http://127.0.0.1:9/sql' };
    const response = await worker.fetch(
      new Request('http://lumen.test/api/v1/auth/register', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, email: `${username}@example.com`, password: 'correct horse battery' }),
      }),
      unreachable,
      createExecutionContext(),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toBe('1');
    const body = await response.json<{ error: { code: string } }>();
    expect(body.error.code).toBe('SERVICE_UNAVAILABLE');

    // Back on the real database (the endpoint is process-wide): the name is still free.
    neonConfig.fetchEndpoint = env.NEON_HTTP_ENDPOINT;
    const again = await callJson('/api/v1/auth/register', {
      method: 'POST',
      ip: uniqueClientIp(),
      json: { username, email: `${username}@example.com`, password: 'correct horse battery' },
    });
    expect(again.status).toBe(201);
  });
});
