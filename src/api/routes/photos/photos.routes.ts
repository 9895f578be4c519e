import { createRoute } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { limits } from '../../../shared/limits';
import { requireAuth } from '../../middleware/auth';
import { rateLimitByUser } from '../../middleware/rate-limit';
import { uploadBodyLimit } from '../../middleware/upload-body-limit';
import { bearerAuth, errorResponses, jsonContent, success } from '../../schemas/envelope';
import { MediaAccepted, MediaDetail, MediaIdParam, MediaPatch, MediaUploadForm } from '../../schemas/media';

const tag = ['Posts with several photos'];

export const uploadMedia = createRoute({
  method: 'post',
  path: '/',
  tags: tag,
  summary: 'Upload one photo for a post to come',
  description:
    'Validated exactly like `POST /images/upload`. Processing starts at once; attach the photo with `POST /posts` ' +
    `within ${limits.media.unattachedHours} hours, or it is deleted. An \`Idempotency-Key\` header makes a retry safe.`,
  security: bearerAuth,
  middleware: [requireAuth, rateLimitByUser('upload', limits.rateLimits.uploads), uploadBodyLimit] as const,
  request: {
    body: { content: { 'multipart/form-data': { schema: MediaUploadForm } }, required: true },
    headers: z.object({ 'idempotency-key': z.string().min(1).max(255).optional() }),
  },
  responses: {
    202: jsonContent(
      success(MediaAccepted),
      'Stored; processing. A retry with the same Idempotency-Key within 24 h gets this first answer again',
    ),
    ...errorResponses(400, 401, 413, 415, 422, 429),
  },
});

export const getMedia = createRoute({
  method: 'get',
  path: '/{mediaId}',
  tags: tag,
  summary: 'One of your photos, with its processing state (uploader only)',
  security: bearerAuth,
  middleware: [requireAuth] as const,
  request: { params: MediaIdParam },
  responses: { 200: jsonContent(success(MediaDetail), 'The photo'), ...errorResponses(401, 404) },
});

export const patchMedia = createRoute({
  method: 'patch',
  path: '/{mediaId}',
  tags: tag,
  summary: 'Change a photo’s alt text (uploader only), also once it is in a post',
  security: bearerAuth,
  middleware: [requireAuth] as const,
  request: {
    params: MediaIdParam,
    body: { content: { 'application/json': { schema: MediaPatch } }, required: true },
  },
  responses: { 200: jsonContent(success(MediaDetail), 'The photo'), ...errorResponses(400, 401, 404, 413) },
});
