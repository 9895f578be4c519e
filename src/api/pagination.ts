import type { CursorCodec } from './cursors';

/**
 * Turns `limit + 1` fetched rows into a page: the extra row only tells whether another page
 * exists, so no count query is needed. The cursor names the page's last row.
 */
export async function pageOf<Row>(
  rows: Row[],
  limit: number,
  cursors: CursorCodec,
  positionOf: (row: Row) => unknown,
): Promise<{ items: Row[]; pagination: { nextCursor: string | null; hasMore: boolean } }> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const hasMore = rows.length > limit;
  const nextCursor = hasMore && last !== undefined ? await cursors.encode(positionOf(last)) : null;
  return { items, pagination: { nextCursor, hasMore } };
}
