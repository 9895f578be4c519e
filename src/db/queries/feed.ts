import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { follows, posts, users, type PostPrivacy } from '../schema';
import { exactTime } from './exact-time';
import { listedFor, listedInPage, visibleTo } from './visibility';
import { mediaOfPost, type MediaSummary } from './media';
import { uuidArray } from './uuid-array';

export interface FeedEntry {
  postId: string;
  authorId: string;
  t: string;
}

type EntryRow = { post_id: string; author_id: string; t: string };
const toEntry = (r: EntryRow): FeedEntry => ({ postId: r.post_id, authorId: r.author_id, t: r.t });

const before = (position: { t: string; id: string } | null) =>
  position ? sql`and (p.created_at, p.id) < (${position.t}::timestamptz, ${position.id}::uuid)` : sql``;

/**
 * What a user's timeline should hold, straight from Postgres: their own ready posts and the
 * non-private ready posts of the accounts they follow that are fanned out (not above the
 * follower threshold), newest first. Used to build a timeline that is empty or behind.
 */
export async function timelineFromPostgres(
  db: Db,
  userId: string,
  fanOutLimit: number,
  limit: number,
): Promise<FeedEntry[]> {
  const result = await db.execute<EntryRow>(sql`
    select p.id as post_id, p.user_id as author_id, ${exactTime(sql`p.created_at`)} as t
    from ${posts} p
    where p.status = 'ready' and (
      p.user_id = ${userId}
      or (p.privacy <> 'private' and p.user_id in (
        select f.following_id from ${follows} f join ${users} u on u.id = f.following_id
        where f.follower_id = ${userId} and u.followers_count <= ${fanOutLimit}))
    )
    order by p.created_at desc, p.id desc
    limit ${limit}`);
  return result.rows.map(toEntry);
}

/**
 * One round trip for a feed page: hydrates the timeline's ids and, in the same statement, adds the
 * posts merged at read time (the viewer's own, and those of followed accounts above the fan-out
 * threshold — a `LATERAL` index scan each, so the cost is authors merged × page size). Only ready
 * posts the viewer may see come back; `merged` marks the rows that came from the merge.
 *
 * Every row passes `listedInPage` (`listedFor`'s rules) once, in the outer query. The merge
 * itself only needs the rule that differs post by post: a followed account's private posts must
 * not take places in its page. The rules on the author (blocks, mutes, suspension) drop all of an
 * author's posts or none, so the merge leaves them to the outer query and Postgres plans them
 * once, not twice, on every read.
 * Timeline ids and merged ids are looked up by primary key (an `or` of the two was planned as a
 * scan of every ready post).
 */
export async function feedRows(
  db: Db,
  viewerId: string,
  fanOutLimit: number,
  timelineIds: string[],
  position: { t: string; id: string } | null,
  limit: number,
): Promise<(FeedPost & { merged: boolean })[]> {
  const result = await db.execute<FeedPostRow & { merged: boolean }>(sql`
    with merged_authors as (
      select ${viewerId}::uuid as id
      union
      select u.id from ${follows} f join ${users} u on u.id = f.following_id
      where f.follower_id = ${viewerId} and u.followers_count > ${fanOutLimit}
    ), merged as (
      select m.id from merged_authors a
      cross join lateral (
        select p.id from ${posts} p
        where p.user_id = a.id and p.status = 'ready' and (p.user_id = ${viewerId} or p.privacy <> 'private')
          ${before(position)}
        order by p.created_at desc, p.id desc
        limit ${limit}
      ) m
    ), wanted as (
      select unnest(${uuidArray(timelineIds)}) as id union select id from merged
    )
    select ${postFields(viewerId)}, p.id in (select id from merged) as merged
    from wanted w join ${posts} p on p.id = w.id join ${users} u on u.id = p.user_id
    where p.status = 'ready' and ${listedInPage(viewerId)}
    order by p.created_at desc, p.id desc`);
  return result.rows.map((r) => ({ ...toFeedPost(r), merged: r.merged === true }));
}

/** An author's recent non-private ready posts: what a new follower's timeline receives. */
export async function backfillFor(db: Db, authorId: string, limit: number): Promise<FeedEntry[]> {
  const result = await db.execute<EntryRow>(sql`
    select p.id as post_id, p.user_id as author_id, ${exactTime(sql`p.created_at`)} as t
    from ${posts} p
    where p.user_id = ${authorId} and p.status = 'ready' and p.privacy <> 'private'
    order by p.created_at desc, p.id desc
    limit ${limit}`);
  return result.rows.map(toEntry);
}

export interface FeedPost {
  id: string;
  userId: string;
  username: string;
  avatarUrl: string | null;
  caption: string | null;
  tags: string[];
  privacy: PostPrivacy;
  likesCount: number;
  commentsCount: number;
  /** Its photos in order; the first is the post's own image. */
  media: MediaSummary[];
  createdAt: Date;
  t: string;
  /** Whether the viewer the posts were loaded for has liked it. */
  isLiked: boolean;
}

/**
 * Hydrates a page of post ids in one query, re-checking readiness and visibility: a post deleted,
 * made private, whose author the viewer no longer follows, blocked, muted or suspended simply
 * does not come back.
 */
export function hydratePosts(db: Db, viewerId: string | undefined, postIds: string[]): Promise<Map<string, FeedPost>> {
  return postDetailsById(db, viewerId, postIds, sql`and p.status = 'ready' and ${listedFor(viewerId)}`);
}

/**
 * Posts with their authors, and whether the viewer liked each, by id in one query; `condition`
 * narrows which may come back.
 */
async function postDetailsById(
  db: Db,
  viewerId: string | undefined,
  postIds: string[],
  condition: SQL = sql``,
): Promise<Map<string, FeedPost>> {
  if (postIds.length === 0) return new Map();
  const result = await db.execute<FeedPostRow>(sql`
    select ${postFields(viewerId)}
    from ${posts} p join ${users} u on u.id = p.user_id and u.deleted_at is null
    where p.id in ${postIds} ${condition}`);
  return new Map(result.rows.map((r) => [r.id, toFeedPost(r)]));
}

type FeedPostRow = {
  id: string;
  user_id: string;
  username: string;
  avatar_url: string | null;
  caption: string | null;
  tags: string[];
  privacy: PostPrivacy;
  likes_count: number;
  comments_count: number;
  media: MediaSummary[];
  created_at: string;
  t: string;
  is_liked: boolean;
};

/** The columns a feed item needs, for posts `p` joined with their authors `u`; its photos aggregated in place. */
function postFields(viewerId: string | undefined): SQL {
  const isLiked = viewerId
    ? sql`exists (select 1 from likes l where l.post_id = p.id and l.user_id = ${viewerId})`
    : sql`false`;
  return sql`p.id, p.user_id, u.username, u.avatar_url, p.caption, p.tags, p.privacy, p.likes_count,
    p.comments_count, ${mediaOfPost(sql`p.id`)} as media, p.created_at, ${exactTime(sql`p.created_at`)} as t,
    ${isLiked} as is_liked`;
}

function toFeedPost(r: FeedPostRow): FeedPost {
  return {
    id: r.id,
    userId: r.user_id,
    username: r.username,
    avatarUrl: r.avatar_url,
    caption: r.caption,
    tags: r.tags,
    privacy: r.privacy,
    likesCount: r.likes_count,
    commentsCount: r.comments_count,
    media: r.media,
    createdAt: new Date(r.created_at),
    t: r.t,
    isLiked: r.is_liked === true,
  };
}

/** One batch of an author's followers for the fan-out, newest follow first, keyset-paged. */
export async function followersBatch(
  db: Db,
  authorId: string,
  after: { t: string; id: string } | null,
  limit: number,
): Promise<{ followerId: string; position: { t: string; id: string } }[]> {
  const keyset = after ? sql`and (f.created_at, f.id) < (${after.t}::timestamptz, ${after.id}::uuid)` : sql``;
  const result = await db.execute<{ follower_id: string; t: string; id: string }>(sql`
    select f.follower_id, ${exactTime(sql`f.created_at`)} as t, f.id
    from ${follows} f
    where f.following_id = ${authorId} ${keyset}
    order by f.created_at desc, f.id desc
    limit ${limit}`);
  return result.rows.map((r) => ({ followerId: r.follower_id, position: { t: r.t, id: r.id } }));
}

/** The facts the fan-out needs about a post, read fresh: it may have changed since it was queued. */
export async function postForFanOut(db: Db, postId: string) {
  const result = await db.execute<{
    user_id: string;
    privacy: PostPrivacy;
    status: string;
    followers_count: number;
    t: string;
  }>(sql`
    select p.user_id, p.privacy, p.status, u.followers_count, ${exactTime(sql`p.created_at`)} as t
    from ${posts} p join ${users} u on u.id = p.user_id and u.deleted_at is null where p.id = ${postId}`);
  return result.rows[0];
}

/**
 * A user's profile grid as `viewerId` sees it, newest first: everything for the author themselves
 * (processing and failed posts included, with their status), otherwise ready posts they may see.
 */
export async function profileGrid(
  db: Db,
  authorId: string,
  viewerId: string | undefined,
  position: { t: string; id: string } | null,
  limit: number,
): Promise<(FeedPost & { status: 'processing' | 'ready' | 'failed' })[]> {
  const visible = viewerId === authorId ? sql`true` : sql`p.status = 'ready' and ${visibleTo(viewerId)}`;
  const result = await db.execute<{ id: string; status: 'processing' | 'ready' | 'failed' }>(sql`
    select p.id, p.status from ${posts} p
    where p.user_id = ${authorId} and ${visible} ${before(position)}
    order by p.created_at desc, p.id desc
    limit ${limit}`);
  const ids = result.rows.map((r) => r.id);
  const details = await postDetailsById(db, viewerId, ids);
  return result.rows.flatMap((r) => {
    const post = details.get(r.id);
    return post ? [{ ...post, status: r.status }] : [];
  });
}

/** The most liked public posts of the last week: the explore ranking, recomputed at most every 30 min. */
export async function popularPostIds(db: Db, limit: number): Promise<string[]> {
  const result = await db.execute<{ id: string }>(sql`
    select id from ${posts}
    where status = 'ready' and privacy = 'public' and created_at > now() - interval '7 days'
    order by likes_count desc, created_at desc, id desc
    limit ${limit}`);
  return result.rows.map((r) => r.id);
}
