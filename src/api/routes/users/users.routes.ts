import { createRoute, z } from '@hono/zod-openapi';
import { optionalAuth, requireAuth } from '../../middleware/auth';
import { bearerAuth, errorResponses, jsonContent, optionalBearerAuth, success } from '../../schemas/envelope';
import { AvatarForm, OwnProfile, ProfilePatch, PublicProfile } from '../../schemas/users';
import { limits } from '../../../shared/limits';
import { rateLimitByUser } from '../../middleware/rate-limit';
import { uploadBodyLimit } from '../../middleware/upload-body-limit';
import { CursorQuery } from '../../schemas/pagination';
import { FollowState, UserList } from '../../schemas/social';

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

const UserIdParam = z.object({ userId: z.string() });
const socialRateLimit = rateLimitByUser('social', limits.rateLimits.social);

export const followUser = createRoute({
  method: 'post',
  path: '/{userId}/follow',
  tags: ['Social graph'],
  summary: 'Follow a user (idempotent)',
  security: bearerAuth,
  middleware: [requireAuth, socialRateLimit] as const,
  request: { params: UserIdParam },
  responses: { 200: jsonContent(success(FollowState), 'Following'), ...errorResponses(401, 404, 422, 429) },
});

export const unfollowUser = createRoute({
  method: 'delete',
  path: '/{userId}/follow',
  tags: ['Social graph'],
  summary: 'Stop following a user (idempotent)',
  security: bearerAuth,
  middleware: [requireAuth, socialRateLimit] as const,
  request: { params: UserIdParam },
  responses: { 200: jsonContent(success(FollowState), 'Not following'), ...errorResponses(401, 404, 429) },
});

function followList(direction: 'followers' | 'following') {
  return createRoute({
    method: 'get',
    path: `/{userId}/${direction}`,
    tags: ['Social graph'],
    summary: direction === 'followers' ? "A user's followers, newest first" : 'Whom a user follows, newest first',
    security: optionalBearerAuth,
    middleware: [optionalAuth] as const,
    request: { params: UserIdParam, query: CursorQuery },
    responses: { 200: jsonContent(success(UserList), 'A page of users'), ...errorResponses(400, 401, 404) },
  });
}

export const listFollowers = followList('followers');
export const listFollowing = followList('following');

export const putAvatar = createRoute({
  method: 'put',
  path: '/profile/avatar',
  tags: tag,
  summary: 'Change the profile photo',
  description: 'The same formats and limits as photo uploads; the answer carries the new square `avatar` URL.',
  security: bearerAuth,
  middleware: [requireAuth, rateLimitByUser('upload', limits.rateLimits.uploads), uploadBodyLimit] as const,
  request: { body: { content: { 'multipart/form-data': { schema: AvatarForm } }, required: true } },
  responses: {
    200: jsonContent(success(OwnProfile), 'The profile with its new avatar'),
    ...errorResponses(400, 401, 413, 415, 422, 429),
  },
});
