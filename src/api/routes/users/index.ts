import { postgresErrorOf } from '../../../db/client';
import { findUserById, findUserForViewer, updateProfile } from '../../../db/queries/users';
import { ApiError, notFound } from '../../../shared/errors';
import { parsePublicId } from '../../../shared/ids';
import { createRouter } from '../../app-env';
import { viewerOf } from '../../middleware/auth';
import { getOwnProfile, getUser, patchOwnProfile } from './users.routes';
import { ownProfile, publicProfile } from './present';

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
    return c.json({ success: true as const, data: ownProfile(user) }, 200);
  })
  .openapi(getUser, async (c) => {
    const id = parsePublicId('user', c.req.valid('param').userId);
    const user = id && (await findUserForViewer(c.var.services.db, id, c.var.viewer?.userId));
    if (!user) throw notFound('User');
    return c.json({ success: true as const, data: publicProfile(user, user.isFollowing) }, 200);
  });
