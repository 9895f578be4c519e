import { and, eq, sql } from 'drizzle-orm';
import type { Audience } from '../../shared/privacy';
import { userVisibleTo } from './visibility';
import type { Db } from '../client';
import { media, posts, uploadKeys, users, type PostRow } from '../schema';
import { mediaOfPost, type MediaSummary, type NewMedia } from './media';

export type NewPost = Pick<
  PostRow,
  'id' | 'userId' | 'caption' | 'tags' | 'locationName' | 'latitude' | 'longitude' | 'privacy'
>;

/**
 * A one-photo post as `POST /images/upload` makes it: the post, its photo and, when the upload
 * carried an Idempotency-Key, its key — one transaction.
 */
export async function insertPostWithPhoto(
  db: Db,
  post: NewPost,
  photo: NewMedia,
  idempotency: { key: string; response: Record<string, unknown> } | undefined,
): Promise<void> {
  const insertPost = db.insert(posts).values({ ...post, status: 'processing' });
  const insertPhoto = db.insert(media).values({ ...photo, postId: post.id, position: 0, status: 'processing' });
  if (idempotency === undefined) {
    await db.batch([insertPost, insertPhoto]);
    return;
  }
  await db.batch([
    insertPost,
    insertPhoto,
    db.insert(uploadKeys).values({ userId: post.userId, ...idempotency, postId: post.id }),
  ]);
}

/** A post with no photo yet, processing: `POST /posts` attaches its photos next and settles it. */
export async function insertPost(db: Db, post: NewPost): Promise<void> {
  await db.insert(posts).values({ ...post, status: 'processing' });
}

/** The post an earlier upload with this key created, if the key is younger than a day. */
export async function findPostByUploadKey(
  db: Db,
  userId: string,
  key: string,
): Promise<{ post: PostRow; response: Record<string, unknown> | null } | undefined> {
  const [row] = await db
    .select({ post: posts, response: uploadKeys.response })
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
  return row;
}

/** Frees a key older than a day so it can name a new upload. */
export async function expireUploadKey(db: Db, userId: string, key: string): Promise<void> {
  await db.execute(sql`
    delete from ${uploadKeys}
    where user_id = ${userId} and key = ${key} and created_at <= now() - interval '24 hours'`);
}

export interface PostWithAuthor extends PostRow {
  /** Its photos in order; the first is the post's own image. */
  media: MediaSummary[];
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
      media: mediaOfPost(sql`"posts"."id"`),
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
    post: { ...row.post, media: row.media, username: row.username, avatarUrl: row.avatarUrl, isLiked: row.isLiked },
    audience: { isAuthor: row.post.userId === viewerId, followsAuthor: row.followsAuthor },
  };
}

export type PostChanges = Partial<
  Pick<PostRow, 'caption' | 'tags' | 'locationName' | 'latitude' | 'longitude' | 'privacy'>
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

export async function postIsReady(db: Db, postId: string): Promise<boolean> {
  const [row] = await db.select({ status: posts.status }).from(posts).where(eq(posts.id, postId)).limit(1);
  return row?.status === 'ready';
}
