/**
 * Erases a deleted account in bounded batches (docs/accounts.md). Each call does at most
 * `batchesPerStep` batches and says whether work remains; the queue consumer then sends the job
 * again, so no invocation grows with the account's size. Every batch deletes "the next N rows",
 * so a step interrupted anywhere is finished by the next delivery, and a finished erasure run
 * again does nothing.
 */
import type { Db } from '../db/client';
import {
  deleteExportRows,
  deleteMarkedUser,
  deleteMediaRows,
  eraseComments,
  eraseFollowers,
  eraseFollowing,
  eraseLikes,
  eraseNotifications,
  erasePosts,
  eraseSessions,
  exportIdsOfUser,
  isMarkedDeleted,
  mediaBatchOfUser,
} from '../db/queries/erasure';
import type { LiveConnections } from '../durable-objects/live-connections';
import type { Timeline } from '../durable-objects/timeline';
import { timelineOf } from '../durable-objects/timeline-client';
import { liveConnectionsOf } from '../notifications/live-channel';
import { exportKey } from '../shared/account-jobs';
import { toPublicId } from '../shared/ids';
import { r2Keys } from '../shared/images';
import { cacheKeys } from '../shared/kv-cache';

export interface ErasureDeps {
  db: Db;
  images: R2Bucket;
  cache: KVNamespace;
  timelines: DurableObjectNamespace<Timeline>;
  liveConnections: DurableObjectNamespace<LiveConnections>;
}

/** Rows per statement: small enough that one statement's cascades stay short. */
export const erasureBatch = {
  rows: 1000,
  /** Four R2 objects each: one R2 delete call (≤ 1000 keys) per batch. */
  media: 250,
  /** One KV delete each. */
  posts: 100,
  exports: 100,
};

const batchesPerStep = 20;

type Phase = (deps: ErasureDeps, userId: string) => Promise<number>;

async function eraseMedia({ db, images }: ErasureDeps, userId: string): Promise<number> {
  const batch = await mediaBatchOfUser(db, userId, erasureBatch.media);
  // Bytes before rows: if the rows' delete fails, the next delivery finds them and deletes again.
  if (batch.length) await images.delete(batch.flatMap((photo) => r2Keys.ofMedia(photo)));
  await deleteMediaRows(
    db,
    batch.map((photo) => photo.id),
  );
  return batch.length;
}

async function erasePostRows({ db, cache }: ErasureDeps, userId: string): Promise<number> {
  const ids = await erasePosts(db, userId, erasureBatch.posts);
  await Promise.all(ids.map((id) => cache.delete(cacheKeys.post(id))));
  return ids.length;
}

async function eraseExports({ db, images }: ErasureDeps, userId: string): Promise<number> {
  const ids = await exportIdsOfUser(db, userId, erasureBatch.exports);
  if (ids.length) await images.delete(ids.map((id) => exportKey(toPublicId('export', id))));
  await deleteExportRows(db, ids);
  return ids.length;
}

/**
 * In order: what others see and count first (likes, comments, follows, notifications, all with
 * their counters), then the bytes and rows of the account's own photos and posts, its exports,
 * its sessions. Derived copies (Durable Objects, KV) and the account row come last.
 */
const phases: Phase[] = [
  ({ db }, id) => eraseLikes(db, id, erasureBatch.rows),
  ({ db }, id) => eraseComments(db, id, erasureBatch.rows),
  ({ db }, id) => eraseFollowing(db, id, erasureBatch.rows),
  ({ db }, id) => eraseFollowers(db, id, erasureBatch.rows),
  ({ db }, id) => eraseNotifications(db, id, erasureBatch.rows),
  eraseMedia,
  erasePostRows,
  eraseExports,
  ({ db }, id) => eraseSessions(db, id, erasureBatch.rows),
];

async function eraseDerivedCopies({ cache, timelines, liveConnections }: ErasureDeps, userId: string) {
  await timelineOf(timelines, userId).erase();
  await liveConnectionsOf(liveConnections, userId).erase();
  await cache.delete(cacheKeys.profile(userId));
}

/** One line per step, so an erasure's progress (and its batch count, for the benchmark) can be followed. */
function logStep(userId: string, batches: number, more: boolean): boolean {
  console.log(JSON.stringify({ job: 'erase-account', userId: toPublicId('user', userId), batches, more }));
  return more;
}

/** One step of the erasure: `true` when more remains (send the job again), `false` when done. */
export async function eraseAccountStep(deps: ErasureDeps, userId: string): Promise<boolean> {
  if (!(await isMarkedDeleted(deps.db, userId))) return false;
  let batches = 0;
  for (const phase of phases) {
    // A phase is done when a batch comes back empty; run it until then.
    for (;;) {
      if (batches >= batchesPerStep) return logStep(userId, batches, true);
      const done = await phase(deps, userId);
      batches += 1;
      if (done === 0) break;
    }
  }
  await eraseDerivedCopies(deps, userId);
  await deleteMarkedUser(deps.db, userId);
  return logStep(userId, batches, false);
}
