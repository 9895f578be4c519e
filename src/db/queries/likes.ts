import { sql } from 'drizzle-orm';
import type { Db } from '../client';
import { likes, posts } from '../schema';

export interface LikeOutcome {
  changed: boolean;
  likesCount: number;
}

/**
 * Like and count in one statement: only an inserted row moves the counter, and the row lock on
 * the post serialises concurrent likes, so 100 simultaneous likes add exactly 100.
 */
export async function like(db: Db, postId: string, userId: string): Promise<LikeOutcome> {
  const result = await db.execute<{ changed: boolean; likes_count: number }>(sql`
    with inserted as (
      insert into ${likes} (post_id, user_id) values (${postId}, ${userId})
      on conflict do nothing
      returning post_id
    ), counted as (
      update ${posts} set likes_count = likes_count + 1 where id in (select post_id from inserted)
      returning likes_count
    )
    select exists (select 1 from inserted) as changed,
           coalesce((select likes_count from counted), (select likes_count from ${posts} where id = ${postId}), 0) as likes_count`);
  const row = result.rows[0];
  return { changed: row?.changed === true, likesCount: Number(row?.likes_count ?? 0) };
}

export async function unlike(db: Db, postId: string, userId: string): Promise<LikeOutcome> {
  const result = await db.execute<{ changed: boolean; likes_count: number }>(sql`
    with removed as (
      delete from ${likes} where post_id = ${postId} and user_id = ${userId}
      returning post_id
    ), counted as (
      update ${posts} set likes_count = likes_count - 1 where id in (select post_id from removed)
      returning likes_count
    )
    select exists (select 1 from removed) as changed,
           coalesce((select likes_count from counted), (select likes_count from ${posts} where id = ${postId}), 0) as likes_count`);
  const row = result.rows[0];
  return { changed: row?.changed === true, likesCount: Number(row?.likes_count ?? 0) };
}
