import { sql } from 'drizzle-orm';
import type { Db } from '../client';
import { exactTime } from './exact-time';
import { userVisibleTo } from './visibility';
import { comments, posts, users } from '../schema';

export interface CommentRow {
  id: string;
  postId: string;
  userId: string;
  username: string;
  avatarUrl: string | null;
  content: string;
  createdAt: Date;
  position: string;
}

type RawComment = {
  id: string;
  post_id: string;
  user_id: string;
  username: string;
  avatar_url: string | null;
  content: string;
  created_at: string;
  position: string;
};

const toComment = (r: RawComment): CommentRow => ({
  id: r.id,
  postId: r.post_id,
  userId: r.user_id,
  username: r.username,
  avatarUrl: r.avatar_url,
  content: r.content,
  createdAt: new Date(r.created_at),
  position: r.position,
});

/** The comment and the post's commentsCount in one statement. */
export async function addComment(db: Db, postId: string, userId: string, content: string): Promise<CommentRow> {
  const result = await db.execute<RawComment>(sql`
    with inserted as (
      insert into ${comments} (post_id, user_id, content) values (${postId}, ${userId}, ${content})
      returning id, post_id, user_id, content, created_at
    ), counted as (
      update ${posts} set comments_count = comments_count + 1 where id = ${postId}
    )
    select i.id, i.post_id, i.user_id, u.username, u.avatar_url, i.content, i.created_at, ${exactTime(sql`i.created_at`)} as position
    from inserted i join ${users} u on u.id = i.user_id`);
  const row = result.rows[0];
  if (!row) throw new Error('comment insert returned nothing');
  return toComment(row);
}

/** A page of a post's comments that `viewerId` may see, oldest first, keyset on (time, id). */
export async function listComments(
  db: Db,
  postId: string,
  viewerId: string | undefined,
  limit: number,
  after: { t: string; id: string } | undefined,
): Promise<CommentRow[]> {
  const keyset = after ? sql`and (c.created_at, c.id) > (${after.t}::timestamptz, ${after.id}::uuid)` : sql``;
  const result = await db.execute<RawComment>(sql`
    select c.id, c.post_id, c.user_id, u.username, u.avatar_url, c.content, c.created_at, ${exactTime(sql`c.created_at`)} as position
    from ${comments} c join ${users} u on u.id = c.user_id
    where c.post_id = ${postId} and ${userVisibleTo(viewerId, sql`c.user_id`)} ${keyset}
    order by c.created_at, c.id
    limit ${limit}`);
  return result.rows.map(toComment);
}

export type CommentDeletion =
  { result: 'deleted'; commentAuthorId: string } | { result: 'not-found' } | { result: 'forbidden' };

/**
 * Deletes a comment if the caller wrote it or wrote the post; the counter follows in the same
 * statement. Tells apart "no such comment" from "not yours" so the API can answer 404 or 403.
 */
export async function deleteComment(
  db: Db,
  postId: string,
  commentId: string,
  callerId: string,
): Promise<CommentDeletion> {
  const result = await db.execute<{ existed: boolean; deleted: boolean; author_id: string | null }>(sql`
    with target as (
      select c.id, c.user_id, p.user_id as post_author
      from ${comments} c join ${posts} p on p.id = c.post_id
      where c.id = ${commentId} and c.post_id = ${postId}
    ), removed as (
      delete from ${comments}
      where id in (select id from target where user_id = ${callerId} or post_author = ${callerId})
      returning post_id
    ), counted as (
      update ${posts} set comments_count = comments_count - 1 where id in (select post_id from removed)
    )
    select exists (select 1 from target) as existed, exists (select 1 from removed) as deleted,
           (select user_id from target) as author_id`);
  const row = result.rows[0];
  if (!row?.existed) return { result: 'not-found' };
  return row.deleted && row.author_id ? { result: 'deleted', commentAuthorId: row.author_id } : { result: 'forbidden' };
}

/** A comment and its author's name, if `viewerId` may see who wrote it (its post is checked apart). */
export async function findVisibleComment(db: Db, commentId: string, viewerId: string) {
  const result = await db.execute<{
    id: string;
    post_id: string;
    user_id: string;
    username: string;
    content: string;
  }>(sql`
    select c.id, c.post_id, c.user_id, u.username, c.content
    from ${comments} c join ${users} u on u.id = c.user_id
    where c.id = ${commentId} and ${userVisibleTo(viewerId, sql`c.user_id`)}`);
  const row = result.rows[0];
  return row && { id: row.id, postId: row.post_id, userId: row.user_id, username: row.username, content: row.content };
}
