/**
 * The dev database server must answer the Neon driver as Neon does, or code that passes here would
 * fail in production. These tests speak to it through the real driver, from inside workerd,
 * exactly as the Worker does; CI runs them on PGlite and on a real PostgreSQL.
 */
import { env } from 'cloudflare:workers';
import { neon, neonConfig, type NeonQueryFunction } from '@neondatabase/serverless';
import { beforeAll, describe, expect, it } from 'vitest';

let sql: NeonQueryFunction<false, false>;
const table = `fidelity_${crypto.randomUUID().replaceAll('-', '')}`;

beforeAll(async () => {
  neonConfig.fetchEndpoint = env.NEON_HTTP_ENDPOINT;
  sql = neon(env.DATABASE_URL);
  await sql.query(
    `CREATE TABLE ${table} (id int PRIMARY KEY, label text UNIQUE, amount numeric(12,2) CHECK (amount >= 0))`,
  );
});

async function one<T>(query: Promise<Record<string, unknown>[]>): Promise<T> {
  const [row] = await query;
  return row as T;
}

describe('values round-trip with their Postgres types', () => {
  it('returns timestamptz as a Date at the same instant, whatever zone it was written in', async () => {
    const row = await one<{ t: Date }>(sql`SELECT '2024-01-20 19:45:00+01'::timestamptz AS t`);
    expect(row.t).toBeInstanceOf(Date);
    expect(row.t.toISOString()).toBe('2024-01-20T18:45:00.000Z');
  });

  it('keeps microseconds in the text of a timestamp, and the session in UTC', async () => {
    const row = await one<{ text: string; zone: string }>(
      sql`SELECT '2024-01-20 18:45:00.123456+00'::timestamptz::text AS text, current_setting('TimeZone') AS zone`,
    );
    expect(row.text).toBe('2024-01-20 18:45:00.123456+00');
    expect(['UTC', 'Etc/UTC', 'GMT']).toContain(row.zone);
  });

  it('returns numeric as exact text and int8 as a string, losing no digits', async () => {
    const row = await one<{ n: string; big: string; i: number; f: number }>(
      sql`SELECT 12345678901234567890.123456789::numeric AS n, 9007199254740993::int8 AS big, 42::int4 AS i, 0.5::float8 AS f`,
    );
    expect(row).toEqual({ n: '12345678901234567890.123456789', big: '9007199254740993', i: 42, f: 0.5 });
  });

  it('returns booleans, nulls and typed nulls as JavaScript values', async () => {
    const row = await one(sql`SELECT true AS t, false AS f, NULL AS n, NULL::int AS ni, NULL::timestamptz AS nt`);
    expect(row).toEqual({ t: true, f: false, n: null, ni: null, nt: null });
  });

  it('returns arrays with quotes, commas, NULLs and unicode intact', async () => {
    const tags = ['plain', 'with,comma', 'with "quote"', 'back\\slash', 'été 📸', ''];
    const row = await one<{ tags: string[]; ints: (number | null)[] }>(
      sql`SELECT ${tags}::text[] AS tags, ARRAY[1, NULL, 3]::int[] AS ints`,
    );
    expect(row.tags).toEqual(tags);
    expect(row.ints).toEqual([1, null, 3]);
  });

  it('returns json and jsonb parsed, and accepts objects as parameters', async () => {
    const doc = { a: 1, nested: { list: [true, null, 'x'] }, emoji: '🌅' };
    const row = await one<{ j: unknown; jb: unknown }>(
      sql`SELECT ${JSON.stringify(doc)}::json AS j, ${doc}::jsonb AS jb`,
    );
    expect(row.j).toEqual(doc);
    expect(row.jb).toEqual(doc);
  });

  it('round-trips unicode text byte for byte (emoji, combining marks, right-to-left, NUL-free control)', async () => {
    const text = 'Ça va? 👩🏽‍💻 e\u0301 שלום \u0007 𝔘𝔫𝔦𝔠𝔬𝔡𝔢';
    const row = await one<{ t: string; len: number }>(sql`SELECT ${text}::text AS t, char_length(${text}) AS len`);
    expect(row.t).toBe(text);
    expect(row.len).toBe([...text].length);
  });

  it('round-trips bytea', async () => {
    const bytes = new Uint8Array([0, 1, 2, 254, 255]);
    const row = await one<{ b: Uint8Array }>(sql`SELECT ${bytes}::bytea AS b`);
    expect([...row.b]).toEqual([...bytes]);
  });

  it('returns uuid and dates as text the driver understands', async () => {
    const row = await one<{ u: string; d: Date | string }>(
      sql`SELECT '0190b7a1-c2d3-4e5f-8a9b-0c1d2e3f4a5b'::uuid AS u, '2024-02-29'::date AS d`,
    );
    expect(row.u).toBe('0190b7a1-c2d3-4e5f-8a9b-0c1d2e3f4a5b');
    expect(row.d instanceof Date ? row.d.toISOString().slice(0, 10) : row.d).toBe('2024-02-29');
  });
});

describe('result shapes', () => {
  it('answers in array mode with full results: rows as arrays, fields with type ids, command and rowCount', async () => {
    const arrays = neon(env.DATABASE_URL, { arrayMode: true, fullResults: true });
    const result = await arrays`SELECT 1::int4 AS one, 'x'::text AS two UNION ALL SELECT 2, 'y'`;
    expect(result.rows).toEqual([
      [1, 'x'],
      [2, 'y'],
    ]);
    expect(result.fields.map((f) => [f.name, f.dataTypeID])).toEqual([
      ['one', 23],
      ['two', 25],
    ]);
    expect(result.command).toBe('SELECT');
    expect(result.rowCount).toBe(2);
  });

  it('reports the affected row count of writes', async () => {
    const full = neon(env.DATABASE_URL, { fullResults: true });
    const result = await full.query(`INSERT INTO ${table} (id, label) VALUES (1001, 'rc1'), (1002, 'rc2')`);
    expect(result.command).toBe('INSERT');
    expect(result.rowCount).toBe(2);
  });

  it('answers raw requests without array mode with rows as objects, and JSON-typed values without raw text', async () => {
    const response = await fetch(env.NEON_HTTP_ENDPOINT, {
      method: 'POST',
      headers: { 'Neon-Connection-String': env.DATABASE_URL },
      body: JSON.stringify({ query: 'SELECT 7::int AS n, true AS b, $1::text AS s', params: ['hi'] }),
    });
    const body = await response.json<{ rows: unknown[]; rowAsArray: boolean }>();
    expect(body.rowAsArray).toBe(false);
    expect(body.rows).toEqual([{ n: 7, b: true, s: 'hi' }]);
  });

  it('refuses a request without a connection string, as Neon does', async () => {
    const response = await fetch(env.NEON_HTTP_ENDPOINT, {
      method: 'POST',
      body: JSON.stringify({ query: 'SELECT 1' }),
    });
    expect(response.status).toBe(400);
  });

  it('runs one statement per query: two statements in one query are an error, not both run', async () => {
    await expect(sql.query(`SELECT 1; DROP TABLE ${table}`)).rejects.toThrow();
    await expect(sql.query(`SELECT count(*) FROM ${table}`)).resolves.toBeDefined();
  });
});

describe('Postgres errors arrive as Neon sends them', () => {
  it('gives a unique violation its code, constraint, table and detail', async () => {
    await sql.query(`INSERT INTO ${table} (id, label) VALUES (1, 'dup')`);
    const error = await sql.query(`INSERT INTO ${table} (id, label) VALUES (2, 'dup')`).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'NeonDbError',
      code: '23505',
      severity: 'ERROR',
      table,
      constraint: `${table}_label_key`,
      detail: 'Key (label)=(dup) already exists.',
    });
  });

  it('gives a syntax error its code and the position of the fault', async () => {
    const error = await sql.query('SELECT * FORM users').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '42601', position: '10' });
  });

  it('reports an unknown table as 42P01 and a check violation as 23514', async () => {
    await expect(sql.query('SELECT * FROM no_such_table_here')).rejects.toMatchObject({ code: '42P01' });
    await expect(sql.query(`INSERT INTO ${table} (id, amount) VALUES (3, -1)`)).rejects.toMatchObject({
      code: '23514',
      constraint: `${table}_amount_check`,
    });
  });

  it('reports a bad parameter as 22P02 (invalid text representation)', async () => {
    await expect(sql`SELECT ${'not a number'}::int`).rejects.toMatchObject({ code: '22P02' });
  });
});

describe('transactions (batched queries)', () => {
  it('commits every statement of a successful batch and returns each result', async () => {
    const [, , count] = await sql.transaction([
      sql.query(`INSERT INTO ${table} (id, label) VALUES (10, 'b10')`),
      sql.query(`INSERT INTO ${table} (id, label) VALUES (11, 'b11')`),
      sql.query(`SELECT count(*)::int AS n FROM ${table} WHERE id IN (10, 11)`),
    ]);
    expect(count).toEqual([{ n: 2 }]);
  });

  it('rolls back the whole batch when one statement fails', async () => {
    const failing = sql.transaction([
      sql.query(`INSERT INTO ${table} (id, label) VALUES (20, 'b20')`),
      sql.query(`UPDATE ${table} SET label = 'touched' WHERE id = 10`),
      sql.query(`INSERT INTO ${table} (id, label) VALUES (20, 'again')`),
    ]);
    await expect(failing).rejects.toMatchObject({ code: '23505' });
    expect(await sql.query(`SELECT id FROM ${table} WHERE id = 20`)).toEqual([]);
    expect(await sql.query(`SELECT label FROM ${table} WHERE id = 10`)).toEqual([{ label: 'b10' }]);
  });

  it('applies the isolation level, read-only and deferrable options the driver sends', async () => {
    const settings = (await sql.transaction(
      [sql`SHOW transaction_isolation`, sql`SHOW transaction_read_only`, sql`SHOW transaction_deferrable`],
      { isolationLevel: 'Serializable', readOnly: true, deferrable: true },
    )) as Record<string, string>[][];
    expect(settings.map((rows) => Object.values(rows[0] ?? {})[0])).toEqual(['serializable', 'on', 'on']);

    const [rows] = (await sql.transaction([sql`SHOW transaction_isolation`], {
      isolationLevel: 'RepeatableRead',
    })) as Record<string, string>[][];
    expect(rows?.[0]?.transaction_isolation).toBe('repeatable read');
  });

  it('refuses writes in a read-only batch with 25006', async () => {
    const write = sql.transaction([sql.query(`INSERT INTO ${table} (id) VALUES (30)`)], { readOnly: true });
    await expect(write).rejects.toMatchObject({ code: '25006' });
  });

  it('keeps serving after a failed batch (the connection is not left inside a transaction)', async () => {
    await sql.transaction([sql`SELECT 1/0`]).catch(() => undefined);
    expect(await sql`SELECT 1 AS ok`).toEqual([{ ok: 1 }]);
  });
});
