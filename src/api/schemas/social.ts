import { z } from '@hono/zod-openapi';
import { limits } from '../../shared/limits';
import { CursorPagination } from './pagination';

export const UserSummary = z
  .object({
    userId: z.string(),
    username: z.string(),
    fullName: z.string().nullable(),
    avatar: z.string().nullable(),
    isFollowing: z.boolean(),
  })
  .openapi('UserSummary');

export const UserList = z.object({ users: z.array(UserSummary), pagination: CursorPagination }).openapi('UserList');

export const FollowState = z
  .object({ userId: z.string(), isFollowing: z.boolean(), followersCount: z.number().int() })
  .openapi('FollowState');

export const LikeState = z
  .object({ postId: z.string(), isLiked: z.boolean(), likesCount: z.number().int() })
  .openapi('LikeState');

export const CommentBody = z
  .strictObject({
    content: z.string().trim().min(limits.comment.min, 'A comment cannot be empty').max(limits.comment.max),
  })
  .openapi('CommentRequest');

export const Comment = z
  .object({
    commentId: z.string(),
    postId: z.string(),
    userId: z.string(),
    username: z.string(),
    avatar: z.string().nullable(),
    content: z.string(),
    createdAt: z.string(),
  })
  .openapi('Comment');

export const CommentList = z
  .object({ comments: z.array(Comment), pagination: CursorPagination })
  .openapi('CommentList');
