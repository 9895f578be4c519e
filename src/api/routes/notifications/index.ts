import { findPreferences, updatePreferences } from '../../../db/queries/notification-preferences';
import { listNotifications, markRead, unreadCount } from '../../../db/queries/notifications';
import { deletePushSubscription, savePushSubscription } from '../../../db/queries/push';
import { streamSessionHeader } from '../../../durable-objects/live-connections';
import { pushEndpointProblem } from '../../../notifications/push/endpoint-policy';
import { ApiError, notFound } from '../../../shared/errors';
import { limits } from '../../../shared/limits';
import { liveConnectionsOf } from '../../../notifications/live-channel';
import { presentNotification } from '../../../notifications/present';
import { parsePublicId, toPublicId } from '../../../shared/ids';
import { createRouter } from '../../app-env';
import { authenticate, viewerOf } from '../../middleware/auth';
import { pageOf } from '../../pagination';
import { TimeIdPosition } from '../../schemas/pagination';
import {
  getPreferencesRoute,
  listNotificationsRoute,
  markReadRoute,
  patchPreferencesRoute,
  streamRoute,
  subscribePushRoute,
  unsubscribePushRoute,
} from './notifications.routes';
import { requireWebSocketUpgrade, streamCredentials } from './stream';

export const notificationRoutes = createRouter()
  .openapi(listNotificationsRoute, async (c) => {
    const { userId } = viewerOf(c);
    const { db, cursors } = c.var.services;
    const { limit, cursor } = c.req.valid('query');
    const position = cursor ? await cursors.decode(TimeIdPosition, cursor) : null;
    const [rows, unread] = await Promise.all([
      listNotifications(db, userId, position, limit + 1),
      unreadCount(db, userId),
    ]);
    const { items, pagination } = await pageOf(rows, limit, cursors, (row) => ({ t: row.t, id: row.id }));
    const data = { notifications: items.map(presentNotification), unreadCount: unread, pagination };
    return c.json({ success: true as const, data }, 200);
  })
  .openapi(markReadRoute, async (c) => {
    const { userId } = viewerOf(c);
    // The body's ids are checked by the schema, so each parses.
    const ids = c.req.valid('json').ids?.flatMap((id) => parsePublicId('notif', id) ?? []);
    const unread = await markRead(c.var.services.db, userId, ids);
    return c.json({ success: true as const, data: { unreadCount: unread } }, 200);
  })
  .openapi(streamRoute, async (c) => {
    const credentials = streamCredentials(c, c.req.valid('query').token);
    const { userId, sessionId } = await authenticate(c, credentials.token);
    requireWebSocketUpgrade(c);
    const upgrade = new Request(c.req.raw);
    upgrade.headers.set(streamSessionHeader, sessionId);
    const opened = await liveConnectionsOf(c.env.LIVE_CONNECTIONS, userId).fetch(upgrade);
    if (!opened.webSocket || !credentials.protocol) return opened;
    return new Response(null, {
      status: 101,
      webSocket: opened.webSocket,
      headers: { 'Sec-WebSocket-Protocol': credentials.protocol },
    });
  })
  .openapi(getPreferencesRoute, async (c) => {
    const preferences = await findPreferences(c.var.services.db, viewerOf(c).userId);
    return c.json({ success: true as const, data: preferences }, 200);
  })
  .openapi(patchPreferencesRoute, async (c) => {
    const preferences = await updatePreferences(c.var.services.db, viewerOf(c).userId, c.req.valid('json'));
    return c.json({ success: true as const, data: preferences }, 200);
  })
  .openapi(subscribePushRoute, async (c) => {
    const { endpoint, keys } = c.req.valid('json');
    const problem = pushEndpointProblem(endpoint, c.var.services.pushEndpointPolicy);
    if (problem) {
      throw new ApiError('VALIDATION_ERROR', 'The request is invalid', {
        details: [{ field: 'endpoint', message: `endpoint refused: ${problem}` }],
      });
    }
    const saved = await savePushSubscription(
      c.var.services.db,
      viewerOf(c).userId,
      { endpoint, p256dh: keys.p256dh, auth: keys.auth },
      limits.pushSubscriptions.maxPerUser,
    );
    const data = { subscriptionId: toPublicId('push', saved.id) };
    return saved.created
      ? c.json({ success: true as const, data }, 201)
      : c.json({ success: true as const, data }, 200);
  })
  .openapi(unsubscribePushRoute, async (c) => {
    const { subscriptionId } = c.req.valid('param');
    const id = parsePublicId('push', subscriptionId);
    if (!id || !(await deletePushSubscription(c.var.services.db, viewerOf(c).userId, id))) {
      throw notFound('Push subscription');
    }
    return c.json({ success: true as const, data: { subscriptionId, deleted: true as const } }, 200);
  });
