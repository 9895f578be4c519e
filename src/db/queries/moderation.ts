/**
 * Reports, moderation actions and suspension. Each action writes its effect, the resolution of
 * every open report on the target and the log entry in one transaction.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import {
  comments,
  media,
  moderationActions,
  posts,
  reports,
  sessions,
  users,
  type ModerationActionKind,
  type PostPrivacy,
  type ReportReason,
  type ReportResolution,
  type ReportSnapshot,
  type ReportTargetType,
  type UserRole,
} from '../schema';
import { exactTime } from './exact-time';

export async function roleOf(db: Db, userId: string): Promise<UserRole | undefined> {
  const result = await db.execute<{ role: UserRole }>(sql`select role from ${users} where id = ${userId}`);
  return result.rows[0]?.role;
}

export interface NewReport {
  reporterId: string;
  targetType: ReportTargetType;
  targetId: string;
  targetUserId: string;
  reason: ReportReason;
  comment: string | null;
  snapshot: ReportSnapshot;
}

/**
 * Files the report, or returns the reporter's open report on the same target (`created: false`):
 * the partial unique index makes the two concurrent cases one.
 */
export async function fileReport(db: Db, report: NewReport) {
  const result = await db.execute<{
    id: string;
    status: 'open' | 'resolved';
    created_at: string;
    created: boolean;
  }>(sql`
    with inserted as (
      insert into ${reports} (reporter_id, target_type, target_id, target_user_id, reason, comment, snapshot)
      values (${report.reporterId}, ${report.targetType}, ${report.targetId}, ${report.targetUserId}, ${report.reason},
              ${report.comment}, ${JSON.stringify(report.snapshot)}::jsonb)
      on conflict (reporter_id, target_type, target_id) where status = 'open' do nothing
      returning id, status, created_at
    )
    select id, status, created_at, true as created from inserted
    union all
    select id, status, created_at, false from ${reports}
    where reporter_id = ${report.reporterId} and target_type = ${report.targetType} and target_id = ${report.targetId}
      and status = 'open' and not exists (select 1 from inserted)`);
  const row = result.rows[0];
  if (!row) throw new Error('report insert returned nothing');
  return { id: row.id, status: row.status, createdAt: new Date(row.created_at), created: row.created === true };
}

export interface QueuedReport {
  id: string;
  status: 'open' | 'resolved';
  reason: ReportReason;
  comment: string | null;
  reporter: { id: string; username: string; fullName: string | null; avatarUrl: string | null };
  targetType: ReportTargetType;
  targetId: string;
  targetUserId: string;
  snapshot: ReportSnapshot;
  /** The reported post as it stands, if it still exists: its thumbnail is shown from it. */
  post: { privacy: PostPrivacy; status: string; imageName: string | null } | null;
  openReports: number;
  resolution: { action: ReportResolution; note: string | null; resolvedAt: Date } | null;
  createdAt: Date;
  t: string;
}

type QueueRow = {
  id: string;
  status: 'open' | 'resolved';
  reason: ReportReason;
  comment: string | null;
  reporter_id: string;
  reporter_username: string;
  reporter_full_name: string | null;
  reporter_avatar_url: string | null;
  target_type: ReportTargetType;
  target_id: string;
  target_user_id: string;
  snapshot: ReportSnapshot;
  post_privacy: PostPrivacy | null;
  post_status: string | null;
  image_name: string | null;
  open_reports: string;
  resolution: ReportResolution | null;
  resolution_note: string | null;
  resolved_at: string | null;
  created_at: string;
  t: string;
};

/** A page of the queue, oldest first, keyset on (created_at, id). */
export async function listReports(
  db: Db,
  status: 'open' | 'resolved',
  limit: number,
  after: { t: string; id: string } | undefined,
): Promise<QueuedReport[]> {
  const keyset = after ? sql`and (r.created_at, r.id) > (${after.t}::timestamptz, ${after.id}::uuid)` : sql``;
  const result = await db.execute<QueueRow>(sql`
    select r.id, r.status, r.reason, r.comment, r.reporter_id, ru.username as reporter_username,
           ru.full_name as reporter_full_name, ru.avatar_url as reporter_avatar_url,
           r.target_type, r.target_id, r.target_user_id, r.snapshot,
           p.privacy as post_privacy, p.status as post_status,
           (select m.image_name from ${media} m where m.post_id = p.id order by m.position, m.id limit 1) as image_name,
           (select count(*) from ${reports} o
            where o.target_type = r.target_type and o.target_id = r.target_id and o.status = 'open') as open_reports,
           r.resolution, r.resolution_note, r.resolved_at, r.created_at, ${exactTime(sql`r.created_at`)} as t
    from ${reports} r
    join ${users} ru on ru.id = r.reporter_id
    left join ${posts} p on r.target_type = 'post' and p.id = r.target_id
    where r.status = ${status} ${keyset}
    order by r.created_at, r.id
    limit ${limit}`);
  return result.rows.map((r) => ({
    id: r.id,
    status: r.status,
    reason: r.reason,
    comment: r.comment,
    reporter: {
      id: r.reporter_id,
      username: r.reporter_username,
      fullName: r.reporter_full_name,
      avatarUrl: r.reporter_avatar_url,
    },
    targetType: r.target_type,
    targetId: r.target_id,
    targetUserId: r.target_user_id,
    snapshot: r.snapshot,
    post:
      r.post_privacy && r.post_status
        ? { privacy: r.post_privacy, status: r.post_status, imageName: r.image_name }
        : null,
    openReports: Number(r.open_reports),
    resolution:
      r.resolution && r.resolved_at
        ? { action: r.resolution, note: r.resolution_note, resolvedAt: new Date(r.resolved_at) }
        : null,
    createdAt: new Date(r.created_at),
    t: r.t,
  }));
}

export async function findReport(db: Db, reportId: string) {
  const result = await db.execute<{
    id: string;
    status: 'open' | 'resolved';
    target_type: ReportTargetType;
    target_id: string;
    target_user_id: string;
  }>(sql`select id, status, target_type, target_id, target_user_id from ${reports} where id = ${reportId}`);
  const row = result.rows[0];
  return (
    row && {
      id: row.id,
      status: row.status,
      targetType: row.target_type,
      targetId: row.target_id,
      targetUserId: row.target_user_id,
    }
  );
}

/** The report a decision answers: every open report on its target is resolved with it. */
export interface DecidedReport {
  id: string;
  targetType: ReportTargetType;
  targetId: string;
}

function logEntry(
  db: Db,
  entry: { moderatorId: string; action: ModerationActionKind; targetType: ReportTargetType; targetId: string },
  reportId: string | null,
  note: string | null,
) {
  return db.insert(moderationActions).values({ ...entry, reportId, note });
}

function resolveOpenReports(
  db: Db,
  report: DecidedReport,
  moderatorId: string,
  resolution: ReportResolution,
  note: string | null,
) {
  return db.execute(sql`
    update ${reports} set status = 'resolved', resolution = ${resolution}, resolved_by = ${moderatorId},
           resolution_note = ${note}, resolved_at = now()
    where target_type = ${report.targetType} and target_id = ${report.targetId} and status = 'open'`);
}

/** Dismisses or records the removal of a report's target: resolves its open reports and logs it, one transaction. */
export async function recordResolution(
  db: Db,
  decision: { moderatorId: string; action: 'dismiss' | 'remove'; report: DecidedReport; note: string | null },
): Promise<void> {
  const { moderatorId, action, report, note } = decision;
  await db.batch([
    resolveOpenReports(db, report, moderatorId, action, note),
    logEntry(db, { moderatorId, action, targetType: report.targetType, targetId: report.targetId }, report.id, note),
  ]);
}

/**
 * Suspends the account: marks it, ends every session it has (its tokens fail on the next
 * request), logs it and, when it answers a report, resolves that target's open reports — one
 * transaction. Counters are left alone: its follows and likes stay. False when there is no such account.
 */
export async function suspendAccount(
  db: Db,
  decision: { moderatorId: string; userId: string; note: string | null; report?: DecidedReport },
): Promise<boolean> {
  const { moderatorId, userId, note, report } = decision;
  const [marked] = await db.batch([
    db.execute<{ id: string }>(sql`
      update ${users} set suspended_at = coalesce(suspended_at, now()) where id = ${userId} returning id`),
    db.execute(sql`
      update ${sessions} set revoked_at = now(), revoked_reason = 'suspended'
      where user_id = ${userId} and revoked_at is null`),
    loggedIfExists(db, moderatorId, 'suspend', userId, report?.id ?? null, note),
    ...(report ? [resolveOpenReports(db, report, moderatorId, 'suspend', note)] : []),
  ]);
  return marked.rows.length > 0;
}

function loggedIfExists(
  db: Db,
  moderatorId: string,
  action: 'suspend' | 'unsuspend',
  userId: string,
  reportId: string | null,
  note: string | null,
) {
  return db.execute(sql`
    insert into ${moderationActions} (moderator_id, action, target_type, target_id, report_id, note)
    select ${moderatorId}, ${action}, 'user', ${userId}, ${reportId}, ${note}
    where exists (select 1 from ${users} where id = ${userId})`);
}

/** Lifts a suspension and logs it; what the account made comes back as it was. */
export async function unsuspendAccount(
  db: Db,
  decision: { moderatorId: string; userId: string; note: string | null },
): Promise<boolean> {
  const [marked] = await db.batch([
    db.execute<{ id: string }>(sql`update ${users} set suspended_at = null where id = ${decision.userId} returning id`),
    loggedIfExists(db, decision.moderatorId, 'unsuspend', decision.userId, null, decision.note),
  ]);
  return marked.rows.length > 0;
}

/** Whose a post is, whatever its state or its author's: what a removal needs. */
export async function postAuthorOf(db: Db, postId: string): Promise<string | undefined> {
  const result = await db.execute<{ user_id: string }>(sql`select user_id from ${posts} where id = ${postId}`);
  return result.rows[0]?.user_id;
}

/** The newest ready posts of an author, to bring back into followers' timelines after a suspension. */
export async function recentPostIds(db: Db, authorId: string, limit: number): Promise<string[]> {
  const result = await db.execute<{ id: string }>(sql`
    select id from ${posts} where user_id = ${authorId} and status = 'ready'
    order by created_at desc, id desc limit ${limit}`);
  return result.rows.map((r) => r.id);
}

/**
 * Takes a comment down for everyone, as if deleted: the row goes and the post's counter follows in
 * the same statement. Returns where it was, or nothing when it is gone already.
 */
export async function removeComment(db: Db, commentId: string) {
  const result = await db.execute<{ post_id: string; user_id: string; post_author: string }>(sql`
    with removed as (delete from ${comments} where id = ${commentId} returning post_id, user_id),
    counted as (update ${posts} set comments_count = comments_count - 1 where id in (select post_id from removed))
    select r.post_id, r.user_id, p.user_id as post_author from removed r join ${posts} p on p.id = r.post_id`);
  const row = result.rows[0];
  return row && { postId: row.post_id, authorId: row.user_id, postAuthorId: row.post_author };
}

export interface LogEntry {
  id: string;
  moderator: { id: string; username: string | null; fullName: string | null; avatarUrl: string | null };
  action: ModerationActionKind;
  targetType: ReportTargetType;
  targetId: string;
  reportId: string | null;
  note: string | null;
  createdAt: Date;
  t: string;
}

/** A page of the log, newest first; a moderator whose account is gone still shows by id. */
export async function listLog(
  db: Db,
  limit: number,
  after: { t: string; id: string } | undefined,
): Promise<LogEntry[]> {
  const keyset: SQL = after ? sql`where (a.created_at, a.id) < (${after.t}::timestamptz, ${after.id}::uuid)` : sql``;
  const result = await db.execute<{
    id: string;
    moderator_id: string;
    username: string | null;
    full_name: string | null;
    avatar_url: string | null;
    action: ModerationActionKind;
    target_type: ReportTargetType;
    target_id: string;
    report_id: string | null;
    note: string | null;
    created_at: string;
    t: string;
  }>(sql`
    select a.id, a.moderator_id, u.username, u.full_name, u.avatar_url, a.action, a.target_type, a.target_id,
           a.report_id, a.note, a.created_at, ${exactTime(sql`a.created_at`)} as t
    from ${moderationActions} a left join ${users} u on u.id = a.moderator_id
    ${keyset}
    order by a.created_at desc, a.id desc
    limit ${limit}`);
  return result.rows.map((r) => ({
    id: r.id,
    moderator: { id: r.moderator_id, username: r.username, fullName: r.full_name, avatarUrl: r.avatar_url },
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    reportId: r.report_id,
    note: r.note,
    createdAt: new Date(r.created_at),
    t: r.t,
  }));
}
