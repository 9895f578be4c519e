/**
 * `npm run dev`: the whole platform on one machine. Starts the dev database server (PGlite under
 * .wrangler/state, or the PostgreSQL in DATABASE_URL), applies migrations, then runs `wrangler dev`
 * with the API and processor Workers in one local runtime pointed at it, and stops everything
 * together on Ctrl-C.
 */
import { applyMigrations } from '../scripts/migrate.ts';
import { ensureDevVars, writeProcessorDevVars } from './dev-vars.ts';
import { startDbServer } from './db-server/server.ts';
import { localConnectionString, pgliteDataDir } from './paths.ts';
import { forgetRunningStack, writeRunningStack } from './running-stack.ts';
import { startWranglerDev } from './wrangler-dev.ts';
import { watchWeb } from '../web/build.ts';

const port = Number(process.env.PORT ?? 8787);

const { added } = ensureDevVars();
if (added.length) console.log(`Created local secrets in .dev.vars: ${added.join(', ')}`);

const db = await startDbServer({ databaseUrl: process.env.DATABASE_URL, dataDir: pgliteDataDir });
const applied = await applyMigrations({ databaseUrl: localConnectionString, fetchEndpoint: db.sqlEndpoint });
console.log(
  `Database: ${db.database.description}, ${applied.length ? `applied ${applied.length} migration(s)` : 'up to date'}`,
);

// The web app is built before wrangler serves web/dist, then rebuilt on every change.
const web = await watchWeb();
writeProcessorDevVars(db.sqlEndpoint);
const wrangler = await startWranglerDev({
  port,
  // A local push service (web-push-testing, or any on localhost) may receive Web Push here.
  vars: { NEON_HTTP_ENDPOINT: db.sqlEndpoint, PUSH_ENDPOINT_POLICY: 'public-or-loopback' },
  withProcessor: true,
  echo: true,
}).catch(async (error: unknown) => {
  console.error(String(error));
  await db.close();
  process.exit(1);
});
writeRunningStack({ url: wrangler.url, sqlEndpoint: db.sqlEndpoint });
console.log(`\n  Lumen is running at ${wrangler.url}  (API docs: ${wrangler.url}/api/v1/docs)\n`);

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  forgetRunningStack();
  wrangler.stop();
  await web.dispose();
  await db.close();
  process.exit(code);
}
void wrangler.exited.then((code) => shutdown(code));
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
