import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { follows, notificationPreferences, type NotificationAudience, type NotificationType } from '../schema';

export type NotificationPreferences = Record<NotificationType, NotificationAudience>;

const everyone: NotificationPreferences = { like: 'everyone', comment: 'everyone', follow: 'everyone' };

/** The column that holds the audience of each type (`like` is a reserved word in SQL, hence `on_`). */
const columnOf = {
  like: sql.raw('np.on_like'),
  comment: sql.raw('np.on_comment'),
  follow: sql.raw('np.on_follow'),
} satisfies Record<NotificationType, SQL>;

/**
 * Whether `recipientId`'s preferences let `actorId` notify them of `type`: no row, `everyone`, or
 * `following` and the recipient follows the actor. Part of the insert's WHERE, so an excluded
 * notification is never stored and so never counted, streamed or pushed; both probes are
 * primary- or unique-key lookups.
 */
export function preferenceAllows(type: NotificationType, recipientId: string, actorId: string): SQL {
  const audience = columnOf[type];
  return sql`not exists (select 1 from ${notificationPreferences} np where np.user_id = ${recipientId}
    and (${audience} = 'off' or (${audience} = 'following' and not exists (
      select 1 from ${follows} pf where pf.follower_id = ${recipientId} and pf.following_id = ${actorId}::uuid))))`;
}

type Row = { on_like: NotificationAudience; on_comment: NotificationAudience; on_follow: NotificationAudience };
const toPreferences = (row: Row | undefined): NotificationPreferences =>
  row ? { like: row.on_like, comment: row.on_comment, follow: row.on_follow } : everyone;

export async function findPreferences(db: Db, userId: string): Promise<NotificationPreferences> {
  const result = await db.execute<Row>(sql`
    select on_like, on_comment, on_follow from ${notificationPreferences} where user_id = ${userId}`);
  return toPreferences(result.rows[0]);
}

/** Sets the given types (others keep their value) and returns all three, in one statement. */
export async function updatePreferences(
  db: Db,
  userId: string,
  changes: Partial<NotificationPreferences>,
): Promise<NotificationPreferences> {
  const result = await db.execute<Row>(sql`
    insert into ${notificationPreferences} as np (user_id, on_like, on_comment, on_follow)
    values (${userId}, coalesce(${changes.like ?? null}::varchar, 'everyone'), coalesce(${changes.comment ?? null}::varchar, 'everyone'),
      coalesce(${changes.follow ?? null}::varchar, 'everyone'))
    on conflict (user_id) do update set
      on_like = coalesce(${changes.like ?? null}::varchar, np.on_like),
      on_comment = coalesce(${changes.comment ?? null}::varchar, np.on_comment),
      on_follow = coalesce(${changes.follow ?? null}::varchar, np.on_follow),
      updated_at = now()
    returning on_like, on_comment, on_follow`);
  return toPreferences(result.rows[0]);
}
