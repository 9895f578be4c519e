/**
 * Account erasure, a bounded batch at a time (src/account/erase-account.ts). Every statement
 * deletes at most `limit` rows and, where others' counters count them, takes them off in the same
 * statement: counters stay exact at every moment, and a batch interrupted anywhere is simply done
 * again by the next delivery.
 */
import { sql } from 'drizzle-orm';
import type { MediaObjects } from '../../shared/images';
import type { Db } from '../client';
import {
  comments,
  follows,
  likes,
  media,
  notifications,
  posts,
  pushSubscriptions,
  sessions,
  users,
  accountExports,
} from '../schema';

async function count(db: Db, query: ReturnType<typeof sql>): Promise<number> {
  const result = await db.execute<{ n: number }>(query);
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * Marks the account deleted, ends every session and forgets its push subscriptions: from now on it
 * is 404, cannot sign in, and no device of it hears anything more while the rest is erased.
 */
export async function markAccountDeleted(db: Db, userId: string): Promise<{ avatarUrl: string | null } | undefined> {
  const [marked] = await db.batch([
    db.execute<{ avatar_url: string | null }>(sql`
      update ${users} set deleted_at = now(), updated_at = now()
      where id = ${userId} and deleted_at is null returning avatar_url`),
    db.execute(sql`
      update ${sessions} set revoked_at = now(), revoked_reason = 'account_deleted'
      where user_id = ${userId} and revoked_at is null`),
    db.execute(sql`delete from ${pushSubscriptions} where user_id = ${userId}`),
  ]);
  const row = marked.rows[0];
  return row && { avatarUrl: row.avatar_url };
}

/** Whether the account is marked for erasure (and not erased yet); a live account is never erased. */
export async function isMarkedDeleted(db: Db, userId: string): Promise<boolean> {
  const result = await db.execute(sql`select 1 from ${users} where id = ${userId} and deleted_at is not null`);
  return result.rows.length > 0;
}

export function eraseLikes(db: Db, userId: string, limit: number) {
  return count(
    db,
    sql`with gone as (
      delete from ${likes} where (post_id, user_id) in (
        select post_id, user_id from ${likes} where user_id = ${userId} limit ${limit})
      returning post_id
    ), counted as (
      update ${posts} p set likes_count = p.likes_count - g.n
      from (select post_id, count(*)::int as n from gone group by post_id) g where p.id = g.post_id
    )
    select count(*)::int as n from gone`,
  );
}

export function eraseComments(db: Db, userId: string, limit: number) {
  return count(
    db,
    sql`with gone as (
      delete from ${comments} where id in (select id from ${comments} where user_id = ${userId} limit ${limit})
      returning post_id
    ), counted as (
      update ${posts} p set comments_count = p.comments_count - g.n
      from (select post_id, count(*)::int as n from gone group by post_id) g where p.id = g.post_id
    )
    select count(*)::int as n from gone`,
  );
}

/** The accounts this one follows lose a follower each. */
export function eraseFollowing(db: Db, userId: string, limit: number) {
  return count(
    db,
    sql`with gone as (
      delete from ${follows} where id in (select id from ${follows} where follower_id = ${userId} limit ${limit})
      returning following_id
    ), counted as (
      update ${users} u set followers_count = u.followers_count - 1 from gone g where u.id = g.following_id
    )
    select count(*)::int as n from gone`,
  );
}

/** Its followers follow one account fewer each. */
export function eraseFollowers(db: Db, userId: string, limit: number) {
  return count(
    db,
    sql`with gone as (
      delete from ${follows} where id in (select id from ${follows} where following_id = ${userId} limit ${limit})
      returning follower_id
    ), counted as (
      update ${users} u set following_count = u.following_count - 1 from gone g where u.id = g.follower_id
    )
    select count(*)::int as n from gone`,
  );
}

export function eraseNotifications(db: Db, userId: string, limit: number) {
  return count(
    db,
    sql`with gone as (
      delete from ${notifications} where id in (
        (select id from ${notifications} where recipient_id = ${userId} limit ${limit})
        union all (select id from ${notifications} where actor_id = ${userId} limit ${limit}))
      returning 1
    ) select count(*)::int as n from gone`,
  );
}

/** A batch of the account's photos (attached or not) with their R2 names, to delete bytes first. */
export async function mediaBatchOfUser(
  db: Db,
  userId: string,
  limit: number,
): Promise<(MediaObjects & { id: string })[]> {
  const result = await db.execute<{ id: string; original_key: string; image_name: string }>(sql`
    select id, original_key, image_name from ${media} where user_id = ${userId} limit ${limit}`);
  return result.rows.map((r) => ({ id: r.id, originalKey: r.original_key, imageName: r.image_name }));
}

export async function deleteMediaRows(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`delete from ${media} where id in ${ids}`);
}

/** Deletes a batch of the account's posts (their likes, comments and notifications go by cascade). */
export async function erasePosts(db: Db, userId: string, limit: number): Promise<string[]> {
  const result = await db.execute<{ id: string }>(sql`
    delete from ${posts} where id in (select id from ${posts} where user_id = ${userId} limit ${limit}) returning id`);
  return result.rows.map((r) => r.id);
}

export async function exportIdsOfUser(db: Db, userId: string, limit: number): Promise<string[]> {
  const result = await db.execute<{ id: string }>(sql`
    select id from ${accountExports} where user_id = ${userId} limit ${limit}`);
  return result.rows.map((r) => r.id);
}

export async function deleteExportRows(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`delete from ${accountExports} where id in ${ids}`);
}

export function eraseSessions(db: Db, userId: string, limit: number) {
  return count(
    db,
    sql`with gone as (
      delete from ${sessions} where id in (select id from ${sessions} where user_id = ${userId} limit ${limit})
      returning 1
    ) select count(*)::int as n from gone`,
  );
}

/** The last step: the row itself (anything still pointing at it goes by cascade). */
export async function deleteMarkedUser(db: Db, userId: string): Promise<void> {
  await db.execute(sql`delete from ${users} where id = ${userId} and deleted_at is not null`);
}

/** Marked accounts whose erasure has not finished after `olderThanSeconds`: the sweep re-enqueues them. */
export async function unfinishedErasures(db: Db, olderThanSeconds: number, limit: number): Promise<string[]> {
  const result = await db.execute<{ id: string }>(sql`
    select id from ${users}
    where deleted_at is not null and deleted_at < now() - make_interval(secs => ${olderThanSeconds})
    order by deleted_at limit ${limit}`);
  return result.rows.map((r) => r.id);
}
