import { neon, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';
import { resilientFetch } from './resilient-fetch';
import * as schema from './schema';

// One per isolate: the driver's fetch hook is process-wide, like its endpoint.
const fetchWithRetries = resilientFetch();

export type Db = ReturnType<typeof createDb>;

/**
 * The same driver everywhere: Neon's HTTP protocol. In dev and tests `fetchEndpoint` points at
 * the local dev database server; in production it is left to the driver, which talks to Neon.
 */
export function createDb(databaseUrl: string, fetchEndpoint: string) {
  if (fetchEndpoint) neonConfig.fetchEndpoint = fetchEndpoint;
  neonConfig.fetchFunction = fetchWithRetries;
  return drizzle({ client: neon(databaseUrl), schema, casing: 'snake_case' });
}

/** The Postgres error code behind a failed query (drizzle wraps the driver's error as its cause). */
export function postgresErrorOf(error: unknown): { code?: string; constraint?: string } | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ('code' in e && typeof e.code === 'string') return e as { code: string; constraint?: string };
  }
  return undefined;
}
