/**
 * Fan-out on write: a ready post's id goes into the timeline of each of its author's followers.
 * Work is cut into bounded queue messages — a page of followers is planned in one, delivered by
 * many in parallel — so one post never makes one long-running invocation, and a 10 000-follower
 * author is served by 50 small deliveries instead of 50 sequential steps.
 * Authors above the follower threshold are skipped; their posts are merged in at read time.
 */
import type { Db } from '../db/client';
import { followersBatch, postForFanOut } from '../db/queries/feed';
import type { Timeline } from '../durable-objects/timeline';
import { timelineOf } from '../durable-objects/timeline-client';
import type { FanOutJob, FeedJob } from '../shared/feed-messages';

/** Followers read per planning step. */
export const fanOutPageSize = 5000;
/** Timelines written per delivery message. */
export const deliveryBatchSize = 200;
// Timeline writes in flight at once within a delivery: enough to hide latency, few enough to be polite.
const parallelWrites = 25;
// Queue.sendBatch takes at most 100 messages.
const maxMessagesPerSend = 100;

export interface FanOutDeps {
  db: Db;
  timelines: DurableObjectNamespace<Timeline>;
  fanOutQueue: Queue<FanOutJob>;
  /** Authors with more followers than this are merged at read time instead. */
  fanOutLimit: number;
}

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

async function deliver(deps: FanOutDeps, job: Extract<FanOutJob, { kind: 'deliver' }>): Promise<number> {
  for (const group of chunks(job.followerIds, parallelWrites)) {
    await Promise.all(group.map((followerId) => timelineOf(deps.timelines, followerId).add([job.entry])));
  }
  return job.followerIds.length;
}

async function plan(deps: FanOutDeps, job: Extract<FanOutJob, { kind: 'fan-out' }>): Promise<number> {
  const post = await postForFanOut(deps.db, job.postId);
  if (!post || post.status !== 'ready') return 0;
  const entry = { postId: job.postId, authorId: post.user_id, t: post.t };
  if (!job.after) await timelineOf(deps.timelines, post.user_id).add([entry]);
  if (post.privacy === 'private' || post.followers_count > deps.fanOutLimit) return 0;

  const followers = await followersBatch(deps.db, post.user_id, job.after ?? null, fanOutPageSize);
  const deliveries = chunks(
    followers.map((f) => f.followerId),
    deliveryBatchSize,
  ).map((followerIds): FanOutJob => ({ kind: 'deliver', entry, followerIds }));
  for (const group of chunks(deliveries, maxMessagesPerSend))
    await deps.fanOutQueue.sendBatch(group.map((body) => ({ body })));
  const last = followers.at(-1);
  if (followers.length === fanOutPageSize && last)
    await deps.fanOutQueue.send({ kind: 'fan-out', postId: job.postId, after: last.position });
  return followers.length;
}

/** Runs one fan-out message. Safe to run twice: timelines ignore entries they already hold. */
export function runFanOutJob(deps: FanOutDeps, job: FeedJob): Promise<number> {
  return job.kind === 'deliver' ? deliver(deps, job) : plan(deps, job);
}
