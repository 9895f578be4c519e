/**
 * Applies the SQL migrations in `migrations/` through the Neon HTTP driver: against Neon in
 * production (`DATABASE_URL`), and against the local dev server when `NEON_HTTP_ENDPOINT` names it.
 * Each migration runs as one transaction together with its journal row, so a failure leaves
 * nothing half-applied. The journal is drizzle's own table, so `drizzle-kit` sees the same history.
 */
import { fileURLToPath } from 'node:url';
import { neon, neonConfig } from '@neondatabase/serverless';
import { readMigrationFiles } from 'drizzle-orm/migrator';

const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));
// Any fixed number: it only has to be the same for every migrator, so two never interleave.
const migrationLockKey = 7_340_112;

export interface MigrateOptions {
  databaseUrl: string;
  /** The SQL-over-HTTP endpoint; Neon's own when absent. */
  fetchEndpoint?: string;
  /** Stop after the migration whose journal `when` is this (tests build a database as it once was). */
  through?: number;
}

export async function applyMigrations({ databaseUrl, fetchEndpoint, through }: MigrateOptions): Promise<string[]> {
  if (fetchEndpoint) neonConfig.fetchEndpoint = fetchEndpoint;
  const sql = neon(databaseUrl);
  await sql.transaction([
    sql`CREATE SCHEMA IF NOT EXISTS drizzle`,
    sql`CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`,
  ]);
  const applied = new Set((await sql`SELECT hash FROM drizzle.__drizzle_migrations`).map((row) => String(row.hash)));

  const names: string[] = [];
  for (const migration of readMigrationFiles({ migrationsFolder })) {
    if (through !== undefined && migration.folderMillis > through) break;
    if (applied.has(migration.hash)) continue;
    await sql.transaction([
      sql`SELECT pg_advisory_xact_lock(${migrationLockKey})`,
      ...migration.sql.filter((statement) => statement.trim() !== '').map((statement) => sql.query(statement)),
      sql`INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES (${migration.hash}, ${migration.folderMillis})`,
    ]);
    names.push(new Date(migration.folderMillis).toISOString());
  }
  return names;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error('Set DATABASE_URL to the database to migrate (for Neon: its pooled connection string).');
    process.exit(1);
  }
  const applied = await applyMigrations({ databaseUrl, fetchEndpoint: process.env.NEON_HTTP_ENDPOINT });
  console.log(applied.length ? `Applied ${applied.length} migration(s).` : 'Database is up to date.');
}
