/**
 * One image per isolate at a time: the gate itself, and the processor's two ways in (a queue
 * invocation, the avatar RPC) going through it, so that invocations the runtime puts in the same
 * isolate never hold two images' memory at once (docs/image-pipeline.md).
 */
import { env } from 'cloudflare:workers';
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { scheduler } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import processor, { ImageProcessor } from '../../src/processor';
import { imageGate, OneAtATime } from '../../src/processor/image-gate';
import { toPublicId } from '../../src/shared/ids';
import type { ImageJob } from '../../src/shared/queue-messages';
import { tinyImage } from '../fixtures/tiny-images';
import { callJson } from '../helpers/api';
import { quickUsers, type TestUser } from '../helpers/factories';
import { insertProcessingPost, type PostDetail } from '../helpers/processing';

const processorEnv = {
  DATABASE_URL: env.DATABASE_URL,
  NEON_HTTP_ENDPOINT: env.NEON_HTTP_ENDPOINT,
  IMAGES: env.IMAGES,
  IMAGE_JOBS: env.IMAGE_JOBS,
  FEED_FANOUT: env.FEED_FANOUT,
  CACHE: env.CACHE,
} satisfies ProcessorEnv;

/** A task that holds the gate until released, as a long image job would. */
function holdGate() {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const done = imageGate.run(() => released);
  return { release, done };
}

async function statusOf(user: TestUser, postId: string) {
  const { body } = await callJson<PostDetail>(`/api/v1/images/${toPublicId('post', postId)}`, {
    token: user.accessToken,
  });
  return body.data.processingStatus;
}

describe('OneAtATime', () => {
  it('runs tasks started together one after another, in arrival order, never two at once', async () => {
    const gate = new OneAtATime();
    const events: string[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const task = (name: string, waitMs: number) =>
      gate.run(async () => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        events.push(`start ${name}`);
        await scheduler.wait(waitMs);
        events.push(`end ${name}`);
        running -= 1;
        return name;
      });
    const results = await Promise.all([task('a', 20), task('b', 1), task('c', 5)]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(mostAtOnce).toBe(1);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(gate.pending).toBe(0);
  });

  it('rejects only the failing task and lets the next one through', async () => {
    const gate = new OneAtATime();
    const failing = gate.run(() => Promise.reject(new Error('decoder blew up')));
    const next = gate.run(() => Promise.resolve('next ran'));
    await expect(failing).rejects.toThrow('decoder blew up');
    await expect(next).resolves.toBe('next ran');
    expect(gate.pending).toBe(0);
  });
});

describe("the processor's image gate", () => {
  it('holds a queue invocation while another image is in the isolate, and runs it after', async () => {
    const [user] = (await quickUsers(1)) as [TestUser];
    // Its original is missing, so the job, once it runs, fails the photo: a visible outcome.
    const postId = await insertProcessingPost(user);
    const held = holdGate();
    const batch = createMessageBatch<ImageJob>('lumen-image-jobs', [
      { id: 'gate-1', timestamp: new Date(), attempts: 1, body: { kind: 'process-post', postId } },
    ]);
    const ctx = createExecutionContext();
    const invocation = processor.queue(batch, processorEnv);
    // Real round trips to the API and the database pass while the job waits at the gate.
    for (let i = 0; i < 3; i++) expect(await statusOf(user, postId)).toBe('processing');
    expect(imageGate.pending).toBe(2);
    held.release();
    await held.done;
    await invocation;
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['gate-1']);
    expect(await statusOf(user, postId)).toBe('failed');
    expect(imageGate.pending).toBe(0);
  });

  it('holds an avatar render while another image is in the isolate', async () => {
    const held = holdGate();
    const entrypoint = new ImageProcessor(createExecutionContext(), processorEnv);
    let finished = false;
    const render = entrypoint.renderAvatar(tinyImage('jpeg-restart-40x24'), 'jpeg', 1).finally(() => {
      finished = true;
    });
    await scheduler.wait(50);
    expect(finished).toBe(false);
    expect(imageGate.pending).toBe(2);
    held.release();
    expect(await render).toMatchObject({ ok: true, side: 24 });
    expect(imageGate.pending).toBe(0);
  });
});
