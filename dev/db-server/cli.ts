/**
 * `npm run db:server`: the dev database server on its own, for tools that want it without wrangler.
 *   --port N     (default 5480)     --memory     keep nothing on disk
 * DATABASE_URL, when set, names a real PostgreSQL to serve instead of PGlite.
 */
import { parseArgs } from 'node:util';
import { applyMigrations } from '../../scripts/migrate.ts';
import { localConnectionString, pgliteDataDir } from '../paths.ts';
import { startDbServer } from './server.ts';

const { values } = parseArgs({ options: { port: { type: 'string', default: '5480' }, memory: { type: 'boolean' } } });
const server = await startDbServer({
  port: Number(values.port),
  databaseUrl: process.env.DATABASE_URL,
  dataDir: values.memory ? 'memory://' : pgliteDataDir,
});
await applyMigrations({ databaseUrl: localConnectionString, fetchEndpoint: server.sqlEndpoint });
console.log(`${server.database.description} answering Neon HTTP queries at ${server.sqlEndpoint}`);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
