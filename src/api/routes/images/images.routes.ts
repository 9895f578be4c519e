import { createRoute, z } from '@hono/zod-openapi';
import { limits } from '../../../shared/limits';
import { optionalAuth, requireAuth } from '../../middleware/auth';
import { rateLimitByUser } from '../../middleware/rate-limit';
import { uploadBodyLimit } from '../../middleware/upload-body-limit';
import { bearerAuth, errorResponses, jsonContent, optionalBearerAuth, success } from '../../schemas/envelope';
import { PostDetail, PostPatch, UploadAccepted, UploadForm } from '../../schemas/posts';

const tag = ['Posts and images'];
const PostIdParam = z.object({ postId: z.string() });

export const upload = createRoute({
  method: 'post',
  path: '/upload',
  tags: tag,
  summary: 'Upload a photo',
  description:
    'Accepted formats are judged by the bytes: JPEG, PNG, WebP, HEIC, AVIF. The answer comes as soon as the original is ' +
    'stored; processing continues in the background (poll `GET /images/{postId}`). An `Idempotency-Key` header ' +
    'makes a retried upload safe for 24 hours.',
  security: bearerAuth,
  middleware: [requireAuth, rateLimitByUser('upload', limits.rateLimits.uploads), uploadBodyLimit] as const,
  request: {
    body: { content: { 'multipart/form-data': { schema: UploadForm } }, required: true },
    headers: z.object({ 'idempotency-key': z.string().min(1).max(255).optional() }),
  },
  responses: {
    202: jsonContent(
      success(UploadAccepted),
      'Stored; processing. A retry with the same Idempotency-Key within 24 h gets this first answer again',
    ),
    ...errorResponses(400, 401, 413, 415, 422, 429),
  },
});

export const getPost = createRoute({
  method: 'get',
  path: '/{postId}',
  tags: tag,
  summary: 'A post with its image URLs and metadata',
  security: optionalBearerAuth,
  middleware: [optionalAuth] as const,
  request: { params: PostIdParam },
  responses: { 200: jsonContent(success(PostDetail), 'The post'), ...errorResponses(401, 404) },
});

export const patchPost = createRoute({
  method: 'patch',
  path: '/{postId}',
  tags: tag,
  summary: 'Edit caption, alt text, tags, location or privacy (author only)',
  security: bearerAuth,
  middleware: [requireAuth] as const,
  request: { params: PostIdParam, body: { content: { 'application/json': { schema: PostPatch } }, required: true } },
  responses: { 200: jsonContent(success(PostDetail), 'The updated post'), ...errorResponses(400, 401, 404, 413) },
});

export const deletePostRoute = createRoute({
  method: 'delete',
  path: '/{postId}',
  tags: tag,
  summary: 'Delete a post and every stored image of it (author only)',
  security: bearerAuth,
  middleware: [requireAuth] as const,
  request: { params: PostIdParam },
  responses: {
    200: jsonContent(success(z.object({ postId: z.string(), deleted: z.literal(true) })), 'Deleted'),
    ...errorResponses(401, 404),
  },
});
