import { listNotifications, markRead, unreadCount } from '../../../db/queries/notifications';
import { streamSessionHeader } from '../../../durable-objects/live-connections';
import { liveConnectionsOf } from '../../../notifications/live-channel';
import { presentNotification } from '../../../notifications/present';
import { parsePublicId } from '../../../shared/ids';
import { createRouter } from '../../app-env';
import { authenticate, viewerOf } from '../../middleware/auth';
import { pageOf } from '../../pagination';
import { TimeIdPosition } from '../../schemas/pagination';
import { listNotificationsRoute, markReadRoute, streamRoute } from './notifications.routes';
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
  });
