/**
 * The Neon driver's HTTP requests, retried when that is safe.
 *
 * Neon's SQL-over-HTTP endpoint (and the local dev server) can drop a connection or answer with a
 * gateway error; the driver then throws `Error connecting to database: …` or `Server error (HTTP
 * status 5xx)`. Whether the statement ran is unknown at that point, so only what is safe to run
 * twice is repeated: reads, and batches the driver marks read-only. A write that fails this way is
 * answered 503 with `Retry-After` by the error handler (`isTransientDatabaseError`), never 500,
 * and never silently applied twice.
 */

const maxAttempts = 3;
const backoffMs = [25, 100];

type Fetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

interface SqlBody {
  query?: unknown;
  queries?: { query?: unknown }[];
}

const readStatement = /^\s*(select|show|explain|values)\b/i;
const writeInside = /\b(insert|update|delete|merge|truncate|for\s+(update|share|no\s+key\s+update|key\s+share))\b/i;
const readOnlyWith = /^\s*with\b/i;

/** A statement that changes nothing when run twice: a plain read (a CTE counts if nothing in it writes). */
export function isReadStatement(query: string): boolean {
  if (readStatement.test(query)) return !writeInside.test(query);
  return readOnlyWith.test(query) && !writeInside.test(query);
}

function isSafeToRepeat(init: RequestInit | undefined): boolean {
  if (typeof init?.body !== 'string') return false;
  const headers = new Headers(init.headers);
  if (headers.get('Neon-Batch-Read-Only') === 'true') return true;
  let body: SqlBody;
  try {
    body = JSON.parse(init.body) as SqlBody;
  } catch {
    return false;
  }
  const statements = Array.isArray(body.queries) ? body.queries.map((q) => q.query) : [body.query];
  return statements.length > 0 && statements.every((query) => typeof query === 'string' && isReadStatement(query));
}

/** A gateway's answer that says "not now", not "your statement failed" (those are 400s). */
const isTransientStatus = (status: number) => status === 502 || status === 503 || status === 504;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function resilientFetch(base: Fetch = (input, init) => fetch(input, init)): Fetch {
  return async function fetchWithRetries(input, init) {
    const attempts = isSafeToRepeat(init) ? maxAttempts : 1;
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= attempts;
      try {
        const response = await base(input, init);
        if (last || !isTransientStatus(response.status)) return response;
        await response.body?.cancel();
      } catch (error) {
        if (last) throw error;
      }
      await pause(backoffMs[attempt - 1] ?? 100);
    }
  };
}

/** A database failure that is the connection's fault, not the statement's: worth a retry later. */
export function isTransientDatabaseError(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (
      e.name === 'NeonDbError' &&
      /^(Error connecting to database|Server error \(HTTP status 5\d\d\))/.test(e.message)
    )
      return true;
  }
  return false;
}
