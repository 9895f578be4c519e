import type { NotificationRow } from '../db/queries/notifications';
import { toPublicId } from '../shared/ids';

/**
 * A notification as clients see it, in the list and on the live stream alike. `postId`,
 * `commentId` and `content` are left out when the type has none (a follow has no post).
 */
export function presentNotification(row: NotificationRow) {
  return {
    notificationId: toPublicId('notif', row.id),
    type: row.type,
    actor: { userId: toPublicId('user', row.actorId), username: row.actorUsername, avatar: row.actorAvatarUrl },
    ...(row.postId !== null && { postId: toPublicId('post', row.postId) }),
    ...(row.commentId !== null && { commentId: toPublicId('comment', row.commentId) }),
    ...(row.content !== null && { content: row.content }),
    createdAt: row.createdAt.toISOString(),
    read: row.read,
  };
}

export type PresentedNotification = ReturnType<typeof presentNotification>;
