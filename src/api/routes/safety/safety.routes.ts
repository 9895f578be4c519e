import { createRoute, z } from '@hono/zod-openapi';
import { limits } from '../../../shared/limits';
import { requireAuth } from '../../middleware/auth';
import { rateLimitByUser } from '../../middleware/rate-limit';
import { bearerAuth, errorResponses, jsonContent, success } from '../../schemas/envelope';
import { CursorQuery } from '../../schemas/pagination';
import { BlockState, MuteState, SafetyUserList } from '../../schemas/safety';

const tag = ['Blocks and mutes'];
const UserIdParam = z.object({ userId: z.string() });
const socialRateLimit = rateLimitByUser('social', limits.rateLimits.social);

function relationRoute(relation: 'block' | 'mute', method: 'post' | 'delete') {
  const state = relation === 'block' ? BlockState : MuteState;
  const summaries = {
    'block:post': 'Block a user: follows end both ways, each disappears for the other (idempotent)',
    'block:delete': 'Unblock a user; follows stay ended (idempotent)',
    'mute:post': "Mute a user: their posts leave the caller's lists, silently (idempotent)",
    'mute:delete': 'Unmute a user (idempotent)',
  } as const;
  return createRoute({
    method,
    path: `/{userId}/${relation}`,
    tags: tag,
    summary: summaries[`${relation}:${method}`],
    security: bearerAuth,
    middleware: [requireAuth, socialRateLimit] as const,
    request: { params: UserIdParam },
    responses: {
      200: jsonContent(success(state), `The ${relation} state`),
      ...errorResponses(401, 404, 422, 429),
    },
  });
}

export const blockUser = relationRoute('block', 'post');
export const unblockUser = relationRoute('block', 'delete');
export const muteUser = relationRoute('mute', 'post');
export const unmuteUser = relationRoute('mute', 'delete');

function ownList(list: 'blocks' | 'mutes') {
  return createRoute({
    method: 'get',
    path: `/${list}`,
    tags: tag,
    summary:
      list === 'blocks'
        ? 'The accounts the caller blocked, newest first'
        : 'The accounts the caller muted, newest first',
    security: bearerAuth,
    middleware: [requireAuth] as const,
    request: { query: CursorQuery },
    responses: { 200: jsonContent(success(SafetyUserList), 'A page of users'), ...errorResponses(400, 401) },
  });
}

export const listBlocks = ownList('blocks');
export const listMutes = ownList('mutes');
