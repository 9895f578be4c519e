import { z } from '@hono/zod-openapi';
import { limits } from '../../shared/limits';
import { FeedItem } from './feed';
import { CursorQuery } from './pagination';

/** Deep pages cost an ever larger offset; beyond this a client should narrow the query instead. */
export const maxSearchPage = 500;

const Page = z
  .string()
  .regex(/^\d+$/, 'page must be a whole number')
  .transform(Number)
  .pipe(z.number().int().min(1, 'page must be at least 1').max(maxSearchPage))
  .optional()
  .transform((n) => n ?? 1)
  .openapi({ type: 'integer', example: 1, description: `1–${maxSearchPage}, default 1` });

const PageQuery = z.object({ page: Page, limit: CursorQuery.shape.limit });

/** Search text: Unicode-normalized so "é" typed as one character or as e + accent is the same query. */
const SearchText = z
  .string()
  .transform((text) => text.normalize('NFC').trim())
  .pipe(z.string().min(1, 'q must not be empty').max(100, 'q is at most 100 characters'));

export const PagePagination = z.object({
  page: z.number().int(),
  limit: z.number().int(),
  total: z.number().int().openapi({ description: 'Exact number of matches' }),
  hasMore: z.boolean(),
});

export const UserSearchQuery = PageQuery.extend({
  q: SearchText.openapi({
    description: 'Part of a username or full name (1–100 characters); case and accents ignored',
  }),
});

export const UserSearchItem = z
  .object({
    userId: z.string(),
    username: z.string(),
    fullName: z.string().nullable(),
    avatar: z.string().nullable(),
    followersCount: z.number().int(),
    isFollowing: z.boolean(),
  })
  .openapi('UserSearchItem');

export const UserSearchPage = z
  .object({ users: z.array(UserSearchItem), pagination: PagePagination })
  .openapi('UserSearchPage');

const tagPattern = new RegExp(limits.tags.pattern, 'u');

/** `tags=sunset,#Beach`: stored tags are lower case without "#", so the filter is too. */
const TagFilter = z
  .string()
  .transform((text) => text.split(',').map((tag) => tag.normalize('NFC').trim().replace(/^#/, '').toLowerCase()))
  .pipe(
    z
      .array(
        z.string().min(1, 'empty tag').max(limits.tags.maxLength).regex(tagPattern, 'Tags are letters, digits and "_"'),
      )
      .max(limits.tags.maxCount),
  );

export const PostSearchQuery = PageQuery.extend({
  q: SearchText.optional().openapi({
    description: 'Words, all of which must be in the caption or the tags; case and accents ignored',
  }),
  tags: TagFilter.optional().openapi({
    type: 'string',
    example: 'sunset,beach',
    description: 'Comma-separated; a post must carry all of them',
  }),
  sort: z.enum(['recent', 'relevant']).optional().openapi({
    description: '`relevant` (default with `q`): best text match first; `recent` (default without): newest first',
  }),
}).refine((query) => query.q !== undefined || query.tags !== undefined, {
  message: 'Give q, tags, or both',
  path: ['q'],
});

export const PostSearchItem = FeedItem.openapi('PostSearchItem');

export const PostSearchPage = z
  .object({ posts: z.array(PostSearchItem), pagination: PagePagination })
  .openapi('PostSearchPage');
