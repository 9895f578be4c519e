import type { Context } from 'hono';
import {
  findReport,
  listLog,
  listReports,
  postAuthorOf,
  recentPostIds,
  recordResolution,
  removeComment,
  suspendAccount,
  unsuspendAccount,
  type DecidedReport,
  type QueuedReport,
} from '../../../db/queries/moderation';
import { liveConnectionsOf } from '../../../notifications/live-channel';
import { ApiError, notFound } from '../../../shared/errors';
import { parsePublicId, toPublicId, type IdKind } from '../../../shared/ids';
import { cacheKeys, invalidate } from '../../../shared/kv-cache';
import { createRouter, type AppEnv } from '../../app-env';
import type { ImageUrlSigner } from '../../image-urls';
import { viewerOf } from '../../middleware/auth';
import { pageOf } from '../../pagination';
import { removePost } from '../../post-removal';
import type { Services } from '../../services';
import { TimeIdPosition } from '../../schemas/pagination';
import { listReportsRoute, logRoute, resolveReportRoute, suspendRoute, unsuspendRoute } from './moderation.routes';

// How many of an account's newest posts a suspension change refreshes in KV and in timelines.
const recentPostsTouched = 200;

async function presentReport(imageUrls: ImageUrlSigner, report: QueuedReport) {
  const targetId = toPublicId(report.targetType, report.targetId);
  // Signed whatever the post's privacy (a public post's bytes ignore the signature): the moderator must see it.
  // The post's first photo, as its own thumbnail is.
  const imageName = report.post?.status === 'ready' ? report.post.imageName : null;
  const thumbnailUrl =
    report.targetType === 'post'
      ? imageName
        ? await imageUrls.urlFor(imageName, 'private', 'thumbnail')
        : null
      : undefined;
  return {
    reportId: toPublicId('report', report.id),
    status: report.status,
    reason: report.reason,
    comment: report.comment,
    reporter: {
      userId: toPublicId('user', report.reporter.id),
      username: report.reporter.username,
      fullName: report.reporter.fullName,
      avatar: report.reporter.avatarUrl,
    },
    target: {
      type: report.targetType,
      id: targetId,
      userId: toPublicId('user', report.targetUserId),
      ...report.snapshot,
      ...(thumbnailUrl !== undefined && { thumbnailUrl }),
    },
    reportCount: report.openReports,
    createdAt: report.createdAt.toISOString(),
    ...(report.resolution && {
      resolution: {
        action: report.resolution.action,
        note: report.resolution.note,
        resolvedAt: report.resolution.resolvedAt.toISOString(),
      },
    }),
  };
}

/** Cached copies of the account and its newest posts go, so anonymous readers stop seeing them at once. */
async function forgetCachedCopies(services: Services, userId: string, postIds: string[]) {
  await invalidate(services.cache, [cacheKeys.profile(userId), ...postIds.map((id) => cacheKeys.post(id))]);
}

async function suspend(c: Context<AppEnv>, userId: string, note: string | null, report?: DecidedReport) {
  const services = c.var.services;
  const moderatorId = viewerOf(c).userId;
  if (userId === moderatorId) throw new ApiError('UNPROCESSABLE', 'You cannot suspend yourself');
  if (!(await suspendAccount(services.db, { moderatorId, userId, note, ...(report && { report }) }))) {
    throw notFound('User');
  }
  await liveConnectionsOf(c.env.LIVE_CONNECTIONS, userId).endStreams('account suspended');
  await forgetCachedCopies(services, userId, await recentPostIds(services.db, userId, recentPostsTouched));
}

async function unsuspend(c: Context<AppEnv>, userId: string, note: string | null) {
  const services = c.var.services;
  if (!(await unsuspendAccount(services.db, { moderatorId: viewerOf(c).userId, userId, note }))) throw notFound('User');
  const postIds = await recentPostIds(services.db, userId, recentPostsTouched);
  await forgetCachedCopies(services, userId, postIds);
  // Feed reads dropped the hidden posts from followers' timelines; fanning them out again restores them.
  for (let i = 0; i < postIds.length; i += 100) {
    await services.fanOutQueue.sendBatch(
      postIds.slice(i, i + 100).map((postId) => ({ body: { kind: 'fan-out', postId } })),
    );
  }
}

async function removeTarget(services: Services, report: DecidedReport) {
  if (report.targetType === 'user') {
    throw new ApiError('UNPROCESSABLE', 'An account cannot be removed; suspend it instead');
  }
  if (report.targetType === 'post') {
    const authorId = await postAuthorOf(services.db, report.targetId);
    if (authorId) await removePost(services, { id: report.targetId, userId: authorId });
    return;
  }
  const removed = await removeComment(services.db, report.targetId);
  if (!removed) return;
  await invalidate(services.cache, [cacheKeys.post(removed.postId)]);
  await services.publish({
    kind: 'uncomment',
    actorId: removed.authorId,
    recipientId: removed.postAuthorId,
    postId: removed.postId,
    commentId: report.targetId,
  });
}

function userIdOrNotFound(publicId: string): string {
  const id = parsePublicId('user', publicId);
  if (!id) throw notFound('User');
  return id;
}

export const moderationRoutes = createRouter()
  .openapi(listReportsRoute, async (c) => {
    const { db, cursors, imageUrls } = c.var.services;
    const { status, limit, cursor } = c.req.valid('query');
    const after = cursor ? await cursors.decode(TimeIdPosition, cursor) : undefined;
    const rows = await listReports(db, status, limit + 1, after);
    const { items, pagination } = await pageOf(rows, limit, cursors, (row) => ({ t: row.t, id: row.id }));
    const reports = await Promise.all(items.map((report) => presentReport(imageUrls, report)));
    return c.json({ success: true as const, data: { reports, pagination } }, 200);
  })
  .openapi(resolveReportRoute, async (c) => {
    const services = c.var.services;
    const reportId = parsePublicId('report', c.req.valid('param').reportId);
    const report = reportId && (await findReport(services.db, reportId));
    if (!report) throw notFound('Report');
    if (report.status !== 'open') throw new ApiError('UNPROCESSABLE', 'This report is already resolved');
    const { action, note } = c.req.valid('json');
    const moderatorId = viewerOf(c).userId;
    if (action === 'suspend') {
      await suspend(c, report.targetUserId, note ?? null, report);
    } else {
      if (action === 'remove') await removeTarget(services, report);
      await recordResolution(services.db, { moderatorId, action, report, note: note ?? null });
    }
    const data = { reportId: toPublicId('report', report.id), status: 'resolved' as const, action };
    return c.json({ success: true as const, data }, 200);
  })
  .openapi(suspendRoute, async (c) => {
    const userId = userIdOrNotFound(c.req.valid('param').userId);
    const note = c.req.header('Content-Type')?.includes('json') ? c.req.valid('json').note : undefined;
    await suspend(c, userId, note ?? null);
    return c.json({ success: true as const, data: { userId: toPublicId('user', userId), suspended: true } }, 200);
  })
  .openapi(unsuspendRoute, async (c) => {
    const userId = userIdOrNotFound(c.req.valid('param').userId);
    const note = c.req.header('Content-Type')?.includes('json') ? c.req.valid('json').note : undefined;
    await unsuspend(c, userId, note ?? null);
    return c.json({ success: true as const, data: { userId: toPublicId('user', userId), suspended: false } }, 200);
  })
  .openapi(logRoute, async (c) => {
    const { db, cursors } = c.var.services;
    const { limit, cursor } = c.req.valid('query');
    const after = cursor ? await cursors.decode(TimeIdPosition, cursor) : undefined;
    const rows = await listLog(db, limit + 1, after);
    const { items, pagination } = await pageOf(rows, limit, cursors, (row) => ({ t: row.t, id: row.id }));
    const actions = items.map((entry) => ({
      actionId: toPublicId('action', entry.id),
      moderator: {
        userId: toPublicId('user', entry.moderator.id),
        username: entry.moderator.username,
        fullName: entry.moderator.fullName,
        avatar: entry.moderator.avatarUrl,
      },
      action: entry.action,
      target: { type: entry.targetType, id: toPublicId(entry.targetType as IdKind, entry.targetId) },
      reportId: entry.reportId && toPublicId('report', entry.reportId),
      note: entry.note,
      createdAt: entry.createdAt.toISOString(),
    }));
    return c.json({ success: true as const, data: { actions, pagination } }, 200);
  });
