import { createRoute, z } from '@hono/zod-openapi';
import { requireAuth } from '../../middleware/auth';
import { bearerAuth, errorResponses, jsonContent, success } from '../../schemas/envelope';

const tag = ['Your account'];
const ExportIdParam = z.object({ exportId: z.string() });

export const ExportStarted = z
  .object({ exportId: z.string(), status: z.literal('processing') })
  .openapi('ExportStarted');

export const ExportState = z
  .object({
    exportId: z.string(),
    status: z.enum(['processing', 'ready', 'failed']),
    createdAt: z.string(),
    expiresAt: z.string(),
    downloadUrl: z.string().nullable(),
    size: z.number().int().nullable(),
  })
  .openapi('ExportState');

export const requestExport = createRoute({
  method: 'post',
  path: '/',
  tags: tag,
  summary: 'Export everything of the account (one ZIP, built in the background)',
  description: 'At most one export runs per account: asking again while one runs answers the running one.',
  security: bearerAuth,
  middleware: [requireAuth] as const,
  responses: { 202: jsonContent(success(ExportStarted), 'Building'), ...errorResponses(401) },
});

export const getExport = createRoute({
  method: 'get',
  path: '/{exportId}',
  tags: tag,
  summary: 'An export of the caller’s account, with a signed expiring download URL once ready',
  security: bearerAuth,
  middleware: [requireAuth] as const,
  request: { params: ExportIdParam },
  responses: { 200: jsonContent(success(ExportState), 'The export'), ...errorResponses(401, 404) },
});

export const downloadExport = createRoute({
  method: 'get',
  path: '/{exportId}/download',
  tags: tag,
  summary: 'The ZIP itself, through the signed URL `GET /users/profile/export/{exportId}` gives',
  request: {
    params: ExportIdParam,
    query: z.object({ expires: z.string().optional(), signature: z.string().optional() }),
  },
  responses: {
    200: {
      description: 'The ZIP',
      content: { 'application/zip': { schema: z.string().openapi({ format: 'binary' }) } },
    },
    ...errorResponses(404),
  },
});
