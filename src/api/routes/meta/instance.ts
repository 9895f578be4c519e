import { createRoute, z } from '@hono/zod-openapi';
import { limits, tokenLifetimes } from '../../../shared/limits';
import { createRouter } from '../../app-env';
import { jsonContent, success } from '../../schemas/envelope';

const instance = createRoute({
  method: 'get',
  path: '/instance',
  tags: ['Operations'],
  summary: 'The limits this server enforces',
  description: 'The same constants the validators use, so a client can check input before sending it.',
  responses: { 200: jsonContent(success(z.record(z.string(), z.unknown())), 'Limits') },
});

export const instanceRoutes = createRouter().openapi(instance, (c) =>
  c.json({ success: true as const, data: { limits, tokenLifetimes } }, 200),
);
