/**
 * `npm run dev`: the whole platform on one machine. Starts the dev database server (PGlite under
 * .wrangler/state, or the PostgreSQL in DATABASE_URL), applies migrations, then runs `wrangler dev`
 * pointed at it, and stops everything together on Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { ensureDevVars } from './dev-vars.ts';
import { startDbServer } from './db-server/server.ts';
import { localConnectionString, pgliteDataDir, projectRoot } from './paths.ts';
import { applyMigrations } from '../scripts/migrate.ts';

const port = process.env.PORT ?? '8787';

const { added } = ensureDevVars();
if (added.length) console.log(`Created local secrets in .dev.vars: ${added.join(', ')}`);

const db = await startDbServer({ databaseUrl: process.env.DATABASE_URL, dataDir: pgliteDataDir });
const applied = await applyMigrations({ databaseUrl: localConnectionString, fetchEndpoint: db.sqlEndpoint });
console.log(`Database: ${db.database.description}, ${applied.length ? `applied ${applied.length} migration(s)` : 'up to date'}`);

const wrangler = spawn(
  'npx',
  ['wrangler', 'dev', '--port', port, '--var', `NEON_HTTP_ENDPOINT:${db.sqlEndpoint}`, '--show-interactive-dev-session=false'],
  { cwd: projectRoot, stdio: ['inherit', 'pipe', 'inherit'], env: { ...process.env, DATABASE_URL: undefined } },
);

let announced = false;
wrangler.stdout.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk);
  if (!announced && chunk.toString().includes('Ready on')) {
    announced = true;
    console.log(`\n  Lumen is running at http://localhost:${port}  (API docs: http://localhost:${port}/api/v1/docs)\n`);
  }
});

async function shutdown(code: number) {
  wrangler.kill('SIGTERM');
  await db.close();
  process.exit(code);
}
wrangler.on('exit', (code) => void shutdown(code ?? 0));
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
