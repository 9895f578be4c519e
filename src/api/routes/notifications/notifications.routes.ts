import { createRoute } from '@hono/zod-openapi';
import { requireAuth } from '../../middleware/auth';
import { bearerAuth, errorResponses, jsonContent, success } from '../../schemas/envelope';
import { MarkReadBody, NotificationPage, StreamQuery, UnreadCount } from '../../schemas/notifications';
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
