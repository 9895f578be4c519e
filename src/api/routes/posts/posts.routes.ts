import { createRoute, z } from '@hono/zod-openapi';
import { limits } from '../../../shared/limits';
import { optionalAuth, requireAuth } from '../../middleware/auth';
import { rateLimitByUser } from '../../middleware/rate-limit';
import { bearerAuth, errorResponses, jsonContent, optionalBearerAuth, success } from '../../schemas/envelope';
import { CursorQuery } from '../../schemas/pagination';
import { PostCreate } from '../../schemas/media';
import { PostDetail } from '../../schemas/posts';
import { Comment, CommentBody, CommentList, LikeState } from '../../schemas/social';

const tag = ['Likes and comments'];
const PostIdParam = z.object({ postId: z.string() });
const socialRateLimit = rateLimitByUser('social', limits.rateLimits.social);

function likeRoute(method: 'post' | 'delete') {
  return createRoute({
    method,
    path: '/{postId}/like',
    tags: tag,
    summary: method === 'post' ? 'Like a post (idempotent)' : 'Take a like back (idempotent)',
    security: bearerAuth,
    middleware: [requireAuth, socialRateLimit] as const,
    request: { params: PostIdParam },
    responses: { 200: jsonContent(success(LikeState), 'The like state'), ...errorResponses(401, 404, 429) },
  });
}

export const likePost = likeRoute('post');
export const unlikePost = likeRoute('delete');

export const addCommentRoute = createRoute({
  method: 'post',
  path: '/{postId}/comments',
  tags: tag,
  summary: 'Comment on a post',
  security: bearerAuth,
  middleware: [requireAuth, socialRateLimit] as const,
  request: { params: PostIdParam, body: { content: { 'application/json': { schema: CommentBody } }, required: true } },
  responses: { 201: jsonContent(success(Comment), 'The comment'), ...errorResponses(400, 401, 404, 413, 429) },
});

export const listCommentsRoute = createRoute({
  method: 'get',
  path: '/{postId}/comments',
  tags: tag,
  summary: "A post's comments, oldest first",
  security: optionalBearerAuth,
  middleware: [optionalAuth] as const,
  request: { params: PostIdParam, query: CursorQuery },
  responses: { 200: jsonContent(success(CommentList), 'A page of comments'), ...errorResponses(400, 401, 404) },
});

export const deleteCommentRoute = createRoute({
  method: 'delete',
  path: '/{postId}/comments/{commentId}',
  tags: tag,
  summary: "Delete a comment (its author or the post's author)",
  security: bearerAuth,
  middleware: [requireAuth] as const,
  request: { params: z.object({ postId: z.string(), commentId: z.string() }) },
  responses: {
    200: jsonContent(success(z.object({ commentId: z.string(), deleted: z.literal(true) })), 'Deleted'),
    ...errorResponses(401, 403, 404),
  },
});

export const createPostRoute = createRoute({
  method: 'post',
  path: '/',
  tags: ['Posts with several photos'],
  summary: 'Make a post of 1 to 20 of your uploaded photos, in order',
  description:
    'Each id must be your own photo from `POST /media`, not yet in a post. 201 when every photo is ready ' +
    '(the post is ready at once), else 202: the post becomes ready when all its photos are, failed when one fails.',
  security: bearerAuth,
  middleware: [requireAuth] as const,
  request: { body: { content: { 'application/json': { schema: PostCreate } }, required: true } },
  responses: {
    201: jsonContent(success(PostDetail), 'The post, ready'),
    202: jsonContent(success(PostDetail), 'The post, processing until its photos are ready'),
    ...errorResponses(400, 401, 404, 409, 413),
  },
});
