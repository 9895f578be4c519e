/**
 * What a follow or unfollow does to the follower's timeline, applied before the request answers,
 * so the next feed read already shows it: a follow brings in the author's recent posts (unless the
 * author is merged at read time anyway), an unfollow takes all of them out.
 */
import type { Db } from '../db/client';
import { backfillFor } from '../db/queries/feed';
import type { Timeline } from '../durable-objects/timeline';
import { timelineOf } from '../durable-objects/timeline-client';

const backfillSize = 50;

export async function applyFollow(
  deps: { db: Db; timelines: DurableObjectNamespace<Timeline>; fanOutLimit: number },
  followerId: string,
  authorId: string,
  authorFollowers: number,
): Promise<void> {
  if (authorFollowers > deps.fanOutLimit) return;
  const entries = await backfillFor(deps.db, authorId, backfillSize);
  if (entries.length) await timelineOf(deps.timelines, followerId).add(entries);
}

export async function applyUnfollow(
  deps: { timelines: DurableObjectNamespace<Timeline> },
  followerId: string,
  authorId: string,
) {
  await timelineOf(deps.timelines, followerId).removeAuthor(authorId);
}
