import { createRoute, z } from '@hono/zod-openapi';
import { limits } from '../../../shared/limits';
import { requireAuth } from '../../middleware/auth';
import { rateLimitByUser } from '../../middleware/rate-limit';
import { bearerAuth, errorResponses, jsonContent, success } from '../../schemas/envelope';
import {
  MarkReadBody,
  NotificationPage,
  NotificationPreferences,
  PreferencesPatch,
  PushSubscriptionBody,
  PushSubscriptionId,
  PushSubscriptionParam,
  StreamQuery,
  UnreadCount,
} from '../../schemas/notifications';
import { CursorQuery } from '../../schemas/pagination';

const tag = ['Notifications'];

export const listNotificationsRoute = createRoute({
  method: 'get',
  path: '/notifications',
  tags: tag,
  summary: 'The caller’s notifications, newest first, and how many are unread',
  security: bearerAuth,
  middleware: [requireAuth] as const,
  request: { query: CursorQuery },
  responses: { 200: jsonContent(success(NotificationPage), 'A page of notifications'), ...errorResponses(400, 401) },
});

export const markReadRoute = createRoute({
  method: 'post',
  path: '/notifications/read',
  tags: tag,
  summary: 'Marks notifications read: the listed ids, or all with `{}`',
  description: 'Ids of notifications that were withdrawn or are not the caller’s change nothing.',
  security: bearerAuth,
  middleware: [requireAuth] as const,
  request: { body: { content: { 'application/json': { schema: MarkReadBody } }, required: true } },
  responses: { 200: jsonContent(success(UnreadCount), 'How many stay unread'), ...errorResponses(400, 401, 413, 415) },
});

export const streamRoute = createRoute({
  method: 'get',
  path: '/notifications/stream',
  tags: tag,
  summary: 'A WebSocket that receives each new notification as it happens',
  description: [
    'Open with `Upgrade: websocket`. Authenticate with `?token=<accessToken>`, or offer the subprotocols',
    '`lumen.notifications.v1, bearer.<accessToken>` (the server then answers with `lumen.notifications.v1`).',
    'Each new notification arrives as one text frame: the same JSON object as in the list. With `?events=status`',
    'the stream also carries `{ type: "media.updated" }` and `{ type: "post.updated" }` events about your uploads;',
    'otherwise the server sends nothing else. A client may send `ping` to keep the connection alive and gets `pong`.',
    'A missing or invalid token is a 401 before any upgrade; a request without `Upgrade: websocket` is a 400.',
  ].join(' '),
  request: { query: StreamQuery },
  responses: { 101: { description: 'Switching Protocols: the stream is open' }, ...errorResponses(400, 401) },
});

export const getPreferencesRoute = createRoute({
  method: 'get',
  path: '/notifications/preferences',
  tags: tag,
  summary: 'Who may notify the caller of likes, comments and follows',
  security: bearerAuth,
  middleware: [requireAuth] as const,
  responses: { 200: jsonContent(success(NotificationPreferences), 'The preferences'), ...errorResponses(401) },
});

export const patchPreferencesRoute = createRoute({
  method: 'patch',
  path: '/notifications/preferences',
  tags: tag,
  summary: 'Changes some of the preferences; the others keep their value',
  description:
    'A notification the preferences exclude is never stored, listed, counted, streamed or pushed; notifications already stored stay.',
  security: bearerAuth,
  middleware: [requireAuth] as const,
  request: { body: { content: { 'application/json': { schema: PreferencesPatch } }, required: true } },
  responses: {
    200: jsonContent(success(NotificationPreferences), 'All three preferences now'),
    ...errorResponses(400, 401, 413, 415),
  },
});

export const subscribePushRoute = createRoute({
  method: 'post',
  path: '/notifications/push-subscriptions',
  tags: tag,
  summary: 'Registers a Web Push subscription (a browser’s PushSubscription JSON) for the caller',
  description: [
    'Subscribe with `vapidPublicKey` from `GET /instance` as the application server key. The same endpoint again',
    'updates its keys and binds it to the caller (200). Only https endpoints on public hosts are accepted (a private,',
    'loopback or link-local address, credentials or a port in the URL is a 400); the local dev server also accepts',
    'http://localhost. Each account keeps its newest 20 subscriptions.',
  ].join(' '),
  security: bearerAuth,
  middleware: [requireAuth, rateLimitByUser('social', limits.rateLimits.social)] as const,
  request: { body: { content: { 'application/json': { schema: PushSubscriptionBody } }, required: true } },
  responses: {
    201: jsonContent(success(PushSubscriptionId), 'Subscribed'),
    200: jsonContent(success(PushSubscriptionId), 'The endpoint was known: updated, and now the caller’s'),
    ...errorResponses(400, 401, 413, 415, 429),
  },
});

export const unsubscribePushRoute = createRoute({
  method: 'delete',
  path: '/notifications/push-subscriptions/{subscriptionId}',
  tags: tag,
  summary: 'Removes one of the caller’s push subscriptions (anyone else’s is a 404)',
  security: bearerAuth,
  middleware: [requireAuth] as const,
  request: { params: PushSubscriptionParam },
  responses: {
    200: jsonContent(success(z.object({ subscriptionId: z.string(), deleted: z.literal(true) })), 'Deleted'),
    ...errorResponses(401, 404),
  },
});
