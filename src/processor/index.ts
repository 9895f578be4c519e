/**
 * The processor Worker: consumes image jobs from the queue, and sweeps for posts left processing.
 * Each message is acked or retried on its own and the handler never throws: Miniflare (and a
 * thrown handler in production) would otherwise retry and dead-letter the whole batch.
 */
import { createDb } from '../db/client';
import { markPostFailed, sweepStuckPosts } from '../db/queries/posts';
import type { ImageJob } from '../shared/queue-messages';
import { PermanentFailure } from './failures';
import { WorkerEntrypoint } from 'cloudflare:workers';
import { initCodecs, UndecodableImageError, type SourceFormat } from './pipeline';
import { renderAvatar } from './pipeline/avatar';
import { codecModules } from './pipeline/wasm-modules';
import { processPost, type ProcessorDeps } from './process-post';

const deadLetterQueue = 'lumen-image-jobs-dlq';
const maxBackoffSeconds = 300;
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

async function handleJob(deps: ProcessorDeps, message: Message<ImageJob>): Promise<void> {
  const { postId } = message.body;
  try {
    const outcome = await processPost(deps, postId);
    log({ postId, outcome, attempt: message.attempts });
    message.ack();
  } catch (error) {
    if (error instanceof PermanentFailure) {
      await markPostFailed(deps.db, postId, error.message);
      log({ postId, outcome: 'failed', reason: error.message });
      message.ack();
      return;
    }
    log({ postId, outcome: 'retry', attempt: message.attempts, error: String(error) });
    message.retry({ delaySeconds: Math.min(2 ** message.attempts, maxBackoffSeconds) });
  }
}

/** Jobs that exhausted their retries: the post ends failed with a reason, never stuck processing. */
async function handleDeadLetter(deps: ProcessorDeps, message: Message<ImageJob>): Promise<void> {
  try {
    await markPostFailed(deps.db, message.body.postId, 'Processing kept failing; gave up after several attempts');
    log({ postId: message.body.postId, outcome: 'failed', reason: 'dead-lettered' });
    message.ack();
  } catch (error) {
    log({ postId: message.body.postId, outcome: 'dead-letter-retry', error: String(error) });
    message.retry({ delaySeconds: maxBackoffSeconds });
  }
}

export default {
  async queue(batch, env) {
    const deps = depsOf(env);
    const handle = batch.queue === deadLetterQueue ? handleDeadLetter : handleJob;
    // One at a time: each job may need most of the isolate's memory.
    for (const message of batch.messages) await handle(deps, message);
  },

  async scheduled(_controller, env) {
    const deps = depsOf(env);
    const { requeued, failed } = await sweepStuckPosts(deps.db, stuckAfterSeconds, maxRequeues, sweepBatch);
    if (requeued.length) {
      await env.IMAGE_JOBS.sendBatch(
        requeued.map((postId) => ({ body: { kind: 'process-post', postId } satisfies ImageJob })),
      );
    }
    if (requeued.length || failed.length) log({ sweep: true, requeued: requeued.length, failed: failed.length });
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
      return { ok: true, ...(await renderAvatar(input, format, orientation)) };
    } catch (error) {
      if (error instanceof UndecodableImageError) return { ok: false, reason: error.message };
      throw error;
    }
  }
}
