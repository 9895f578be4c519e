import { z } from '@hono/zod-openapi';
import { CursorPagination } from './pagination';
import { MediaItem, Privacy } from './posts';

export const FeedItem = z
  .object({
    postId: z.string(),
    userId: z.string(),
    username: z.string(),
    avatar: z.string().nullable(),
    imageUrl: z.string().openapi({ description: 'The thumbnail (longest side 320)' }),
    displayUrl: z.string().openapi({ description: 'The display size (longest side 1080)' }),
    caption: z.string().nullable(),
    altText: z.string().nullable(),
    tags: z.array(z.string()),
    privacy: Privacy,
    likesCount: z.number().int(),
    commentsCount: z.number().int(),
    isLiked: z.boolean(),
    blurhash: z.string().nullable().openapi({ description: 'A placeholder to paint before the thumbnail loads' }),
    aspectRatio: z.number().nullable(),
    createdAt: z.string(),
    media: z.array(MediaItem).openapi({ description: 'The photos, in display order' }),
    mediaCount: z.number().int(),
  })
  .openapi('FeedItem');

export const FeedPage = z.object({ posts: z.array(FeedItem), pagination: CursorPagination }).openapi('FeedPage');

export const GridItem = FeedItem.extend({
  processingStatus: z
    .enum(['processing', 'ready', 'failed'])
    .openapi({ description: 'Not ready only in the author’s own grid' }),
  imageUrl: z.string().nullable(),
  displayUrl: z.string().nullable(),
}).openapi('GridItem');

export const GridPage = z.object({ posts: z.array(GridItem), pagination: CursorPagination }).openapi('GridPage');
