import { z } from '@hono/zod-openapi';
import { hydratePosts, profileGrid } from '../../../db/queries/feed';
import { findVisibleUser } from '../../../db/queries/users';
import { timelineOf } from '../../../durable-objects/timeline-client';
import { readFeed } from '../../../feed/read-feed';
import { notFound } from '../../../shared/errors';
import { parsePublicId } from '../../../shared/ids';
import { createRouter } from '../../app-env';
import { viewerOf } from '../../middleware/auth';
import { pageOf } from '../../pagination';
import { TimeIdPosition } from '../../schemas/pagination';
import { currentRanking, rankingSnapshot } from './explore-ranking';
import { explore, homeFeed, userPosts } from './feed.routes';
import { feedItem, gridItem } from './present';

const RankingPosition = z.strictObject({ s: z.uuid(), o: z.number().int().min(0).max(10_000) });

export const feedRoutes = createRouter()
  .openapi(homeFeed, async (c) => {
    const { userId } = viewerOf(c);
    const { db, timelines, fanOutLimit, cursors, imageUrls } = c.var.services;
    const { limit, cursor, page } = c.req.valid('query');
    let before = cursor ? await cursors.decode(TimeIdPosition, cursor) : null;
    // `page` (the seed's) walks the cursor from the top; bounded, since timelines are capped anyway.
    for (let skip = cursor ? 0 : (page ?? 1) - 1; skip > 0 && before !== null; skip--) {
      const skipped = await readFeed({ db, timelines, fanOutLimit }, userId, before, limit);
      before = skipped.next;
    }
    const result = await readFeed({ db, timelines, fanOutLimit }, userId, before, limit);
    if (result.stale.length) c.executionCtx.waitUntil(timelineOf(timelines, userId).removePosts(result.stale));
    const posts = await Promise.all(result.posts.map((post) => feedItem(imageUrls, post)));
    const nextCursor = result.next ? await cursors.encode(result.next) : null;
    return c.json(
      { success: true as const, data: { posts, pagination: { nextCursor, hasMore: nextCursor !== null } } },
      200,
    );
  })
  .openapi(userPosts, async (c) => {
    const { db, cursors, imageUrls } = c.var.services;
    const authorId = parsePublicId('user', c.req.valid('param').userId);
    const viewerId = c.var.viewer?.userId;
    if (!authorId || !(await findVisibleUser(db, authorId, viewerId))) throw notFound('User');
    const { limit, cursor } = c.req.valid('query');
    const after = cursor ? await cursors.decode(TimeIdPosition, cursor) : null;
    const rows = await profileGrid(db, authorId, viewerId, after, limit + 1);
    const { items, pagination } = await pageOf(rows, limit, cursors, (row) => ({ t: row.t, id: row.id }));
    const posts = await Promise.all(items.map((post) => gridItem(imageUrls, post)));
    return c.json({ success: true as const, data: { posts, pagination } }, 200);
  })
  .openapi(explore, async (c) => {
    const { db, cache, cursors, imageUrls } = c.var.services;
    const { limit, cursor } = c.req.valid('query');
    const position = cursor ? await cursors.decode(RankingPosition, cursor) : null;
    const ranking = position ? await rankingSnapshot(db, cache, position.s) : await currentRanking(db, cache);
    const offset = position?.s === ranking.snapshot ? position.o : 0;
    const ids = ranking.postIds.slice(offset, offset + limit);
    const viewerId = c.var.viewer?.userId;
    // Re-checked at read time: a post deleted or made private since the ranking was cached drops out.
    const hydrated = await hydratePosts(db, viewerId, ids);
    const posts = await Promise.all(
      ids.flatMap((id) => {
        const post = hydrated.get(id);
        return post && post.privacy === 'public' ? [feedItem(imageUrls, post)] : [];
      }),
    );
    const hasMore = offset + limit < ranking.postIds.length;
    const nextCursor = hasMore ? await cursors.encode({ s: ranking.snapshot, o: offset + limit }) : null;
    return c.json({ success: true as const, data: { posts, pagination: { nextCursor, hasMore } } }, 200);
  });
