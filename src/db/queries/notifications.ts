import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { comments, follows, likes, notifications, users, type NotificationType } from '../schema';
import { exactTime } from './exact-time';
import { preferenceAllows } from './notification-preferences';
import { mayNotify, notificationShown } from './visibility';

/** What a notification says happened: `actorId` did `type` to `recipientId` (on a post, by a comment). */
export interface NotificationFact {
  type: NotificationType;
  recipientId: string;
  actorId: string;
  postId: string | null;
  commentId: string | null;
}

export interface NotificationRow {
  id: string;
  type: NotificationType;
  actorId: string;
  actorUsername: string;
  actorAvatarUrl: string | null;
  postId: string | null;
  commentId: string | null;
  content: string | null;
  createdAt: Date;
  /** created_at exact to the microsecond, for cursors. */
  t: string;
  read: boolean;
}

export type NotificationSqlRow = {
  id: string;
  type: NotificationType;
  actor_id: string;
  username: string;
  avatar_url: string | null;
  post_id: string | null;
  comment_id: string | null;
  content: string | null;
  created_at: string;
  t: string;
  read: boolean;
};

export const toNotification = (r: NotificationSqlRow): NotificationRow => ({
  id: r.id,
  type: r.type,
  actorId: r.actor_id,
  actorUsername: r.username,
  actorAvatarUrl: r.avatar_url,
  postId: r.post_id,
  commentId: r.comment_id,
  content: r.content,
  createdAt: new Date(r.created_at),
  t: r.t,
  read: r.read === true,
});

/** The columns a notification is shown with, from `n` joined to its actor `u`. */
export const shownColumns = sql`n.id, n.type, n.actor_id, u.username, u.avatar_url, n.post_id, n.comment_id, n.content,
  n.created_at, ${exactTime(sql`n.created_at`)} as t, n.read_at is not null as read`;

/**
 * Whether the fact still holds in the social graph right now. Events may arrive late, twice, or
 * out of order (a like's event after its unlike's); acting only when the graph agrees makes the
 * outcome depend on the graph, not on the order of delivery.
 */
function factHolds(fact: NotificationFact): SQL {
  switch (fact.type) {
    case 'like':
      return sql`exists (select 1 from ${likes} l where l.post_id = ${fact.postId} and l.user_id = ${fact.actorId})`;
    case 'follow':
      return sql`exists (select 1 from ${follows} f where f.follower_id = ${fact.actorId} and f.following_id = ${fact.recipientId})`;
    case 'comment':
      return sql`exists (select 1 from ${comments} c
        where c.id = ${fact.commentId} and c.post_id = ${fact.postId} and c.user_id = ${fact.actorId})`;
  }
}

const matchesNullable = (column: SQL, value: string | null) =>
  value === null ? sql`${column} is null` : sql`${column} = ${value}`;

/**
 * Stores the notification if the fact holds, safety and the recipient's preferences allow it, and
 * it is not stored already; returns it as shown, or null when nothing was added (a repeat, the fact
 * undone meanwhile, or excluded).
 */
export async function recordNotification(db: Db, fact: NotificationFact): Promise<NotificationRow | null> {
  const content =
    fact.type === 'comment' ? sql`(select c.content from ${comments} c where c.id = ${fact.commentId})` : sql`null`;
  const result = await db.execute<NotificationSqlRow>(sql`
    with inserted as (
      insert into ${notifications} (recipient_id, actor_id, type, post_id, comment_id, content)
      select ${fact.recipientId}::uuid, ${fact.actorId}::uuid, ${fact.type}::varchar, ${fact.postId}::uuid, ${fact.commentId}::uuid, ${content}
      where ${factHolds(fact)} and ${mayNotify(fact.recipientId, fact.actorId)}
        and ${preferenceAllows(fact.type, fact.recipientId, fact.actorId)}
      on conflict on constraint notifications_fact_key do nothing
      returning *
    )
    select ${shownColumns} from inserted n join ${users} u on u.id = n.actor_id`);
  const row = result.rows[0];
  return row ? toNotification(row) : null;
}

/** Removes the notification unless the fact holds again (an unlike's event arriving after a re-like). */
export async function withdrawNotification(db: Db, fact: NotificationFact): Promise<number> {
  const result = await db.execute<{ id: string }>(sql`
    delete from ${notifications} n
    where n.recipient_id = ${fact.recipientId} and n.actor_id = ${fact.actorId} and n.type = ${fact.type}
      and ${matchesNullable(sql`n.post_id`, fact.postId)} and ${matchesNullable(sql`n.comment_id`, fact.commentId)}
      and not ${factHolds(fact)}
    returning n.id`);
  return result.rows.length;
}

/** A page of a user's notifications, newest first, after `position` (keyset on created_at, id). */
export async function listNotifications(
  db: Db,
  recipientId: string,
  position: { t: string; id: string } | null,
  limit: number,
): Promise<NotificationRow[]> {
  const before = position ? sql`and (n.created_at, n.id) < (${position.t}::timestamptz, ${position.id}::uuid)` : sql``;
  const result = await db.execute<NotificationSqlRow>(sql`
    select ${shownColumns}
    from ${notifications} n join ${users} u on u.id = n.actor_id
    where n.recipient_id = ${recipientId} and ${notificationShown} ${before}
    order by n.created_at desc, n.id desc
    limit ${limit}`);
  return result.rows.map(toNotification);
}

export async function unreadCount(db: Db, recipientId: string): Promise<number> {
  const result = await db.execute<{ unread: string }>(sql`
    select count(*) as unread from ${notifications} n
    where n.recipient_id = ${recipientId} and n.read_at is null and ${notificationShown}`);
  return Number(result.rows[0]?.unread ?? 0);
}

/**
 * Marks the recipient's notifications read — those with the given ids, or all when `ids` is
 * undefined; ids of others' or withdrawn notifications change nothing — and returns how many
 * stay unread, in one statement.
 */
export async function markRead(db: Db, recipientId: string, ids: string[] | undefined): Promise<number> {
  const which = ids === undefined ? sql`` : ids.length ? sql`and id in ${ids}` : sql`and false`;
  const result = await db.execute<{ unread: string }>(sql`
    with updated as (
      update ${notifications} set read_at = now()
      where recipient_id = ${recipientId} and read_at is null ${which}
      returning id
    )
    select (select count(*) from ${notifications} n
            where n.recipient_id = ${recipientId} and n.read_at is null and ${notificationShown})
         - (select count(*) from updated u join ${notifications} n on n.id = u.id where ${notificationShown}) as unread`);
  return Number(result.rows[0]?.unread ?? 0);
}
