import { and, eq, sql } from 'drizzle-orm';
import type { Audience } from '../../shared/privacy';
import { userVisibleTo } from './visibility';
import type { Db } from '../client';
import { posts, uploadKeys, users, type ImageMetadata, type PostRow } from '../schema';

export type NewPost = Pick<
  PostRow,
  | 'id'
  | 'userId'
  | 'caption'
  | 'altText'
  | 'tags'
  | 'locationName'
  | 'latitude'
  | 'longitude'
  | 'privacy'
  | 'format'
  | 'fileSize'
>;

/** The post and, when the upload carried an Idempotency-Key, its key — one transaction. */
export async function insertPost(db: Db, post: NewPost, idempotencyKey: string | undefined): Promise<void> {
  const insert = db.insert(posts).values({ ...post, status: 'processing' });
  if (idempotencyKey === undefined) {
    await insert;
    return;
  }
  await db.batch([insert, db.insert(uploadKeys).values({ userId: post.userId, key: idempotencyKey, postId: post.id })]);
}

/** The post an earlier upload with this key created, if the key is younger than a day. */
export async function findPostByUploadKey(db: Db, userId: string, key: string): Promise<PostRow | undefined> {
  const [row] = await db
    .select({ post: posts })
    .from(uploadKeys)
    .innerJoin(posts, eq(posts.id, uploadKeys.postId))
    .where(
      and(
        eq(uploadKeys.userId, userId),
        eq(uploadKeys.key, key),
        sql`${uploadKeys.createdAt} > now() - interval '24 hours'`,
      ),
    )
    .limit(1);
  return row?.post;
}

/** Frees a key older than a day so it can name a new upload. */
export async function expireUploadKey(db: Db, userId: string, key: string): Promise<void> {
  await db.execute(sql`
    delete from ${uploadKeys}
    where user_id = ${userId} and key = ${key} and created_at <= now() - interval '24 hours'`);
}

export interface PostWithAuthor extends PostRow {
  username: string;
  avatarUrl: string | null;
  /** Whether the viewer it was loaded for has liked it. */
  isLiked: boolean;
}

/** A post with its author and how the viewer stands to them, in one query. */
export async function findPostForViewer(
  db: Db,
  postId: string,
  viewerId: string | undefined,
): Promise<{ post: PostWithAuthor; audience: Audience } | undefined> {
  // Spelled out with an alias: drizzle renders columns unqualified inside a select list.
  const followsAuthor = viewerId
    ? sql<boolean>`exists (select 1 from follows vf where vf.follower_id = ${viewerId} and vf.following_id = "posts"."user_id")`
    : sql<boolean>`false`;
  const isLiked = viewerId
    ? sql<boolean>`exists (select 1 from likes vl where vl.post_id = "posts"."id" and vl.user_id = ${viewerId})`
    : sql<boolean>`false`;
  const [row] = await db
    .select({
      post: posts,
      username: users.username,
      avatarUrl: users.avatarUrl,
      followsAuthor: followsAuthor.mapWith(Boolean),
      isLiked: isLiked.mapWith(Boolean),
    })
    .from(posts)
    .innerJoin(users, eq(users.id, posts.userId))
    .where(and(eq(posts.id, postId), userVisibleTo(viewerId, sql`"posts"."user_id"`)))
    .limit(1);
  if (!row) return undefined;
  return {
    post: { ...row.post, username: row.username, avatarUrl: row.avatarUrl, isLiked: row.isLiked },
    audience: { isAuthor: row.post.userId === viewerId, followsAuthor: row.followsAuthor },
  };
}

/**
 * Just what the image route needs to decide whether bytes may be served: nothing for a suspended
 * author, nor across a block with the viewer a signed URL was made for.
 */
export async function findPostVisibility(db: Db, postId: string, viewerId?: string) {
  const [row] = await db
    .select({ status: posts.status, privacy: posts.privacy, userId: posts.userId })
    .from(posts)
    .where(and(eq(posts.id, postId), userVisibleTo(viewerId, sql`"posts"."user_id"`)))
    .limit(1);
  return row;
}

export type PostChanges = Partial<
  Pick<PostRow, 'caption' | 'altText' | 'tags' | 'locationName' | 'latitude' | 'longitude' | 'privacy'>
>;

export async function updatePost(db: Db, postId: string, authorId: string, changes: PostChanges) {
  const [row] = await db
    .update(posts)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(and(eq(posts.id, postId), eq(posts.userId, authorId)))
    .returning({ id: posts.id });
  return row !== undefined;
}

/**
 * Deletes the author's post (comments and likes go with it by cascade) and, if it was counted,
 * takes it off the author's postsCount — one statement, so the count cannot drift.
 */
export async function deletePost(db: Db, postId: string, authorId: string): Promise<boolean> {
  const result = await db.execute<{ deleted: boolean }>(sql`
    with deleted as (
      delete from ${posts} where id = ${postId} and user_id = ${authorId} returning status
    ), counted as (
      update ${users} set posts_count = posts_count - 1
      where id = ${authorId} and exists (select 1 from deleted where status = 'ready')
    )
    select exists (select 1 from deleted) as deleted`);
  return result.rows[0]?.deleted === true;
}

// ---- the processor's side ----

export async function findPostForProcessing(db: Db, postId: string) {
  const [row] = await db
    .select({ id: posts.id, status: posts.status, format: posts.format, userId: posts.userId })
    .from(posts)
    .where(eq(posts.id, postId))
    .limit(1);
  return row;
}

export interface ProcessedPost {
  width: number;
  height: number;
  metadata: ImageMetadata;
}

/**
 * Marks a processing post ready and counts it for its author, in one statement. Only the first
 * of two concurrent deliveries of the same job gets `true`; the second changes nothing.
 */
export async function markPostReady(db: Db, postId: string, result: ProcessedPost): Promise<boolean> {
  const rows = await db.execute<{ user_id: string }>(sql`
    with readied as (
      update ${posts}
      set status = 'ready', width = ${result.width}, height = ${result.height},
          metadata = ${JSON.stringify(result.metadata)}::jsonb, failure_reason = null, updated_at = now()
      where id = ${postId} and status = 'processing'
      returning user_id
    ), counted as (
      update ${users} set posts_count = posts_count + 1 where id in (select user_id from readied)
    )
    select user_id from readied`);
  return rows.rows.length > 0;
}

export async function markPostFailed(db: Db, postId: string, reason: string): Promise<void> {
  await db
    .update(posts)
    .set({ status: 'failed', failureReason: reason.slice(0, 500), updatedAt: sql`now()` })
    .where(and(eq(posts.id, postId), eq(posts.status, 'processing')));
}

/**
 * Posts left processing longer than `olderThanSeconds`: the ones requeued fewer than `maxRequeues`
 * times are counted up and returned for another try; the rest are failed. Both in one statement each.
 */
export async function sweepStuckPosts(db: Db, olderThanSeconds: number, maxRequeues: number, batch: number) {
  const failed = await db.execute<{ id: string }>(sql`
    update ${posts} set status = 'failed', failure_reason = 'Processing did not finish in time', updated_at = now()
    where id in (
      select id from ${posts}
      where status = 'processing' and updated_at < now() - make_interval(secs => ${olderThanSeconds})
        and requeues >= ${maxRequeues}
      limit ${batch}
    )
    returning id`);
  const requeued = await db.execute<{ id: string }>(sql`
    update ${posts} set requeues = requeues + 1, updated_at = now()
    where id in (
      select id from ${posts}
      where status = 'processing' and updated_at < now() - make_interval(secs => ${olderThanSeconds})
        and requeues < ${maxRequeues}
      limit ${batch}
    )
    returning id`);
  return { failed: failed.rows.map((r) => r.id), requeued: requeued.rows.map((r) => r.id) };
}
