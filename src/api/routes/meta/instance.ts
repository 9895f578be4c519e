import { createRoute, z } from '@hono/zod-openapi';
import { limits, tokenLifetimes } from '../../../shared/limits';
import { createRouter } from '../../app-env';
import { configFrom } from '../../config';
import { jsonContent, success } from '../../schemas/envelope';

const instance = createRoute({
  method: 'get',
  path: '/instance',
  tags: ['Operations'],
  summary: 'The limits this server enforces, and its Web Push key',
  description:
    'The same constants the validators use, so a client can check input before sending it; `vapidPublicKey` is the application server key (base64url) to subscribe to Web Push with.',
  responses: { 200: jsonContent(success(z.record(z.string(), z.unknown())), 'Limits') },
});

export const instanceRoutes = createRouter().openapi(instance, (c) =>
  c.json(
    { success: true as const, data: { limits, tokenLifetimes, vapidPublicKey: configFrom(c.env).VAPID_PUBLIC_KEY } },
    200,
  ),
);
