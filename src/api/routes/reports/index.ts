import type { Context } from 'hono';
import { findVisibleComment } from '../../../db/queries/comments';
import { fileReport } from '../../../db/queries/moderation';
import { findVisibleUser } from '../../../db/queries/users';
import type { ReportSnapshot, ReportTargetType } from '../../../db/schema';
import { ApiError, notFound } from '../../../shared/errors';
import { parsePublicId, toPublicId } from '../../../shared/ids';
import { createRouter, type AppEnv } from '../../app-env';
import { viewerOf } from '../../middleware/auth';
import { visiblePost } from '../../post-access';
import { fileReportRoute } from './reports.routes';

interface Target {
  id: string;
  ownerId: string;
  snapshot: ReportSnapshot;
}

/** The target as the reporter may see it, or the 404 they would get anywhere else. */
async function reportedTarget(c: Context<AppEnv>, type: ReportTargetType, publicId: string): Promise<Target> {
  const { db } = c.var.services;
  const { userId } = viewerOf(c);
  switch (type) {
    case 'post': {
      const { post } = await visiblePost(c, publicId);
      return { id: post.id, ownerId: post.userId, snapshot: { username: post.username, caption: post.caption } };
    }
    case 'comment': {
      const id = parsePublicId('comment', publicId);
      const comment = id && (await findVisibleComment(db, id, userId));
      if (!comment) throw notFound('Comment');
      await visiblePost(c, toPublicId('post', comment.postId)).catch(() => {
        throw notFound('Comment');
      });
      const snapshot = {
        username: comment.username,
        content: comment.content,
        postId: toPublicId('post', comment.postId),
      };
      return { id: comment.id, ownerId: comment.userId, snapshot };
    }
    case 'user': {
      const id = parsePublicId('user', publicId);
      const user = id && (await findVisibleUser(db, id, userId));
      if (!user) throw notFound('User');
      return { id: user.id, ownerId: user.id, snapshot: { username: user.username } };
    }
  }
}

export const reportRoutes = createRouter().openapi(fileReportRoute, async (c) => {
  const body = c.req.valid('json');
  const { userId } = viewerOf(c);
  const target = await reportedTarget(c, body.targetType, body.targetId);
  if (target.ownerId === userId) throw new ApiError('UNPROCESSABLE', 'You cannot report yourself or what you made');
  const report = await fileReport(c.var.services.db, {
    reporterId: userId,
    targetType: body.targetType,
    targetId: target.id,
    targetUserId: target.ownerId,
    reason: body.reason,
    comment: body.comment || null,
    snapshot: target.snapshot,
  });
  const data = {
    reportId: toPublicId('report', report.id),
    status: report.status,
    createdAt: report.createdAt.toISOString(),
  };
  return report.created ? c.json({ success: true as const, data }, 201) : c.json({ success: true as const, data }, 200);
});
