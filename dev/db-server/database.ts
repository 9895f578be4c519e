/**
 * The Postgres behind the dev server: PGlite (real Postgres compiled to WASM, in this process) by
 * default, or the server named by a `postgres://` URL. Both are reached through node-postgres
 * (PGlite through its node-postgres adapter), so every query takes the same path either way.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';

export interface DatabaseOptions {
  /** A PostgreSQL connection URL; when absent, PGlite is used. */
  databaseUrl?: string;
  /** Where PGlite keeps its files; `memory://` (the default) keeps nothing. */
  dataDir?: string;
}

export interface Database {
  pool: pg.Pool;
  description: string;
  close(): Promise<void>;
}

// Neon's endpoint answers with each value's Postgres text form and leaves parsing to the driver,
// so node-postgres must hand every value over untouched.
const rawText = { getTypeParser: () => (value: string) => value };

// Neon sessions run in UTC; timestamptz text must look the same here whatever the host's zone.
const utc = "SET TIME ZONE 'UTC'";

async function openPglite(dataDir: string): Promise<Database> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir, { extensions: { pg_trgm, unaccent } });
  await pglite.exec(utc);
  // PGlite is one backend: a pool of one makes concurrent requests queue instead of interleave.
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1, types: rawText });
  return {
    pool,
    description: dataDir.startsWith('memory://') ? 'PGlite (in memory)' : `PGlite (${dataDir})`,
    async close() {
      await pool.end();
      await pglite.close();
    },
  };
}

function openPostgres(databaseUrl: string): Database {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10, types: rawText, options: '-c TimeZone=UTC' });
  const url = new URL(databaseUrl);
  return {
    pool,
    description: `PostgreSQL (${url.host}${url.pathname})`,
    close: () => pool.end(),
  };
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPglite(options.dataDir ?? 'memory://');
}
