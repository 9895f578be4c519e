import { createRoute, z } from '@hono/zod-openapi';
import { optionalAuth, requireAuth } from '../../middleware/auth';
import { bearerAuth, errorResponses, jsonContent, optionalBearerAuth, success } from '../../schemas/envelope';
import { OwnProfile, ProfilePatch, PublicProfile } from '../../schemas/users';

const tag = ['Users'];

export const getOwnProfile = createRoute({
  method: 'get',
  path: '/profile',
  tags: tag,
  summary: "The caller's own profile, with email",
  security: bearerAuth,
  middleware: [requireAuth] as const,
  responses: { 200: jsonContent(success(OwnProfile), 'The profile'), ...errorResponses(401) },
});

export const patchOwnProfile = createRoute({
  method: 'patch',
  path: '/profile',
  tags: tag,
  summary: 'Change username, full name or bio',
  description: 'Any other field (counters, `email`, `isVerified`, …) is a 400 and nothing is applied.',
  security: bearerAuth,
  middleware: [requireAuth] as const,
  request: { body: { content: { 'application/json': { schema: ProfilePatch } }, required: true } },
  responses: { 200: jsonContent(success(OwnProfile), 'The updated profile'), ...errorResponses(400, 401, 409, 413) },
});

export const getUser = createRoute({
  method: 'get',
  path: '/{userId}',
  tags: tag,
  summary: "A user's public profile",
  description: 'Optional auth: with a token, `isFollowing` says whether the caller follows this user.',
  security: optionalBearerAuth,
  middleware: [optionalAuth] as const,
  request: { params: z.object({ userId: z.string() }) },
  responses: { 200: jsonContent(success(PublicProfile), 'The profile'), ...errorResponses(401, 404) },
});
