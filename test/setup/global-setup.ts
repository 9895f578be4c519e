/**
 * Starts what the tests need outside workerd and hands its addresses to them: the dev database
 * server (a fresh in-memory PGlite by default; the PostgreSQL in DATABASE_URL when set — CI runs
 * the suite both ways, which is what keeps the dev server honest), the photo corpus server, a
 * Web Push service (web-push-testing, dev/push-service.ts), sharp as an independent image checker
 * (image-checker.ts), and the processor Worker's bundle.
 */
import type { TestProject } from 'vitest/node';
import { buildProcessor } from '../../dev/build-processor.ts';
import { startDbServer } from '../../dev/db-server/server.ts';
import { localConnectionString } from '../../dev/paths.ts';
import { startPushService } from '../../dev/push-service.ts';
import { applyMigrations } from '../../scripts/migrate.ts';
import { startCorpusServer } from './corpus-server.ts';
import { startImageChecker } from './image-checker.ts';
import { beforeMediaMigration, seedLegacyPosts } from './legacy-posts.ts';

export default async function setup(project: TestProject) {
  const db = await startDbServer({ databaseUrl: process.env.DATABASE_URL });
  // The database is built as production's was: to 0001, posts made the old way, then the rest.
  await applyMigrations({
    databaseUrl: localConnectionString,
    fetchEndpoint: db.sqlEndpoint,
    through: beforeMediaMigration,
  });
  const legacyPosts = await seedLegacyPosts(localConnectionString);
  await applyMigrations({ databaseUrl: localConnectionString, fetchEndpoint: db.sqlEndpoint });
  const corpus = await startCorpusServer();
  const pushService = await startPushService();
  const imageChecker = await startImageChecker();
  console.log(
    `Test database: ${db.database.description}; photo corpus: ${corpus ? 'available' : 'absent (its tests skip)'}`,
  );
  project.provide('dbEndpoint', db.sqlEndpoint);
  project.provide('corpusUrl', corpus?.url ?? '');
  project.provide('imageCheckerUrl', imageChecker.url);
  // CI's short fuzz run by default; `npm run fuzz` (scripts/fuzz.ts) sets a longer one.
  project.provide('fuzzPlan', {
    cases: Number(process.env.FUZZ_CASES ?? 144),
    seed: Number(process.env.FUZZ_SEED ?? 20261203),
  });
  project.provide('legacyPosts', legacyPosts);
  project.provide('processorBuild', buildProcessor());
  project.provide('pushServiceUrl', pushService.url);
  return async () => {
    await pushService.close();
    await corpus?.close();
    await imageChecker.close();
    await db.close();
  };
}
