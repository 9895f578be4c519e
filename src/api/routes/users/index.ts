import type { Context } from 'hono';
import { postgresErrorOf } from '../../../db/client';
import { follow, listFollows, unfollow } from '../../../db/queries/follows';
import {
  findUserById,
  findUserForViewer,
  findVisibleUser,
  replaceAvatar,
  updateProfile,
} from '../../../db/queries/users';
import { applyFollow, applyUnfollow } from '../../../feed/follow-effects';
import { ApiError, notFound } from '../../../shared/errors';
import { parsePublicId, toPublicId } from '../../../shared/ids';
import { createRouter, type AppEnv } from '../../app-env';
import { cacheKeys, cacheTtlSeconds, invalidate, readThrough } from '../../../shared/kv-cache';
import { viewerOf } from '../../middleware/auth';
import { pageOf } from '../../pagination';
import { TimeIdPosition } from '../../schemas/pagination';
import { ownProfile, publicProfile } from './present';
import {
  followUser,
  getOwnProfile,
  getUser,
  listFollowers,
  listFollowing,
  patchOwnProfile,
  putAvatar,
  unfollowUser,
} from './users.routes';
import type { ImageProcessor } from '../../../processor';
import { readExif } from '../../../shared/image/exif';
import { judgeUpload } from '../images/upload';

const formatOf = { JPEG: 'jpeg', PNG: 'png', WEBP: 'webp', HEIC: 'heic', AVIF: 'avif' } as const;

function userIdOrNotFound(publicId: string): string {
  const id = parsePublicId('user', publicId);
  if (!id) throw notFound('User');
  return id;
}

async function followPage(
  c: Context<AppEnv>,
  direction: 'followers' | 'following',
  publicId: string,
  query: { limit: number; cursor?: string | undefined },
) {
  const { db, cursors } = c.var.services;
  const userId = userIdOrNotFound(publicId);
  const after = query.cursor ? await cursors.decode(TimeIdPosition, query.cursor) : undefined;
  if (!(await findVisibleUser(db, userId, c.var.viewer?.userId))) throw notFound('User');
  const rows = await listFollows(db, direction, userId, c.var.viewer?.userId, query.limit + 1, after);
  const { items, pagination } = await pageOf(rows, query.limit, cursors, (row) => ({
    t: row.position,
    id: row.followId,
  }));
  return {
    users: items.map((row) => ({
      userId: toPublicId('user', row.id),
      username: row.username,
      fullName: row.fullName,
      avatar: row.avatarUrl,
      isFollowing: row.isFollowing,
    })),
    pagination,
  };
}

export const userRoutes = createRouter()
  .openapi(getOwnProfile, async (c) => {
    const user = await findUserById(c.var.services.db, viewerOf(c).userId);
    if (!user) throw notFound('User');
    return c.json({ success: true as const, data: ownProfile(user) }, 200);
  })
  .openapi(patchOwnProfile, async (c) => {
    const changes = c.req.valid('json');
    const { db } = c.var.services;
    const { userId } = viewerOf(c);
    const user = await updateProfile(db, userId, changes).catch((error: unknown) => {
      if (postgresErrorOf(error)?.code === '23505') throw new ApiError('USERNAME_TAKEN', 'This username is taken');
      throw error;
    });
    if (!user) throw notFound('User');
    await invalidate(c.var.services.cache, [cacheKeys.profile(userId)]);
    return c.json({ success: true as const, data: ownProfile(user) }, 200);
  })
  .openapi(putAvatar, async (c) => {
    const { userId } = viewerOf(c);
    const { db, images, cache, publicBaseUrl } = c.var.services;
    const bytes = new Uint8Array(await c.req.valid('form').image.arrayBuffer());
    const image = judgeUpload(bytes);
    const processor = c.env.PROCESSOR as unknown as Service<ImageProcessor>;
    const rendered = await processor.renderAvatar(bytes, formatOf[image.format], readExif(bytes).orientation);
    if (!rendered.ok) throw new ApiError('UNPROCESSABLE', `The photo cannot be decoded: ${rendered.reason}`);
    // A new name per photo: the URL can then be cached for good, and the old one simply retires.
    const key = `avatars/${toPublicId('user', userId)}_${crypto.randomUUID().slice(0, 8)}.jpg`;
    await images.put(key, rendered.bytes, { httpMetadata: { contentType: 'image/jpeg' } });
    const { previous } = await replaceAvatar(db, userId, `${publicBaseUrl}/${key}`);
    const retired = previous && /\/(avatars\/[\w-]+\.jpg)$/.exec(previous)?.[1];
    if (retired) await images.delete(retired);
    await invalidate(cache, [cacheKeys.profile(userId)]);
    const user = await findUserById(db, userId);
    if (!user) throw notFound('User');
    return c.json({ success: true as const, data: ownProfile(user) }, 200);
  })
  .openapi(getUser, async (c) => {
    const id = parsePublicId('user', c.req.valid('param').userId);
    if (!id) throw notFound('User');
    const { db, cache } = c.var.services;
    const viewerId = c.var.viewer?.userId;
    const load = async () => {
      const user = await findUserForViewer(db, id, viewerId);
      return user && publicProfile(user, user);
    };
    const profile = viewerId
      ? await load()
      : await readThrough(cache, cacheKeys.profile(id), cacheTtlSeconds.profile, load, (work) =>
          c.executionCtx.waitUntil(work),
        );
    if (!profile) throw notFound('User');
    return c.json({ success: true as const, data: profile }, 200);
  })
  .openapi(followUser, async (c) => {
    const publicId = c.req.valid('param').userId;
    const targetId = userIdOrNotFound(publicId);
    const { userId } = viewerOf(c);
    if (targetId === userId) throw new ApiError('UNPROCESSABLE', 'You cannot follow yourself');
    const outcome = await follow(c.var.services.db, userId, targetId);
    // The blocked one learns nothing (the blocker does not exist for them); the blocker is told why.
    if (!outcome.found || outcome.blocked === 'byTarget') throw notFound('User');
    if (outcome.blocked === 'byFollower') throw new ApiError('UNPROCESSABLE', 'Unblock this user to follow them');
    if (outcome.changed) {
      await invalidate(c.var.services.cache, [cacheKeys.profile(userId), cacheKeys.profile(targetId)]);
      await applyFollow(c.var.services, userId, targetId, outcome.followersCount);
      await c.var.services.publish({ kind: 'follow', actorId: userId, recipientId: targetId });
    }
    const data = { userId: toPublicId('user', targetId), isFollowing: true, followersCount: outcome.followersCount };
    return c.json({ success: true as const, data }, 200);
  })
  .openapi(unfollowUser, async (c) => {
    const targetId = userIdOrNotFound(c.req.valid('param').userId);
    const { userId } = viewerOf(c);
    const outcome = await unfollow(c.var.services.db, userId, targetId);
    if (!outcome.found) throw notFound('User');
    await applyUnfollow(c.var.services, userId, targetId);
    if (outcome.changed) {
      await invalidate(c.var.services.cache, [cacheKeys.profile(userId), cacheKeys.profile(targetId)]);
      await c.var.services.publish({ kind: 'unfollow', actorId: userId, recipientId: targetId });
    }
    const data = { userId: toPublicId('user', targetId), isFollowing: false, followersCount: outcome.followersCount };
    return c.json({ success: true as const, data }, 200);
  })
  .openapi(listFollowers, async (c) => {
    const data = await followPage(c, 'followers', c.req.valid('param').userId, c.req.valid('query'));
    return c.json({ success: true as const, data }, 200);
  })
  .openapi(listFollowing, async (c) => {
    const data = await followPage(c, 'following', c.req.valid('param').userId, c.req.valid('query'));
    return c.json({ success: true as const, data }, 200);
  });
