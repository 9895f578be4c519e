import { createMiddleware } from 'hono/factory';
import { roleOf } from '../../db/queries/moderation';
import { ApiError } from '../../shared/errors';
import type { AppEnv } from '../app-env';

/** For /moderation/*; must come after `requireAuth`. The role is read fresh, so a demotion holds at once. */
export const requireModerator = createMiddleware<AppEnv>(async function requireModerator(c, next) {
  const viewer = c.var.viewer;
  const role = viewer && (await roleOf(c.var.services.db, viewer.userId));
  if (role !== 'moderator' && role !== 'admin') throw new ApiError('FORBIDDEN', 'Only moderators can do this');
  await next();
});
