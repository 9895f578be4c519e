import type { Context } from 'hono';
import { block, listBlocked, unblock, type ListedUser } from '../../../db/queries/blocks';
import { listMuted, mute, unmute } from '../../../db/queries/mutes';
import { findUserForViewer } from '../../../db/queries/users';
import { timelineOf } from '../../../durable-objects/timeline-client';
import { applyFollow } from '../../../feed/follow-effects';
import { ApiError, notFound } from '../../../shared/errors';
import { parsePublicId, toPublicId } from '../../../shared/ids';
import { cacheKeys, invalidate } from '../../../shared/kv-cache';
import { createRouter, type AppEnv } from '../../app-env';
import { viewerOf } from '../../middleware/auth';
import { pageOf } from '../../pagination';
import { TimeIdPosition } from '../../schemas/pagination';
import { blockUser, listBlocks, listMutes, muteUser, unblockUser, unmuteUser } from './safety.routes';

/** The other user of a block or mute: a real id, never the caller (422). */
function otherUser(c: Context<AppEnv>, what: 'block' | 'mute'): string {
  const targetId = parsePublicId('user', c.req.param('userId') ?? '');
  if (!targetId) throw notFound('User');
  if (targetId === viewerOf(c).userId) throw new ApiError('UNPROCESSABLE', `You cannot ${what} yourself`);
  return targetId;
}

async function listPage(
  c: Context<AppEnv>,
  load: (limit: number, after: TimeIdPosition | undefined) => Promise<ListedUser[]>,
  query: { limit: number; cursor?: string | undefined },
) {
  const { cursors } = c.var.services;
  const after = query.cursor ? await cursors.decode(TimeIdPosition, query.cursor) : undefined;
  const rows = await load(query.limit + 1, after);
  const { items, pagination } = await pageOf(rows, query.limit, cursors, (row) => ({ t: row.position, id: row.id }));
  const users = items.map((row) => ({
    userId: toPublicId('user', row.id),
    username: row.username,
    fullName: row.fullName,
    avatar: row.avatarUrl,
    isFollowing: row.isFollowing,
  }));
  return { users, pagination };
}

export const safetyRoutes = createRouter()
  .openapi(listBlocks, async (c) => {
    const { userId } = viewerOf(c);
    const data = await listPage(
      c,
      (limit, after) => listBlocked(c.var.services.db, userId, limit, after),
      c.req.valid('query'),
    );
    return c.json({ success: true as const, data }, 200);
  })
  .openapi(listMutes, async (c) => {
    const { userId } = viewerOf(c);
    const data = await listPage(
      c,
      (limit, after) => listMuted(c.var.services.db, userId, limit, after),
      c.req.valid('query'),
    );
    return c.json({ success: true as const, data }, 200);
  })
  .openapi(blockUser, async (c) => {
    const targetId = otherUser(c, 'block');
    const { userId } = viewerOf(c);
    const services = c.var.services;
    if (!(await block(services.db, userId, targetId))) throw notFound('User');
    // Postgres already hides each from the other; the timelines drop the entries so they hold no dead weight.
    await Promise.all([
      timelineOf(services.timelines, userId).removeAuthor(targetId),
      timelineOf(services.timelines, targetId).removeAuthor(userId),
      invalidate(services.cache, [cacheKeys.profile(userId), cacheKeys.profile(targetId)]),
      // Follows ended: their notifications are withdrawn like an unfollow's.
      services.publish({ kind: 'unfollow', actorId: userId, recipientId: targetId }),
      services.publish({ kind: 'unfollow', actorId: targetId, recipientId: userId }),
    ]);
    return c.json({ success: true as const, data: { userId: toPublicId('user', targetId), isBlocked: true } }, 200);
  })
  .openapi(unblockUser, async (c) => {
    const targetId = otherUser(c, 'block');
    if (!(await unblock(c.var.services.db, viewerOf(c).userId, targetId))) throw notFound('User');
    return c.json({ success: true as const, data: { userId: toPublicId('user', targetId), isBlocked: false } }, 200);
  })
  .openapi(muteUser, async (c) => {
    const targetId = otherUser(c, 'mute');
    if (!(await mute(c.var.services.db, viewerOf(c).userId, targetId))) throw notFound('User');
    return c.json({ success: true as const, data: { userId: toPublicId('user', targetId), isMuted: true } }, 200);
  })
  .openapi(unmuteUser, async (c) => {
    const targetId = otherUser(c, 'mute');
    const { userId } = viewerOf(c);
    const services = c.var.services;
    const outcome = await unmute(services.db, userId, targetId);
    if (!outcome.found) throw notFound('User');
    // A muted author's timeline entries were dropped at feed reads; an unmute brings them back.
    const target = outcome.wasMuted ? await findUserForViewer(services.db, targetId, userId) : undefined;
    if (target?.isFollowing) await applyFollow(services, userId, targetId, target.followersCount);
    return c.json({ success: true as const, data: { userId: toPublicId('user', targetId), isMuted: false } }, 200);
  });
