import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { refreshTokens, sessions, users, type UserRow } from '../schema';
import type { NewSession } from './sessions';
import { profileVisibleTo } from './visibility';

export interface NewUser {
  id: string;
  username: string;
  email: string;
  passwordHash: string;
  fullName: string | null;
}

/** The account and its first login session in one transaction: never a user who cannot log in. */
export async function insertUserWithSession(db: Db, user: NewUser, session: NewSession): Promise<void> {
  await db.batch([
    db.insert(users).values(user),
    db.insert(sessions).values({ id: session.id, userId: user.id }),
    db.insert(refreshTokens).values({
      tokenHash: session.refreshTokenHash,
      sessionId: session.id,
      expiresAt: session.refreshExpiresAt,
    }),
  ]);
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`)
    .limit(1);
  return row;
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row;
}

export interface ViewerRelation {
  isFollowing: boolean;
  isBlocked: boolean;
  isMuted: boolean;
}

/**
 * A user as `viewerId` sees them, with how the viewer stands to them, in one round trip; nothing
 * when the viewer may not open the profile (suspended, or they blocked the viewer).
 */
export async function findUserForViewer(
  db: Db,
  id: string,
  viewerId: string | undefined,
): Promise<(UserRow & ViewerRelation) | undefined> {
  // Spelled out with aliases: inside a select list drizzle renders columns unqualified, and a bare
  // "id" in a subquery would mean the subquery's own table.
  const relation = (exists: SQL) =>
    (viewerId ? sql<boolean>`exists (${exists})` : sql<boolean>`false`).mapWith(Boolean);
  const [row] = await db
    .select({
      user: users,
      isFollowing: relation(
        sql`select 1 from follows vf where vf.follower_id = ${viewerId} and vf.following_id = "users"."id"`,
      ),
      isBlocked: relation(
        sql`select 1 from blocks vb where vb.blocker_id = ${viewerId} and vb.blocked_id = "users"."id"`,
      ),
      isMuted: relation(sql`select 1 from mutes vm where vm.muter_id = ${viewerId} and vm.muted_id = "users"."id"`),
    })
    .from(users)
    .where(and(eq(users.id, id), profileVisibleTo(viewerId, sql`"users"."id"`)))
    .limit(1);
  return row && { ...row.user, isFollowing: row.isFollowing, isBlocked: row.isBlocked, isMuted: row.isMuted };
}

export type ProfileChanges = Partial<Pick<UserRow, 'username' | 'fullName' | 'bio'>>;

export async function updateProfile(db: Db, id: string, changes: ProfileChanges): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(eq(users.id, id))
    .returning();
  return row;
}

export async function updatePasswordHash(db: Db, id: string, passwordHash: string): Promise<void> {
  await db.update(users).set({ passwordHash }).where(eq(users.id, id));
}

/** Points the profile at a new avatar; returns the updated row and the URL it replaced. */
export async function replaceAvatar(db: Db, id: string, avatarUrl: string) {
  const result = await db.execute<{ previous: string | null }>(sql`
    update ${users} u set avatar_url = ${avatarUrl}, updated_at = now()
    from (select avatar_url as previous from ${users} where id = ${id}) before
    where u.id = ${id}
    returning before.previous`);
  return { found: result.rows.length > 0, previous: result.rows[0]?.previous ?? null };
}

/** A user others may reach: active, and (for a signed-in viewer) not blocking them. */
export async function findVisibleUser(db: Db, id: string, viewerId: string | undefined): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.id, id), profileVisibleTo(viewerId, sql`"users"."id"`)))
    .limit(1);
  return row;
}
