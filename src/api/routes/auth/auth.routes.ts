import { createRoute, z } from '@hono/zod-openapi';
import { limits } from '../../../shared/limits';
import { requireAuth } from '../../middleware/auth';
import { rateLimitByClientIp } from '../../middleware/rate-limit';
import { LoginBody, LogoutBody, RefreshBody, RegisterBody, TokenPair } from '../../schemas/auth';
import { bearerAuth, errorResponses, jsonContent, success } from '../../schemas/envelope';

const authRateLimit = rateLimitByClientIp('auth', limits.rateLimits.auth);
const tag = ['Authentication'];
const jsonBody = <T>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });

export const register = createRoute({
  method: 'post',
  path: '/register',
  tags: tag,
  summary: 'Create an account',
  middleware: [authRateLimit] as const,
  request: { body: jsonBody(RegisterBody) },
  responses: {
    201: jsonContent(success(TokenPair), 'The account, signed in'),
    ...errorResponses(400, 409, 413, 429),
  },
});

export const login = createRoute({
  method: 'post',
  path: '/login',
  tags: tag,
  summary: 'Sign in with email and password',
  description: 'An unknown email and a wrong password give the same 401 `INVALID_CREDENTIALS`.',
  middleware: [authRateLimit] as const,
  request: { body: jsonBody(LoginBody) },
  responses: { 200: jsonContent(success(TokenPair), 'Signed in'), ...errorResponses(400, 401, 403, 413, 429) },
});

export const refresh = createRoute({
  method: 'post',
  path: '/refresh',
  tags: tag,
  summary: 'Exchange a refresh token for a new token pair',
  description:
    'Each refresh token works once. Presenting a spent one is treated as theft: the whole login session ' +
    '(every token descended from the same login) is revoked.',
  request: { body: jsonBody(RefreshBody) },
  responses: { 200: jsonContent(success(TokenPair), 'A new token pair'), ...errorResponses(400, 401, 413) },
});

export const logout = createRoute({
  method: 'post',
  path: '/logout',
  tags: tag,
  summary: 'End the login session',
  description:
    "The session's refresh token and access tokens stop working at once. A refresh token in the body ends " +
    'its session too, if it is the same account.',
  security: bearerAuth,
  middleware: [requireAuth] as const,
  request: { body: { content: { 'application/json': { schema: LogoutBody } }, required: false } },
  responses: {
    200: jsonContent(success(z.object({ loggedOut: z.literal(true) })), 'Signed out'),
    ...errorResponses(400, 401, 413),
  },
});
