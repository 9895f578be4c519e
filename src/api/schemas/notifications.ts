import { z } from '@hono/zod-openapi';
import { notificationAudiences, notificationTypes } from '../../db/schema';
import { fromBase64url } from '../../shared/base64url';
import { limits } from '../../shared/limits';
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

const Audience = z.enum(notificationAudiences).openapi({
  description: '`everyone` (the default), `following` (only accounts the caller follows) or `off`',
});

export const NotificationPreferences = z
  .object({ like: Audience, comment: Audience, follow: Audience })
  .openapi('NotificationPreferences');

/** Any of the three; those left out keep their value. */
export const PreferencesPatch = z
  .strictObject({ like: Audience.optional(), comment: Audience.optional(), follow: Audience.optional() })
  .openapi('NotificationPreferencesPatch');

const base64urlOf = (bytes: number, what: string) =>
  z
    .string()
    .max(200)
    .refine((text) => {
      try {
        return fromBase64url(text).byteLength === bytes;
      } catch {
        return false;
      }
    }, `${what} must be ${bytes} bytes, base64url`);

/** A browser's `PushSubscription.toJSON()`; `expirationTime` is accepted and not kept. */
export const PushSubscriptionBody = z
  .object({
    endpoint: z.string().min(1).max(limits.pushSubscriptions.endpointMaxLength),
    expirationTime: z.number().nullable().optional(),
    keys: z.object({
      p256dh: base64urlOf(65, 'p256dh').refine(
        (text) => fromBase64url(text)[0] === 4,
        'p256dh must be an uncompressed P-256 point',
      ),
      auth: base64urlOf(16, 'auth'),
    }),
  })
  .openapi('PushSubscriptionRequest');

export const PushSubscriptionId = z
  .object({ subscriptionId: z.string().openapi({ example: 'push_4be0…' }) })
  .openapi('PushSubscriptionId');

export const PushSubscriptionParam = z.object({ subscriptionId: z.string() });
