import { sql } from 'drizzle-orm';
import type { Db } from '../client';
import { follows, mutes, users } from '../schema';
import { toListedUser, type ListedUser } from './blocks';
import { exactTime } from './exact-time';

/** Mutes `targetId` (a repeat changes nothing). False when the target does not exist. */
export async function mute(db: Db, muterId: string, targetId: string): Promise<boolean> {
  const result = await db.execute<{ found: boolean }>(sql`
    with target as (select id from ${users} where id = ${targetId}),
    inserted as (
      insert into ${mutes} (muter_id, muted_id) select ${muterId}, id from target on conflict do nothing
    )
    select exists (select 1 from target) as found`);
  return result.rows[0]?.found === true;
}

/** Unmutes; `wasMuted` says whether a mute was really lifted. */
export async function unmute(db: Db, muterId: string, targetId: string) {
  const result = await db.execute<{ found: boolean; was_muted: boolean }>(sql`
    with removed as (delete from ${mutes} where muter_id = ${muterId} and muted_id = ${targetId} returning muted_id)
    select exists (select 1 from ${users} where id = ${targetId}) as found, exists (select 1 from removed) as was_muted`);
  const row = result.rows[0];
  return { found: row?.found === true, wasMuted: row?.was_muted === true };
}

/** The accounts `muterId` muted, newest first, with whether the muter follows each. */
export async function listMuted(
  db: Db,
  muterId: string,
  limit: number,
  after: { t: string; id: string } | undefined,
): Promise<ListedUser[]> {
  const keyset = after ? sql`and (m.created_at, m.muted_id) < (${after.t}::timestamptz, ${after.id}::uuid)` : sql``;
  const result = await db.execute<{
    id: string;
    username: string;
    full_name: string | null;
    avatar_url: string | null;
    is_following: boolean;
    position: string;
  }>(sql`
    select u.id, u.username, u.full_name, u.avatar_url,
           exists (select 1 from ${follows} f where f.follower_id = ${muterId} and f.following_id = u.id) as is_following,
           ${exactTime(sql`m.created_at`)} as position
    from ${mutes} m join ${users} u on u.id = m.muted_id
    where m.muter_id = ${muterId} ${keyset}
    order by m.created_at desc, m.muted_id desc
    limit ${limit}`);
  return result.rows.map(toListedUser);
}
