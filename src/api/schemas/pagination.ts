import { z } from '@hono/zod-openapi';
import { limits } from '../../shared/limits';

/** `limit`: default 20, above 50 clamped to 50, below 1 or not a whole number a 400. */
const Limit = z
  .string()
  .regex(/^\d+$/, 'limit must be a whole number')
  .transform(Number)
  .pipe(z.number().int().min(1, 'limit must be at least 1'))
  .transform((n) => Math.min(n, limits.page.maxLimit))
  .optional()
  .transform((n) => n ?? limits.page.defaultLimit)
  .openapi({
    type: 'integer',
    example: 20,
    description: `1–${limits.page.maxLimit}, default ${limits.page.defaultLimit}`,
  });

export const CursorQuery = z.object({
  limit: Limit,
  cursor: z.string().max(512).optional().openapi({ description: 'The nextCursor of the previous page' }),
});

export const CursorPagination = z.object({ nextCursor: z.string().nullable(), hasMore: z.boolean() });

/** A position in a list ordered by (time, id): exact to the microsecond, so ties never skip or repeat. */
export const TimeIdPosition = z.strictObject({ t: z.string().max(40), id: z.uuid() });
export type TimeIdPosition = z.infer<typeof TimeIdPosition>;
