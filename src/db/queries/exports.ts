/** Data exports: their rows, and the pages of an account's data an export job reads. */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import {
  accountExports,
  blocks,
  comments,
  follows,
  likes,
  media,
  mutes,
  posts,
  users,
  type ExportRow,
} from '../schema';
import { mediaOfPost } from './media';

/** Starts an export, or finds the running one: at most one runs per account (a partial unique index). */
export async function startExport(
  db: Db,
  userId: string,
  expiresAt: Date,
): Promise<{ row: ExportRow; started: boolean }> {
  const [inserted] = await db
    .insert(accountExports)
    .values({ userId, expiresAt })
    .onConflictDoNothing({ target: accountExports.userId, where: sql`status = 'processing'` })
    .returning();
  if (inserted) return { row: inserted, started: true };
  const [running] = await db
    .select()
    .from(accountExports)
    .where(and(eq(accountExports.userId, userId), eq(accountExports.status, 'processing')))
    .limit(1);
  if (!running) throw new Error('an export was running and is not any more; ask again');
  return { row: running, started: false };
}

export async function findOwnExport(db: Db, exportId: string, userId: string): Promise<ExportRow | undefined> {
  const [row] = await db
    .select()
    .from(accountExports)
    .where(and(eq(accountExports.id, exportId), eq(accountExports.userId, userId)))
    .limit(1);
  return row;
}

/** A running export of a live account, with the account: what the job builds from. */
export async function exportToRun(db: Db, exportId: string) {
  const [row] = await db
    .select({ export: accountExports, user: users })
    .from(accountExports)
    .innerJoin(users, eq(users.id, accountExports.userId))
    .where(
      and(eq(accountExports.id, exportId), eq(accountExports.status, 'processing'), sql`${users.deletedAt} is null`),
    )
    .limit(1);
  return row;
}

export async function markExportReady(db: Db, exportId: string, size: number): Promise<boolean> {
  const rows = await db
    .update(accountExports)
    .set({ status: 'ready', size, completedAt: sql`now()` })
    .where(and(eq(accountExports.id, exportId), eq(accountExports.status, 'processing')))
    .returning({ id: accountExports.id });
  return rows.length > 0;
}

export async function markExportFailed(db: Db, exportId: string, reason: string): Promise<void> {
  await db
    .update(accountExports)
    .set({ status: 'failed', failureReason: reason.slice(0, 500), completedAt: sql`now()` })
    .where(and(eq(accountExports.id, exportId), eq(accountExports.status, 'processing')));
}

/** Exports past their expiry (any status): the sweep deletes their objects, then their rows. */
export async function expiredExportIds(db: Db, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: accountExports.id })
    .from(accountExports)
    .where(sql`${accountExports.expiresAt} < now()`)
    .limit(limit);
  return rows.map((r) => r.id);
}

/** Exports still running long after any job could: their job died for good. */
export async function failStaleExports(db: Db, olderThanSeconds: number): Promise<void> {
  await db.execute(sql`
    update ${accountExports} set status = 'failed', failure_reason = 'The export did not finish', completed_at = now()
    where status = 'processing' and created_at < now() - make_interval(secs => ${olderThanSeconds})`);
}

// ---- pages of the account's data, keyset on id so a page costs the same anywhere in the account ----

const afterId = (column: ReturnType<typeof sql>, after: string | null) =>
  after ? sql`and ${column} > ${after}::uuid` : sql``;

export function postsPage(db: Db, userId: string, after: string | null, limit: number) {
  return db
    .select({ post: posts, media: mediaOfPost(sql`${posts.id}`) })
    .from(posts)
    .where(sql`${posts.userId} = ${userId} ${afterId(sql`${posts.id}`, after)}`)
    .orderBy(posts.id)
    .limit(limit);
}

/** The account's photos in posts, with the R2 key of each original as uploaded. */
export function photosPage(db: Db, userId: string, after: string | null, limit: number) {
  return db
    .select({ id: media.id, originalKey: media.originalKey, format: media.format })
    .from(media)
    .where(sql`${media.userId} = ${userId} and ${media.postId} is not null ${afterId(sql`${media.id}`, after)}`)
    .orderBy(media.id)
    .limit(limit);
}

export function commentsPage(db: Db, userId: string, after: string | null, limit: number) {
  return db
    .select({ id: comments.id, postId: comments.postId, content: comments.content, createdAt: comments.createdAt })
    .from(comments)
    .where(sql`${comments.userId} = ${userId} ${afterId(sql`${comments.id}`, after)}`)
    .orderBy(comments.id)
    .limit(limit);
}

export async function likesPage(db: Db, userId: string, after: string | null, limit: number) {
  const rows = await db
    .select({ postId: likes.postId, createdAt: likes.createdAt })
    .from(likes)
    .where(sql`${likes.userId} = ${userId} ${afterId(sql`${likes.postId}`, after)}`)
    .orderBy(likes.postId)
    .limit(limit);
  return rows.map((r) => ({ id: r.postId, ...r }));
}

/** Followers (`direction = 'followers'`) or followed accounts, with their usernames. */
export function followsPage(
  db: Db,
  userId: string,
  direction: 'followers' | 'following',
  after: string | null,
  limit: number,
) {
  const [anchor, other] =
    direction === 'followers' ? [follows.followingId, follows.followerId] : [follows.followerId, follows.followingId];
  return db
    .select({ id: follows.id, userId: users.id, username: users.username, createdAt: follows.createdAt })
    .from(follows)
    .innerJoin(users, sql`${users.id} = ${other} and ${users.deletedAt} is null`)
    .where(sql`${anchor} = ${userId} ${afterId(sql`${follows.id}`, after)}`)
    .orderBy(follows.id)
    .limit(limit);
}

/** The accounts `userId` blocked (`relation: 'blocks'`) or muted, a page at a time, by their id. */
export function blocksOrMutesPage(
  db: Db,
  userId: string,
  relation: 'blocks' | 'mutes',
  after: string | null,
  limit: number,
) {
  const [table, owner, other] =
    relation === 'blocks' ? [blocks, blocks.blockerId, blocks.blockedId] : [mutes, mutes.muterId, mutes.mutedId];
  return db
    .select({ id: users.id, username: users.username, createdAt: table.createdAt })
    .from(table)
    .innerJoin(users, sql`${users.id} = ${other} and ${users.deletedAt} is null`)
    .where(sql`${owner} = ${userId} ${afterId(sql`${users.id}`, after)}`)
    .orderBy(users.id)
    .limit(limit);
}
