import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { ApiError } from '../../../shared/errors';
import { createRouter } from '../../app-env';
import { errorResponses, jsonContent, success } from '../../schemas/envelope';

const databaseTimeoutMs = 3000;

const health = createRoute({
  method: 'get',
  path: '/health',
  tags: ['Operations'],
  summary: 'Liveness, including the database',
  responses: {
    200: jsonContent(success(z.object({ status: z.literal('ok'), db: z.literal('ok') })), 'All is well'),
    ...errorResponses(503),
  },
});

async function databaseAnswers(run: () => Promise<unknown>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), databaseTimeoutMs);
  });
  try {
    return await Promise.race([run().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export const healthRoutes = createRouter().openapi(health, async (c) => {
  if (!(await databaseAnswers(() => c.var.services.db.execute(sql`select 1`)))) {
    throw new ApiError('SERVICE_UNAVAILABLE', 'The database does not answer', {
      details: { status: 'degraded', db: 'unreachable' },
      headers: { 'Retry-After': '5' },
    });
  }
  return c.json({ success: true as const, data: { status: 'ok' as const, db: 'ok' as const } }, 200);
});
