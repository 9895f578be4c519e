import { createRoute } from '@hono/zod-openapi';
import { optionalAuth } from '../../middleware/auth';
import { errorResponses, jsonContent, optionalBearerAuth, success } from '../../schemas/envelope';
import { PostSearchPage, PostSearchQuery, UserSearchPage, UserSearchQuery } from '../../schemas/search';

const tag = ['Feed and discovery'];

export const searchUsersRoute = createRoute({
  method: 'get',
  path: '/search/users',
  tags: tag,
  summary: 'Users whose username or full name contains the query',
  description: 'Case- and accent-insensitive, prefix and substring. The exact username first, then the most followed.',
  security: optionalBearerAuth,
  middleware: [optionalAuth] as const,
  request: { query: UserSearchQuery },
  responses: { 200: jsonContent(success(UserSearchPage), 'A page of matching users'), ...errorResponses(400, 401) },
});

export const searchPostsRoute = createRoute({
  method: 'get',
  path: '/search/posts',
  tags: tag,
  summary: 'Ready posts the caller may see, by caption words and/or tags',
  description: 'At least one of `q` and `tags`. Items are feed items (with their tags).',
  security: optionalBearerAuth,
  middleware: [optionalAuth] as const,
  request: { query: PostSearchQuery },
  responses: { 200: jsonContent(success(PostSearchPage), 'A page of matching posts'), ...errorResponses(400, 401) },
});
