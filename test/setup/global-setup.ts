/**
 * Starts the dev database server for the test run (Node side) and hands its endpoint to the
 * Workers under test. A fresh in-memory PGlite by default; the PostgreSQL in DATABASE_URL when
 * set (CI runs the suite both ways, which is what keeps the dev server honest).
 */
import type { TestProject } from 'vitest/node';
import { startDbServer } from '../../dev/db-server/server.ts';
import { localConnectionString } from '../../dev/paths.ts';
import { applyMigrations } from '../../scripts/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dbEndpoint: string;
    dbDescription: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await startDbServer({ databaseUrl: process.env.DATABASE_URL });
  await applyMigrations({ databaseUrl: localConnectionString, fetchEndpoint: server.sqlEndpoint });
  console.log(`Test database: ${server.database.description} at ${server.sqlEndpoint}`);
  project.provide('dbEndpoint', server.sqlEndpoint);
  project.provide('dbDescription', server.database.description);
  return () => server.close();
}
