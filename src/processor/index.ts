/**
 * The processor Worker: consumes image jobs (one photo each) from the queue, and sweeps for photos
 * left processing and for uploads never attached to a post.
 * Each message is acked or retried on its own and the handler never throws: Miniflare (and a
 * thrown handler in production) would otherwise retry and dead-letter the whole batch.
 */
import { createDb } from '../db/client';
import { deleteUnattachedMedia, processingMediaOfPost, sweepStuckMedia, unsettledPosts } from '../db/queries/media';
import { r2Keys } from '../shared/images';
import { limits } from '../shared/limits';
import type { ImageJob } from '../shared/queue-messages';
import { PermanentFailure } from './failures';
import { WorkerEntrypoint } from 'cloudflare:workers';
import { initCodecs, UndecodableImageError, type SourceFormat } from './pipeline';
import { renderAvatar } from './pipeline/avatar';
import { codecModules } from './pipeline/wasm-modules';
import { imageGate } from './image-gate';
import { failMedia, processMedia, settlePostOf, type ProcessorDeps } from './process-media';
import { StageMarks } from './stage-marks';

const deadLetterQueue = 'lumen-image-jobs-dlq';
const maxBackoffSeconds = 300;

/**
 * 5, 15, 45, 135 s: a job's attempts span minutes, so a database or storage outage of a minute
 * does not use them all up (2, 4, 8 s did: the load test's fault mode dead-lettered jobs inside
 * one 12 s outage). A truly broken photo fails as PermanentFailure at its first attempt.
 */
const jobRetryDelay = (attempts: number) => Math.min(5 * 3 ** (attempts - 1), maxBackoffSeconds);
/** Failing a dead-lettered job needs the database too: retry soon, then less often. */
const deadLetterRetryDelay = (attempts: number) => Math.min(5 * 2 ** (attempts - 1), maxBackoffSeconds);
const stuckAfterSeconds = 15 * 60;
const maxRequeues = 2;
const sweepBatch = 100;

// Compiled modules arrive with the bundle; instantiating them happens per job (see pipeline/codecs.ts).
initCodecs(codecModules);

function depsOf(env: ProcessorEnv): ProcessorDeps {
  return {
    db: createDb(env.DATABASE_URL, env.NEON_HTTP_ENDPOINT),
    images: env.IMAGES,
    fanOut: env.FEED_FANOUT,
    cache: env.CACHE,
  };
}

function log(event: Record<string, unknown>) {
  console.log(JSON.stringify({ worker: 'processor', ...event }));
}

/** The photos a job names: one, or (for a job queued before photos had rows) every one of its post still processing. */
async function photosOf(deps: ProcessorDeps, job: ImageJob): Promise<string[]> {
  return job.kind === 'process-media' ? [job.mediaId] : processingMediaOfPost(deps.db, job.postId);
}

async function handleJob(deps: ProcessorDeps, message: Message<ImageJob>): Promise<void> {
  let mediaId: string | undefined;
  // From the send to now: the queue's delivery, and any wait at the gate for another image.
  const marks = new StageMarks(message.timestamp.getTime());
  marks.mark('queued');
  try {
    const job = message.body;
    const originalKey = job.kind === 'process-media' ? job.originalKey : undefined;
    for (mediaId of await photosOf(deps, job)) {
      const outcome = await processMedia(deps, mediaId, marks, originalKey);
      log({ mediaId, outcome, attempt: message.attempts, stages: marks.stages });
    }
    message.ack();
  } catch (error) {
    if (error instanceof PermanentFailure && mediaId) {
      await failMedia(deps, mediaId, error.message);
      log({ mediaId, outcome: 'failed', reason: error.message });
      message.ack();
      return;
    }
    log({ job: message.body, outcome: 'retry', attempt: message.attempts, error: String(error) });
    message.retry({ delaySeconds: jobRetryDelay(message.attempts) });
  }
}

/** Jobs that exhausted their retries: the photo (and so its post) ends failed with a reason, never stuck processing. */
async function handleDeadLetter(deps: ProcessorDeps, message: Message<ImageJob>): Promise<void> {
  try {
    for (const mediaId of await photosOf(deps, message.body)) {
      await failMedia(deps, mediaId, 'Processing kept failing; gave up after several attempts');
      log({ mediaId, outcome: 'failed', reason: 'dead-lettered' });
    }
    message.ack();
  } catch (error) {
    log({ job: message.body, outcome: 'dead-letter-retry', attempt: message.attempts, error: String(error) });
    message.retry({ delaySeconds: deadLetterRetryDelay(message.attempts) });
  }
}

/** Photos stuck processing are queued again a bounded number of times, then failed with their posts. */
async function sweepStuck(deps: ProcessorDeps, env: ProcessorEnv): Promise<void> {
  const { requeued, failed } = await sweepStuckMedia(deps.db, stuckAfterSeconds, maxRequeues, sweepBatch);
  if (requeued.length) {
    await env.IMAGE_JOBS.sendBatch(
      requeued.map((mediaId) => ({ body: { kind: 'process-media', mediaId } satisfies ImageJob })),
    );
  }
  const posts = new Set(failed.flatMap((photo) => (photo.postId ? [photo.postId] : [])));
  for (const postId of await unsettledPosts(deps.db, stuckAfterSeconds, sweepBatch)) posts.add(postId);
  for (const postId of posts) await settlePostOf(deps, postId);
  if (requeued.length || failed.length || posts.size)
    log({ sweep: true, requeued: requeued.length, failed: failed.length, settled: posts.size });
}

/** Uploads never attached to a post: rows first (so a photo attached meanwhile is kept), then their bytes. */
async function sweepUnattached(deps: ProcessorDeps): Promise<void> {
  const swept = await deleteUnattachedMedia(deps.db, limits.media.unattachedHours, sweepBatch);
  if (swept.length) await deps.images.delete(swept.flatMap((photo) => r2Keys.ofMedia(photo)));
  if (swept.length) log({ sweep: 'unattached', deleted: swept.length });
}

export default {
  async queue(batch, env) {
    const deps = depsOf(env);
    const handle = batch.queue === deadLetterQueue ? handleDeadLetter : handleJob;
    // One at a time, also across invocations sharing this isolate: each job may need most of its memory.
    for (const message of batch.messages) await imageGate.run(() => handle(deps, message));
  },

  async scheduled(_controller, env) {
    const deps = depsOf(env);
    await sweepStuck(deps, env);
    await sweepUnattached(deps);
  },
} satisfies ExportedHandler<ProcessorEnv, ImageJob>;

/**
 * Work the API asks for and waits on, over a service binding (RPC): profile photos are small and
 * wanted at once, so they skip the queue. Undecodable input comes back as `{ ok: false }`.
 */
export class ImageProcessor extends WorkerEntrypoint<ProcessorEnv> {
  async renderAvatar(
    input: Uint8Array,
    format: SourceFormat,
    orientation: number,
  ): Promise<{ ok: true; bytes: Uint8Array; side: number } | { ok: false; reason: string }> {
    try {
      return { ok: true, ...(await imageGate.run(() => renderAvatar(input, format, orientation))) };
    } catch (error) {
      if (error instanceof UndecodableImageError) return { ok: false, reason: error.message };
      throw error;
    }
  }
}
