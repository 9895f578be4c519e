/**
 * Reading a home feed costs the same whoever one follows: one timeline read (a Durable Object)
 * and one query, which hydrates the timeline's page with the viewer's likes and merges in the
 * posts not fanned out (the viewer's own, and those of followed accounts too large to fan out).
 */
import type { Db } from '../db/client';
import { feedRows, timelineFromPostgres, type FeedPost } from '../db/queries/feed';
import { timelineCapacity, type Timeline } from '../durable-objects/timeline';
import { timelineOf } from '../durable-objects/timeline-client';

export interface FeedDeps {
  db: Db;
  timelines: DurableObjectNamespace<Timeline>;
  fanOutLimit: number;
}

export interface FeedPosition {
  t: string;
  id: string;
}

export interface FeedPage {
  posts: FeedPost[];
  /** Where the next page starts, or null at the end. */
  next: FeedPosition | null;
  /** Timeline entries that no longer hydrate (deleted, hidden): the caller drops them lazily. */
  stale: string[];
}

/** A page of the viewer's timeline; a timeline never built is first rebuilt from Postgres. */
async function timelineEntries(deps: FeedDeps, viewerId: string, before: FeedPosition | null, count: number) {
  const timeline = timelineOf(deps.timelines, viewerId);
  const read = await timeline.read(before, count);
  if (read.built) return read.entries;
  await timeline.replaceAll(await timelineFromPostgres(deps.db, viewerId, deps.fanOutLimit, timelineCapacity));
  return (await timeline.read(before, count)).entries;
}

export async function readFeed(
  deps: FeedDeps,
  viewerId: string,
  before: FeedPosition | null,
  limit: number,
): Promise<FeedPage> {
  const fromTimeline = await timelineEntries(deps, viewerId, before, limit + 1);
  const timelineIds = fromTimeline.map((entry) => entry.postId);
  const rows = await feedRows(deps.db, viewerId, deps.fanOutLimit, timelineIds, before, limit + 1);
  const posts = rows.slice(0, limit);
  // Stale timeline entries hydrate to nothing, so a short page does not mean the end.
  const mayHaveMore = rows.length > limit || fromTimeline.length > limit || rows.filter((r) => r.merged).length > limit;
  const last = posts.at(-1) ?? null;
  const lastEntry = fromTimeline.at(-1);
  const next = last ? { t: last.t, id: last.id } : lastEntry ? { t: lastEntry.t, id: lastEntry.postId } : null;
  const returned = new Set(rows.map((r) => r.id));
  return {
    posts,
    next: mayHaveMore ? next : null,
    stale: timelineIds.filter((id) => !returned.has(id)),
  };
}
