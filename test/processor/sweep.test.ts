/**
 * The stuck-media sweep (the processor's cron): photos left processing too long are queued again a
 * bounded number of times, then failed with a reason, and their posts with them — never left
 * processing forever.
 */
import { env } from 'cloudflare:workers';
import { createScheduledController } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import processor from '../../src/processor';
import { toPublicId } from '../../src/shared/ids';
import { quickUsers, type TestUser } from '../helpers/factories';
import { insertProcessingPost, waitUntilProcessed } from '../helpers/processing';

const db = createDb(env.DATABASE_URL, env.NEON_HTTP_ENDPOINT);

/** The processor's bindings, as its wrangler config gives them, borrowed from the test Worker. */
const processorEnv = {
  DATABASE_URL: env.DATABASE_URL,
  NEON_HTTP_ENDPOINT: env.NEON_HTTP_ENDPOINT,
  IMAGES: env.IMAGES,
  IMAGE_JOBS: env.IMAGE_JOBS,
  FEED_FANOUT: env.FEED_FANOUT,
  CACHE: env.CACHE,
} satisfies ProcessorEnv;

/** Makes the post's photo look as if it had been processing for an hour, requeued `requeues` times. */
async function ageProcessingPost(postId: string, requeues: number) {
  await db.execute(
    sql`update media set updated_at = now() - interval '1 hour', requeues = ${requeues} where post_id = ${postId}`,
  );
}

async function runSweep() {
  await processor.scheduled(createScheduledController({ cron: '*/10 * * * *' }), processorEnv);
}

describe('the stuck-media sweep', () => {
  it('queues a post left processing again, and the retry settles it', async () => {
    const [user] = (await quickUsers(1)) as [TestUser];
    const postId = await insertProcessingPost(user);
    await ageProcessingPost(postId, 0);
    await runSweep();
    const [row] = (await db.execute<{ requeues: number }>(sql`select requeues from media where post_id = ${postId}`))
      .rows;
    expect(row?.requeues).toBe(1);
    // Its original is missing, so the requeued job fails it: it does not stay processing.
    const post = await waitUntilProcessed(user.accessToken, toPublicId('post', postId));
    expect(post.processingStatus).toBe('failed');
  });

  it('fails a post that was already requeued the maximum number of times, with a reason', async () => {
    const [user] = (await quickUsers(1)) as [TestUser];
    const postId = await insertProcessingPost(user);
    await ageProcessingPost(postId, 2);
    await runSweep();
    const post = await waitUntilProcessed(user.accessToken, toPublicId('post', postId), 1000);
    expect(post).toMatchObject({ processingStatus: 'failed', failureReason: expect.stringMatching(/did not finish/) });
  });

  it('leaves a post that is still within its time alone', async () => {
    const [user] = (await quickUsers(1)) as [TestUser];
    const postId = await insertProcessingPost(user);
    await runSweep();
    const [row] = (
      await db.execute<{ requeues: number; status: string }>(
        sql`select requeues, status from media where post_id = ${postId}`,
      )
    ).rows;
    expect(row).toEqual({ requeues: 0, status: 'processing' });
  });
});
