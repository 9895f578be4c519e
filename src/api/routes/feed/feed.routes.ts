import { createRoute, z } from '@hono/zod-openapi';
import { optionalAuth, requireAuth } from '../../middleware/auth';
import { bearerAuth, errorResponses, jsonContent, optionalBearerAuth, success } from '../../schemas/envelope';
import { FeedPage, GridPage } from '../../schemas/feed';
import { CursorQuery } from '../../schemas/pagination';

const tag = ['Feed and discovery'];

export const homeFeed = createRoute({
  method: 'get',
  path: '/feed',
  tags: tag,
  summary: 'Ready posts of the accounts the caller follows, and the caller’s own, newest first',
  description: '`page` is accepted for compatibility with the seed; prefer `cursor`.',
  security: bearerAuth,
  middleware: [requireAuth] as const,
  request: {
    query: CursorQuery.extend({
      page: z
        .string()
        .regex(/^\d+$/)
        .transform(Number)
        .pipe(z.number().int().min(1).max(50))
        .optional()
        .openapi({ type: 'integer' }),
    }),
  },
  responses: { 200: jsonContent(success(FeedPage), 'A page of the feed'), ...errorResponses(400, 401) },
});

export const userPosts = createRoute({
  method: 'get',
  path: '/users/{userId}/posts',
  tags: tag,
  summary: 'A user’s posts that the caller may see, newest first',
  description: 'The author also sees their processing and failed posts, with `processingStatus`.',
  security: optionalBearerAuth,
  middleware: [optionalAuth] as const,
  request: { params: z.object({ userId: z.string() }), query: CursorQuery },
  responses: { 200: jsonContent(success(GridPage), 'A page of the grid'), ...errorResponses(400, 401, 404) },
});

export const explore = createRoute({
  method: 'get',
  path: '/explore',
  tags: tag,
  summary: 'Popular public posts of the last 7 days, by likes',
  security: optionalBearerAuth,
  middleware: [optionalAuth] as const,
  request: { query: CursorQuery },
  responses: { 200: jsonContent(success(FeedPage), 'A page of popular posts'), ...errorResponses(400, 401) },
});
