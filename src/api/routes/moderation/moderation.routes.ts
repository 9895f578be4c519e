import { createRoute, z } from '@hono/zod-openapi';
import { requireAuth } from '../../middleware/auth';
import { requireModerator } from '../../middleware/moderator';
import { bearerAuth, errorResponses, jsonContent, success } from '../../schemas/envelope';
import { CursorQuery } from '../../schemas/pagination';
import {
  ModerationLog,
  ModeratorNote,
  ReportQueue,
  ReportQueueQuery,
  Resolution,
  ResolveBody,
  SuspensionState,
} from '../../schemas/safety';

const tag = ['Reports and moderation'];

export const listReportsRoute = createRoute({
  method: 'get',
  path: '/reports',
  tags: tag,
  summary: 'The report queue, oldest first (moderators)',
  security: bearerAuth,
  middleware: [requireAuth, requireModerator] as const,
  request: { query: ReportQueueQuery },
  responses: { 200: jsonContent(success(ReportQueue), 'A page of reports'), ...errorResponses(400, 401, 403) },
});

export const resolveReportRoute = createRoute({
  method: 'post',
  path: '/reports/{reportId}/resolve',
  tags: tag,
  summary: 'Dismiss, remove the target, or suspend its account; resolves every open report on the target',
  security: bearerAuth,
  middleware: [requireAuth, requireModerator] as const,
  request: {
    params: z.object({ reportId: z.string() }),
    body: { content: { 'application/json': { schema: ResolveBody } }, required: true },
  },
  responses: {
    200: jsonContent(success(Resolution), 'Resolved'),
    ...errorResponses(400, 401, 403, 404, 413, 422),
  },
});

function suspensionRoute(action: 'suspend' | 'unsuspend') {
  return createRoute({
    method: 'post',
    path: `/users/{userId}/${action}`,
    tags: tag,
    summary:
      action === 'suspend'
        ? 'Suspend an account: its sessions end, everything it made is hidden'
        : 'Lift a suspension: everything comes back as it was',
    security: bearerAuth,
    middleware: [requireAuth, requireModerator] as const,
    request: {
      params: z.object({ userId: z.string() }),
      body: { content: { 'application/json': { schema: ModeratorNote } }, required: false },
    },
    responses: {
      200: jsonContent(success(SuspensionState), 'The suspension state'),
      ...errorResponses(400, 401, 403, 404, 413, 422),
    },
  });
}

export const suspendRoute = suspensionRoute('suspend');
export const unsuspendRoute = suspensionRoute('unsuspend');

export const logRoute = createRoute({
  method: 'get',
  path: '/log',
  tags: tag,
  summary: 'Every moderation action, newest first (moderators)',
  security: bearerAuth,
  middleware: [requireAuth, requireModerator] as const,
  request: { query: CursorQuery },
  responses: { 200: jsonContent(success(ModerationLog), 'A page of the log'), ...errorResponses(400, 401, 403) },
});
