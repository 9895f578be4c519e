import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** PGlite's files live beside wrangler's own local state, so one folder holds all dev data. */
export const pgliteDataDir = fileURLToPath(new URL('../.wrangler/state/postgres', import.meta.url));

/**
 * The connection string the Worker hands the Neon driver in dev and tests. The dev server ignores
 * it (it serves one database), but the driver insists on a well-formed one.
 */
export const localConnectionString = 'postgresql://lumen@localhost/lumen';
