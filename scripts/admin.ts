/**
 * `npm run admin -- role <username> <user|moderator|admin>`: the operator's tool; there is no API
 * to become a moderator. It finds the database the way the rest of the project does:
 *   - `npm run dev` running: its dev database server (dev/running-stack.ts records where);
 *   - DATABASE_URL set: that database (Neon over HTTP; any other PostgreSQL through the dev server);
 *   - otherwise the PGlite folder `npm run dev` left under .wrangler/state/postgres.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { neon, neonConfig } from '@neondatabase/serverless';
import { startDbServer } from '../dev/db-server/server.ts';
import { localConnectionString, pgliteDataDir } from '../dev/paths.ts';
import { runningStack } from '../dev/running-stack.ts';
import { userRoles, type UserRole } from '../src/db/schema/users.ts';
import { applyMigrations } from './migrate.ts';

const usage = 'usage: npm run admin -- role <username> <user|moderator|admin>';

interface Connection {
  describe: string;
  query(text: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

function viaHttp(databaseUrl: string, fetchEndpoint: string | undefined, describe: string): Connection {
  if (fetchEndpoint) neonConfig.fetchEndpoint = fetchEndpoint;
  const sql = neon(databaseUrl);
  return { describe, query: (text, params) => sql.query(text, params), close: async () => {} };
}

/** Serves the database through the dev server for the length of the command, migrated first. */
async function viaDevServer(
  options: { databaseUrl?: string; dataDir?: string },
  describe: string,
): Promise<Connection> {
  const server = await startDbServer(options);
  await applyMigrations({ databaseUrl: localConnectionString, fetchEndpoint: server.sqlEndpoint });
  return { ...viaHttp(localConnectionString, server.sqlEndpoint, describe), close: () => server.close() };
}

async function connect(): Promise<Connection> {
  const stack = runningStack();
  if (stack) return viaHttp(localConnectionString, stack.sqlEndpoint, `the running npm run dev (${stack.url})`);
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const host = new URL(databaseUrl).hostname;
    if (process.env.NEON_HTTP_ENDPOINT || host.endsWith('.neon.tech')) {
      return viaHttp(databaseUrl, process.env.NEON_HTTP_ENDPOINT, `DATABASE_URL (${host})`);
    }
    return viaDevServer({ databaseUrl }, `DATABASE_URL (${host})`);
  }
  if (existsSync(pgliteDataDir)) return viaDevServer({ dataDir: pgliteDataDir }, `the dev database (${pgliteDataDir})`);
  throw new Error('No database found: run `npm run dev` once, or set DATABASE_URL.');
}

export async function setRole(connection: Connection, username: string, role: UserRole): Promise<boolean> {
  const rows = await connection.query(
    'update users set role = $2, updated_at = now() where lower(username) = lower($1) returning id',
    [username, role],
  );
  return rows.length > 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, username, role] = process.argv.slice(2);
  if (command !== 'role' || !username || !userRoles.includes(role as UserRole)) {
    console.error(usage);
    process.exit(2);
  }
  const connection = await connect().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
  try {
    const changed = await setRole(connection, username, role as UserRole);
    console.log(
      changed
        ? `${username} is now ${role} (in ${connection.describe}).`
        : `No user named ${username} in ${connection.describe}.`,
    );
    process.exitCode = changed ? 0 : 1;
  } finally {
    await connection.close();
  }
}
