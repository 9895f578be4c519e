import { addComment, deleteComment, listComments, type CommentRow } from '../../../db/queries/comments';
import { like, unlike } from '../../../db/queries/likes';
import { ApiError, notFound } from '../../../shared/errors';
import { parsePublicId, toPublicId } from '../../../shared/ids';
import { createRouter } from '../../app-env';
import { cacheKeys, invalidate } from '../../../shared/kv-cache';
import { viewerOf } from '../../middleware/auth';
import { pageOf } from '../../pagination';
import { visiblePost } from '../../post-access';
import { TimeIdPosition } from '../../schemas/pagination';
import { postDetail } from '../images/present';
import { createPost } from './create-post';
import {
  addCommentRoute,
  createPostRoute,
  deleteCommentRoute,
  likePost,
  listCommentsRoute,
  unlikePost,
} from './posts.routes';

const presentComment = (comment: CommentRow) => ({
  commentId: toPublicId('comment', comment.id),
  postId: toPublicId('post', comment.postId),
  userId: toPublicId('user', comment.userId),
  username: comment.username,
  avatar: comment.avatarUrl,
  content: comment.content,
  createdAt: comment.createdAt.toISOString(),
});

export const postRoutes = createRouter()
  .openapi(createPostRoute, async (c) => {
    const { userId } = viewerOf(c);
    const { postId, ready } = await createPost(c, userId, c.req.valid('json'));
    const { post } = await visiblePost(c, toPublicId('post', postId));
    const detail = await postDetail(c.var.services.imageUrls, post, true);
    return ready
      ? c.json({ success: true as const, data: detail }, 201)
      : c.json({ success: true as const, data: detail }, 202);
  })
  .openapi(likePost, async (c) => {
    const { post } = await visiblePost(c, c.req.valid('param').postId);
    const { userId } = viewerOf(c);
    const outcome = await like(c.var.services.db, post.id, userId);
    if (outcome.changed) {
      await invalidate(c.var.services.cache, [cacheKeys.post(post.id)]);
      await c.var.services.publish({ kind: 'like', actorId: userId, recipientId: post.userId, postId: post.id });
    }
    const data = { postId: toPublicId('post', post.id), isLiked: true, likesCount: outcome.likesCount };
    return c.json({ success: true as const, data }, 200);
  })
  .openapi(unlikePost, async (c) => {
    const { post } = await visiblePost(c, c.req.valid('param').postId);
    const { userId } = viewerOf(c);
    const outcome = await unlike(c.var.services.db, post.id, userId);
    if (outcome.changed) {
      await invalidate(c.var.services.cache, [cacheKeys.post(post.id)]);
      await c.var.services.publish({ kind: 'unlike', actorId: userId, recipientId: post.userId, postId: post.id });
    }
    const data = { postId: toPublicId('post', post.id), isLiked: false, likesCount: outcome.likesCount };
    return c.json({ success: true as const, data }, 200);
  })
  .openapi(addCommentRoute, async (c) => {
    const { post } = await visiblePost(c, c.req.valid('param').postId);
    const { userId } = viewerOf(c);
    const comment = await addComment(c.var.services.db, post.id, userId, c.req.valid('json').content);
    await invalidate(c.var.services.cache, [cacheKeys.post(post.id)]);
    await c.var.services.publish({
      kind: 'comment',
      actorId: userId,
      recipientId: post.userId,
      postId: post.id,
      commentId: comment.id,
    });
    return c.json({ success: true as const, data: presentComment(comment) }, 201);
  })
  .openapi(listCommentsRoute, async (c) => {
    const { post } = await visiblePost(c, c.req.valid('param').postId);
    const { limit, cursor } = c.req.valid('query');
    const { db, cursors } = c.var.services;
    const after = cursor ? await cursors.decode(TimeIdPosition, cursor) : undefined;
    const rows = await listComments(db, post.id, c.var.viewer?.userId, limit + 1, after);
    const { items, pagination } = await pageOf(rows, limit, cursors, (row) => ({ t: row.position, id: row.id }));
    return c.json({ success: true as const, data: { comments: items.map(presentComment), pagination } }, 200);
  })
  .openapi(deleteCommentRoute, async (c) => {
    const params = c.req.valid('param');
    const { post } = await visiblePost(c, params.postId);
    const commentId = parsePublicId('comment', params.commentId);
    if (!commentId) throw notFound('Comment');
    const outcome = await deleteComment(c.var.services.db, post.id, commentId, viewerOf(c).userId);
    if (outcome.result === 'not-found') throw notFound('Comment');
    if (outcome.result === 'forbidden')
      throw new ApiError('FORBIDDEN', "Only the comment's author or the post's author can delete it");
    await invalidate(c.var.services.cache, [cacheKeys.post(post.id)]);
    // The notification belonged to the comment's author's action, whoever deletes it.
    await c.var.services.publish({
      kind: 'uncomment',
      actorId: outcome.commentAuthorId,
      recipientId: post.userId,
      postId: post.id,
      commentId,
    });
    return c.json(
      { success: true as const, data: { commentId: toPublicId('comment', commentId), deleted: true as const } },
      200,
    );
  });
