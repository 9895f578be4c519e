import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { refreshTokens, sessions, users, type UserRow } from '../schema';
import type { NewSession } from './sessions';

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

/** A deleted account is gone from the moment it is marked, long before its erasure finishes. */
const live = isNull(users.deletedAt);

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(and(sql`lower(${users.email}) = lower(${email})`, live))
    .limit(1);
  return row;
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.id, id), live))
    .limit(1);
  return row;
}

/** A user as `viewerId` sees them: with whether the viewer follows them, in one round trip. */
export async function findUserForViewer(
  db: Db,
  id: string,
  viewerId: string | undefined,
): Promise<(UserRow & { isFollowing: boolean }) | undefined> {
  // Spelled out with an alias: inside a select list drizzle renders columns unqualified, and a bare
  // "id" in the subquery would mean follows.id.
  const isFollowing = viewerId
    ? sql<boolean>`exists (select 1 from follows vf where vf.follower_id = ${viewerId} and vf.following_id = "users"."id")`
    : sql<boolean>`false`;
  const [row] = await db
    .select({ user: users, isFollowing: isFollowing.mapWith(Boolean) })
    .from(users)
    .where(and(eq(users.id, id), live))
    .limit(1);
  return row && { ...row.user, isFollowing: row.isFollowing };
}

export type ProfileChanges = Partial<Pick<UserRow, 'username' | 'fullName' | 'bio'>>;

export async function updateProfile(db: Db, id: string, changes: ProfileChanges): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(and(eq(users.id, id), live))
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
