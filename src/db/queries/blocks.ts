import { sql } from 'drizzle-orm';
import type { Db } from '../client';
import { blocks, follows, users } from '../schema';
import { exactTime } from './exact-time';
import { pairLock } from './pair-lock';

/**
 * Blocks `targetId` and ends any follow between the two, both ways, with both users' counters
 * corrected from the rows really deleted — one statement after the pair lock, in one
 * transaction. A repeat changes nothing. False when the target does not exist.
 */
export async function block(db: Db, blockerId: string, targetId: string): Promise<boolean> {
  const [, result] = await db.batch([
    db.execute(pairLock(blockerId, targetId)),
    db.execute<{ found: boolean }>(sql`
      with target as (select id from ${users} where id = ${targetId}),
      inserted as (
        insert into ${blocks} (blocker_id, blocked_id) select ${blockerId}, id from target
        on conflict do nothing
        returning blocked_id
      ),
      ended as (
        delete from ${follows}
        where exists (select 1 from target)
          and ((follower_id = ${blockerId} and following_id = ${targetId})
            or (follower_id = ${targetId} and following_id = ${blockerId}))
        returning follower_id, following_id
      ),
      counted as (
        update ${users} u
        set following_count = following_count - (select count(*) from ended e where e.follower_id = u.id),
            followers_count = followers_count - (select count(*) from ended e where e.following_id = u.id)
        where u.id in (${blockerId}, ${targetId}) and exists (select 1 from ended)
      )
      select exists (select 1 from target) as found`),
  ]);
  return result.rows[0]?.found === true;
}

/** Lifts the block; follows stay ended. False when the target does not exist. */
export async function unblock(db: Db, blockerId: string, targetId: string): Promise<boolean> {
  const result = await db.execute<{ found: boolean }>(sql`
    with removed as (delete from ${blocks} where blocker_id = ${blockerId} and blocked_id = ${targetId})
    select exists (select 1 from ${users} where id = ${targetId}) as found`);
  return result.rows[0]?.found === true;
}

export interface ListedUser {
  id: string;
  username: string;
  fullName: string | null;
  avatarUrl: string | null;
  isFollowing: boolean;
  /** When the block or mute was made, exact, for the cursor. */
  position: string;
}

type ListedRow = {
  id: string;
  username: string;
  full_name: string | null;
  avatar_url: string | null;
  is_following: boolean;
  position: string;
};

export const toListedUser = (r: ListedRow): ListedUser => ({
  id: r.id,
  username: r.username,
  fullName: r.full_name,
  avatarUrl: r.avatar_url,
  isFollowing: r.is_following === true,
  position: r.position,
});

/** The accounts `blockerId` blocked, newest first, keyset on (time, blocked id). */
export async function listBlocked(
  db: Db,
  blockerId: string,
  limit: number,
  after: { t: string; id: string } | undefined,
): Promise<ListedUser[]> {
  const keyset = after ? sql`and (b.created_at, b.blocked_id) < (${after.t}::timestamptz, ${after.id}::uuid)` : sql``;
  const result = await db.execute<ListedRow>(sql`
    select u.id, u.username, u.full_name, u.avatar_url, false as is_following, ${exactTime(sql`b.created_at`)} as position
    from ${blocks} b join ${users} u on u.id = b.blocked_id
    where b.blocker_id = ${blockerId} ${keyset}
    order by b.created_at desc, b.blocked_id desc
    limit ${limit}`);
  return result.rows.map(toListedUser);
}
