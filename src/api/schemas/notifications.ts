import { z } from '@hono/zod-openapi';
import { notificationTypes } from '../../db/schema';
import { CursorPagination } from './pagination';

export const Notification = z
  .object({
    notificationId: z.string().openapi({ example: 'notif_0f8e…' }),
    type: z.enum(notificationTypes),
    actor: z.object({ userId: z.string(), username: z.string(), avatar: z.string().nullable() }),
    postId: z.string().optional().openapi({ description: 'For likes and comments' }),
    commentId: z.string().optional().openapi({ description: 'For comments' }),
    content: z.string().optional().openapi({ description: 'The comment’s text as it was written' }),
    createdAt: z.string(),
    read: z.boolean(),
  })
  .openapi('Notification');

export const NotificationPage = z
  .object({ notifications: z.array(Notification), unreadCount: z.number().int(), pagination: CursorPagination })
  .openapi('NotificationPage');

/** The ids are those of the list; `{}` marks everything read. */
export const MarkReadBody = z
  .strictObject({
    ids: z
      .array(z.string().regex(/^notif_[0-9a-fA-F]{32}$/, 'not a notification id'))
      .max(100)
      .optional(),
  })
  .openapi('MarkReadRequest');

export const UnreadCount = z.object({ unreadCount: z.number().int() }).openapi('UnreadCount');

export const StreamQuery = z.object({
  token: z.string().max(4096).optional().openapi({
    description:
      'The access token, for clients that cannot set headers on a WebSocket (browsers); or offer it as the subprotocol `bearer.<token>`',
  }),
  events: z.enum(['status']).optional().openapi({
    description:
      '`status` also sends `media.updated` and `post.updated` events about your own uploads (docs/media.md); without it only notifications arrive',
  }),
});
