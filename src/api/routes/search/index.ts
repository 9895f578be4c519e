import { hydratePosts } from '../../../db/queries/feed';
import { searchPosts, searchUsers, type PostSort } from '../../../db/queries/search';
import { toPublicId } from '../../../shared/ids';
import { createRouter } from '../../app-env';
import { feedItem } from '../feed/present';
import { searchPostsRoute, searchUsersRoute } from './search.routes';

const pageWindow = (page: number, limit: number) => ({ limit, offset: (page - 1) * limit });

const pagination = (page: number, limit: number, total: number) => ({
  page,
  limit,
  total,
  hasMore: page * limit < total,
});

export const searchRoutes = createRouter()
  .openapi(searchUsersRoute, async (c) => {
    const { q, page, limit } = c.req.valid('query');
    const found = await searchUsers(c.var.services.db, q, c.var.viewer?.userId, pageWindow(page, limit));
    const users = found.users.map((user) => ({
      userId: toPublicId('user', user.id),
      username: user.username,
      fullName: user.fullName,
      avatar: user.avatarUrl,
      followersCount: user.followersCount,
      isFollowing: user.isFollowing,
    }));
    return c.json({ success: true as const, data: { users, pagination: pagination(page, limit, found.total) } }, 200);
  })
  .openapi(searchPostsRoute, async (c) => {
    const { q, tags, sort, page, limit } = c.req.valid('query');
    const { db, imageUrls } = c.var.services;
    const viewerId = c.var.viewer?.userId;
    const order: PostSort = sort ?? (q !== undefined ? 'relevant' : 'recent');
    const found = await searchPosts(db, { words: q, tags, sort: order }, viewerId, pageWindow(page, limit));
    const hydrated = await hydratePosts(db, viewerId, found.postIds);
    const posts = await Promise.all(
      found.postIds.flatMap((id) => {
        const post = hydrated.get(id);
        return post ? [feedItem(imageUrls, post)] : [];
      }),
    );
    return c.json({ success: true as const, data: { posts, pagination: pagination(page, limit, found.total) } }, 200);
  });
