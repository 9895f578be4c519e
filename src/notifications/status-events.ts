/**
 * Live status of a user's own uploads, over the same WebSockets as notifications (for sockets
 * opened with `?events=status`): `media.updated` when a photo finishes processing, `post.updated`
 * when its post becomes ready or failed. Read fresh from Postgres, so a late or repeated message
 * tells the current state; a photo deleted meanwhile tells nothing.
 */
import type { Db } from '../db/client';
import { findMediaStatus } from '../db/queries/media';
import type { LiveConnections } from '../durable-objects/live-connections';
import type { FanOutJob } from '../shared/feed-messages';
import { toPublicId } from '../shared/ids';
import { liveConnectionsOf } from './live-channel';

export interface StatusEventDeps {
  db: Db;
  connections: DurableObjectNamespace<LiveConnections>;
}

export async function deliverStatusEvents(
  { db, connections }: StatusEventDeps,
  job: Extract<FanOutJob, { kind: 'media-updated' }>,
): Promise<number> {
  const photo = await findMediaStatus(db, job.mediaId);
  if (!photo) return 0;
  const postId = photo.postId && toPublicId('post', photo.postId);
  const events: object[] = [
    {
      type: 'media.updated',
      mediaId: toPublicId('media', job.mediaId),
      postId,
      processingStatus: photo.status,
      failureReason: photo.status === 'failed' ? photo.failureReason : null,
    },
  ];
  if (job.postSettled && postId && photo.postStatus && photo.postStatus !== 'processing') {
    events.push({
      type: 'post.updated',
      postId,
      processingStatus: photo.postStatus,
      failureReason: photo.postStatus === 'failed' ? photo.postFailureReason : null,
    });
  }
  const stream = liveConnectionsOf(connections, photo.userId);
  let delivered = 0;
  for (const event of events) delivered += await stream.deliverStatus(JSON.stringify(event));
  return delivered;
}
