import type { Db } from '../db/client';
import { recordNotification, withdrawNotification, type NotificationFact } from '../db/queries/notifications';
import type { SocialEvent } from '../shared/social-events';
import type { NotificationChannel } from './channel';
import { presentNotification } from './present';

export interface NotificationDeps {
  db: Db;
  channel: NotificationChannel;
}

/** The notification an event is about; undo kinds name the one they withdraw. */
function factOf(event: SocialEvent): NotificationFact {
  const { actorId, recipientId } = event;
  switch (event.kind) {
    case 'like':
    case 'unlike':
      return { type: 'like', actorId, recipientId, postId: event.postId, commentId: null };
    case 'comment':
    case 'uncomment':
      return { type: 'comment', actorId, recipientId, postId: event.postId, commentId: event.commentId };
    case 'follow':
    case 'unfollow':
      return { type: 'follow', actorId, recipientId, postId: null, commentId: null };
  }
}

const isUndo = (event: SocialEvent) =>
  event.kind === 'unlike' || event.kind === 'uncomment' || event.kind === 'unfollow';

/**
 * Turns one social event into a stored (or withdrawn) notification, then tells the recipient.
 * Safe to run twice: a repeat stores nothing and so pushes nothing. Handing it to the channels
 * (open sockets, the push queue) is best effort — the notification is already in the list — so
 * a failure there is logged, never retried; the push queue then retries each device itself.
 */
export async function recordSocialEvent(deps: NotificationDeps, event: SocialEvent): Promise<void> {
  // The API never publishes these; a hand-made message must not notify anyone of themselves.
  if (event.actorId === event.recipientId) return;
  const fact = factOf(event);
  if (isUndo(event)) {
    await withdrawNotification(deps.db, fact);
    return;
  }
  const stored = await recordNotification(deps.db, fact);
  if (!stored) return;
  await deps.channel.deliver(event.recipientId, presentNotification(stored)).catch((error: unknown) => {
    console.error(JSON.stringify({ notification: stored.id, error: `live delivery failed: ${String(error)}` }));
  });
}
