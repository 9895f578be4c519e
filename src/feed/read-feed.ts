/**
 * Reading a home feed costs the same whoever one follows: one timeline read (a Durable Object),
 * one query for the posts merged at read time (the viewer's own, and those of followed accounts
 * too large to fan out), and one query to hydrate the page with the viewer's likes.
 */
import type { Db } from '../db/client';
import { hydratePosts, mergedPostsFor, timelineFromPostgres, type FeedEntry, type FeedPost } from '../db/queries/feed';
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

const newestFirst = (a: FeedEntry, b: FeedEntry) => (a.t === b.t ? (a.postId < b.postId ? 1 : -1) : a.t < b.t ? 1 : -1);

/** A page of the viewer's timeline; a timeline never built is first rebuilt from Postgres. */
async function timelineEntries(deps: FeedDeps, viewerId: string, before: FeedPosition | null, count: number) {
  const timeline = timelineOf(deps.timelines, viewerId);
  const read = await timeline.read(before, count);
  if (read.built) return read.entries;
  await timeline.replaceAll(await timelineFromPostgres(deps.db, viewerId, deps.fanOutLimit, timelineCapacity));
  return (await timeline.read(before, count)).entries;
}

export async function readFeed(deps: FeedDeps, viewerId: string, before: FeedPosition | null, limit: number): Promise<FeedPage> {
  const [fromTimeline, merged] = await Promise.all([
    timelineEntries(deps, viewerId, before, limit + 1),
    mergedPostsFor(deps.db, viewerId, deps.fanOutLimit, before, limit + 1),
  ]);
  const seen = new Set<string>();
  const candidates = [...fromTimeline, ...merged]
    .sort(newestFirst)
    .filter((entry) => !seen.has(entry.postId) && seen.add(entry.postId));
  const considered = candidates.slice(0, limit);
  const ids = considered.map((entry) => entry.postId);
  const hydrated = await hydratePosts(deps.db, viewerId, ids);
  const posts = considered.flatMap((entry) => hydrated.get(entry.postId) ?? []);
  const last = considered.at(-1);
  return {
    posts,
    next: candidates.length > limit && last ? { t: last.t, id: last.postId } : null,
    stale: ids.filter((id) => !hydrated.has(id)),
  };
}
