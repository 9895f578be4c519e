import { createRoute } from '@hono/zod-openapi';
import { limits } from '../../../shared/limits';
import { requireAuth } from '../../middleware/auth';
import { rateLimitByUser } from '../../middleware/rate-limit';
import { bearerAuth, errorResponses, jsonContent, success } from '../../schemas/envelope';
import { ReportBody, ReportReceipt } from '../../schemas/safety';

export const fileReportRoute = createRoute({
  method: 'post',
  path: '/',
  tags: ['Reports and moderation'],
  summary: 'Report a post, a comment or an account',
  description:
    'A target the caller may not see is a 404; reporting yourself is a 422. Reporting the same target again while the report is open returns that report (200).',
  security: bearerAuth,
  middleware: [requireAuth, rateLimitByUser('report', limits.rateLimits.reports)] as const,
  request: { body: { content: { 'application/json': { schema: ReportBody } }, required: true } },
  responses: {
    200: jsonContent(success(ReportReceipt), 'The open report already filed on this target'),
    201: jsonContent(success(ReportReceipt), 'Reported'),
    ...errorResponses(400, 401, 404, 413, 422, 429),
  },
});
