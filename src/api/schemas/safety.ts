import { z } from '@hono/zod-openapi';
import { moderationActionKinds, reportReasons, reportResolutions, reportTargetTypes } from '../../db/schema';
import { limits } from '../../shared/limits';
import { CursorPagination, CursorQuery } from './pagination';
import { UserSummary } from './social';

export const BlockState = z.object({ userId: z.string(), isBlocked: z.boolean() }).openapi('BlockState');

export const MuteState = z.object({ userId: z.string(), isMuted: z.boolean() }).openapi('MuteState');

export const SafetyUserList = z
  .object({ users: z.array(UserSummary), pagination: CursorPagination })
  .openapi('SafetyUserList');

export const ReportBody = z
  .strictObject({
    targetType: z.enum(reportTargetTypes),
    targetId: z.string().max(64).openapi({ example: 'post_0190b7a1c2d34e5f8a9b0c1d2e3f4a5b' }),
    reason: z.enum(reportReasons),
    comment: z.string().trim().max(limits.report.commentMax).optional(),
  })
  .openapi('ReportRequest');

export const ReportReceipt = z
  .object({ reportId: z.string(), status: z.enum(['open', 'resolved']), createdAt: z.string() })
  .openapi('ReportReceipt');

export const ModeratorNote = z
  .strictObject({ note: z.string().trim().max(limits.moderationNote.max).optional() })
  .openapi('ModeratorNote');

export const ResolveBody = z
  .strictObject({
    action: z.enum(reportResolutions),
    note: z.string().trim().max(limits.moderationNote.max).optional(),
  })
  .openapi('ResolveReport');

const UserRef = z.object({
  userId: z.string(),
  username: z.string().nullable(),
  fullName: z.string().nullable(),
  avatar: z.string().nullable(),
});

export const QueuedReport = z
  .object({
    reportId: z.string(),
    status: z.enum(['open', 'resolved']),
    reason: z.enum(reportReasons),
    comment: z.string().nullable(),
    reporter: UserRef,
    target: z.object({
      type: z.enum(reportTargetTypes),
      id: z.string(),
      userId: z.string().openapi({ description: 'Whose the target is: the account `suspend` suspends' }),
      username: z.string(),
      caption: z.string().nullable().optional(),
      content: z.string().optional(),
      postId: z.string().optional().openapi({ description: 'The post a reported comment is on' }),
      thumbnailUrl: z.string().nullable().optional().openapi({
        description: "A reported post's thumbnail, signed for the moderator whatever its privacy; null once gone",
      }),
    }),
    reportCount: z.number().int().openapi({ description: 'Open reports on the same target' }),
    createdAt: z.string(),
    resolution: z
      .object({ action: z.enum(reportResolutions), note: z.string().nullable(), resolvedAt: z.string() })
      .optional(),
  })
  .openapi('QueuedReport');

export const ReportQueue = z
  .object({ reports: z.array(QueuedReport), pagination: CursorPagination })
  .openapi('ReportQueue');

export const ReportQueueQuery = CursorQuery.extend({ status: z.enum(['open', 'resolved']).default('open') });

export const Resolution = z
  .object({ reportId: z.string(), status: z.literal('resolved'), action: z.enum(reportResolutions) })
  .openapi('Resolution');

export const SuspensionState = z.object({ userId: z.string(), suspended: z.boolean() }).openapi('SuspensionState');

export const LogEntry = z
  .object({
    actionId: z.string(),
    moderator: UserRef,
    action: z.enum(moderationActionKinds),
    target: z.object({ type: z.enum(reportTargetTypes), id: z.string() }),
    reportId: z.string().nullable(),
    note: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('ModerationLogEntry');

export const ModerationLog = z
  .object({ actions: z.array(LogEntry), pagination: CursorPagination })
  .openapi('ModerationLog');
