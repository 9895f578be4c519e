import { sql } from 'drizzle-orm';
import type { Db } from '../client';
import { exactTime } from './exact-time';
import { blocks, follows, users } from '../schema';
import { pairLock } from './pair-lock';
import { userVisibleTo } from './visibility';

export interface FollowOutcome {
  /** False when the target does not exist. */
  found: boolean;
  /** A block stands between the two: `byTarget` when the target blocked the follower. */
  blocked?: 'byTarget' | 'byFollower';
  /** True when this call changed the relationship (not a repeat). */
  changed: boolean;
  followersCount: number;
}

/**
 * Follows `targetId` and counts it on both sides in one statement: the insert either happens or
 * conflicts, and the counters move only with a row that was really inserted. Repeats change nothing.
 * Never across a block: the pair lock orders this after any block being written between the two.
 */
export async function follow(db: Db, followerId: string, targetId: string): Promise<FollowOutcome> {
  const [, result] = await db.batch([
    db.execute(pairLock(followerId, targetId)),
    db.execute<{
      found: boolean;
      changed: boolean;
      followers_count: number;
      blocked_by_target: boolean;
      blocked_by_follower: boolean;
    }>(sql`
    with target as (
      select id, followers_count,
             exists (select 1 from ${blocks} b where b.blocker_id = ${targetId} and b.blocked_id = ${followerId}) as blocked_by_target,
             exists (select 1 from ${blocks} b where b.blocker_id = ${followerId} and b.blocked_id = ${targetId}) as blocked_by_follower
      from ${users} where id = ${targetId} and suspended_at is null
    ),
    inserted as (
      insert into ${follows} (follower_id, following_id)
      select ${followerId}, id from target where not blocked_by_target and not blocked_by_follower
      on conflict (follower_id, following_id) do nothing
      returning following_id
    ),
    following as (
      update ${users} set following_count = following_count + 1
      where id = ${followerId} and exists (select 1 from inserted)
    ),
    followed as (
      update ${users} set followers_count = followers_count + 1
      where id in (select following_id from inserted)
      returning followers_count
    )
    select exists (select 1 from target) as found,
           exists (select 1 from inserted) as changed,
           coalesce((select followers_count from followed), (select followers_count from target), 0) as followers_count,
           coalesce((select blocked_by_target from target), false) as blocked_by_target,
           coalesce((select blocked_by_follower from target), false) as blocked_by_follower`),
  ]);
  const row = result.rows[0];
  const blocked = row?.blocked_by_target ? 'byTarget' : row?.blocked_by_follower ? 'byFollower' : undefined;
  return { ...outcome(row), ...(blocked && { blocked }) };
}

export async function unfollow(db: Db, followerId: string, targetId: string): Promise<FollowOutcome> {
  const result = await db.execute<{ found: boolean; changed: boolean; followers_count: number }>(sql`
    with target as (select id, followers_count from ${users} where id = ${targetId}),
    removed as (
      delete from ${follows} where follower_id = ${followerId} and following_id = ${targetId}
      returning following_id
    ),
    following as (
      update ${users} set following_count = following_count - 1
      where id = ${followerId} and exists (select 1 from removed)
    ),
    unfollowed as (
      update ${users} set followers_count = followers_count - 1
      where id in (select following_id from removed)
      returning followers_count
    )
    select exists (select 1 from target) as found,
           exists (select 1 from removed) as changed,
           coalesce((select followers_count from unfollowed), (select followers_count from target), 0) as followers_count`);
  return outcome(result.rows[0]);
}

function outcome(row: { found: boolean; changed: boolean; followers_count: number } | undefined): FollowOutcome {
  return {
    found: row?.found === true,
    changed: row?.changed === true,
    followersCount: Number(row?.followers_count ?? 0),
  };
}

export interface UserSummaryRow {
  id: string;
  username: string;
  fullName: string | null;
  avatarUrl: string | null;
  isFollowing: boolean;
  /** The follow's time as Postgres text, exact to the microsecond, for the cursor. */
  position: string;
}

/**
 * One page of a user's followers (or of whom they follow), newest follow first, with whether the
 * viewer follows each listed user. Keyset pagination on (follow time, follow id): stable while
 * new follows arrive.
 */
export async function listFollows(
  db: Db,
  direction: 'followers' | 'following',
  userId: string,
  viewerId: string | undefined,
  limit: number,
  after: { t: string; id: string } | undefined,
): Promise<(UserSummaryRow & { followId: string })[]> {
  const [anchor, listed] =
    direction === 'followers' ? [sql`f.following_id`, sql`f.follower_id`] : [sql`f.follower_id`, sql`f.following_id`];
  const isFollowing = viewerId
    ? sql`exists (select 1 from ${follows} v where v.follower_id = ${viewerId} and v.following_id = u.id)`
    : sql`false`;
  const keyset = after ? sql`and (f.created_at, f.id) < (${after.t}::timestamptz, ${after.id}::uuid)` : sql``;
  const result = await db.execute<{
    id: string;
    username: string;
    full_name: string | null;
    avatar_url: string | null;
    is_following: boolean;
    position: string;
    follow_id: string;
  }>(sql`
    select u.id, u.username, u.full_name, u.avatar_url, ${isFollowing} as is_following,
           ${exactTime(sql`f.created_at`)} as position, f.id as follow_id
    from ${follows} f join ${users} u on u.id = ${listed}
    where ${anchor} = ${userId} and ${userVisibleTo(viewerId, sql`u.id`)} ${keyset}
    order by f.created_at desc, f.id desc
    limit ${limit}`);
  return result.rows.map((r) => ({
    id: r.id,
    username: r.username,
    fullName: r.full_name,
    avatarUrl: r.avatar_url,
    isFollowing: r.is_following === true,
    position: r.position,
    followId: r.follow_id,
  }));
}
