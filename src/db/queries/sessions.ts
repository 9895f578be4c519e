import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { refreshTokens, sessions, users } from '../schema';

export interface NewSession {
  id: string;
  refreshTokenHash: string;
  refreshExpiresAt: Date;
}

function insertSession(db: Db, userId: string, session: NewSession) {
  return [
    db.insert(sessions).values({ id: session.id, userId }),
    db.insert(refreshTokens).values({
      tokenHash: session.refreshTokenHash,
      sessionId: session.id,
      expiresAt: session.refreshExpiresAt,
    }),
  ] as const;
}

export async function createSession(db: Db, userId: string, session: NewSession): Promise<void> {
  await db.batch(insertSession(db, userId, session));
}

/**
 * The new hash, every session of the account ended (the caller's too: its old tokens may be what
 * leaked) and one fresh session for the caller — one transaction, so no old token outlives the change.
 */
export async function replacePasswordAndSessions(
  db: Db,
  userId: string,
  passwordHash: string,
  session: NewSession,
): Promise<void> {
  await db.batch([
    db
      .update(users)
      .set({ passwordHash, updatedAt: sql`now()` })
      .where(eq(users.id, userId)),
    revokeAllSessions(db, userId, 'password_change'),
    ...insertSession(db, userId, session),
  ]);
}

export function revokeAllSessions(db: Db, userId: string, reason: 'password_change' | 'account_deleted') {
  return db
    .update(sessions)
    .set({ revokedAt: sql`now()`, revokedReason: reason })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
}

/**
 * Spends a refresh token and issues its successor in one statement, so two concurrent refreshes
 * with the same token cannot both succeed. Returns the session, or null when the token is
 * unknown, expired, already spent, or its session has been revoked.
 */
export async function rotateRefreshToken(
  db: Db,
  presentedHash: string,
  successorHash: string,
  successorExpiresAt: Date,
): Promise<{ sessionId: string; userId: string } | null> {
  const result = await db.execute<{ session_id: string; user_id: string }>(sql`
    with spent as (
      update ${refreshTokens} set used_at = now()
      where token_hash = ${presentedHash} and used_at is null and expires_at > now()
        and session_id in (select id from ${sessions} where revoked_at is null)
      returning session_id
    ), successor as (
      insert into ${refreshTokens} (token_hash, session_id, expires_at)
      select ${successorHash}, session_id, ${successorExpiresAt.toISOString()}::timestamptz from spent
      returning session_id
    )
    select s.id as session_id, s.user_id from ${sessions} s join successor on successor.session_id = s.id`);
  const [row] = result.rows;
  return row ? { sessionId: row.session_id, userId: row.user_id } : null;
}

/**
 * A spent refresh token presented again means it was copied: revoke its whole session, so the
 * thief's successor tokens and access tokens die along with the victim's. True when it was spent.
 */
export async function revokeSessionOfSpentToken(db: Db, tokenHash: string): Promise<boolean> {
  const result = await db.execute(sql`
    update ${sessions} set revoked_at = coalesce(revoked_at, now()), revoked_reason = coalesce(revoked_reason, 'refresh_reuse')
    where id = (select session_id from ${refreshTokens} where token_hash = ${tokenHash} and used_at is not null)
    returning id`);
  return result.rows.length > 0;
}

export type SessionStanding = 'active' | 'ended' | 'suspended';

/** Whether a token's session still speaks for its user; a suspended account's sessions say so. */
export async function sessionStanding(db: Db, sessionId: string, userId: string): Promise<SessionStanding> {
  const result = await db.execute<{ active: boolean; suspended: boolean }>(sql`
    select s.revoked_at is null as active, u.suspended_at is not null as suspended
    from ${sessions} s join ${users} u on u.id = s.user_id
    where s.id = ${sessionId} and s.user_id = ${userId}`);
  const [row] = result.rows;
  if (row?.suspended) return 'suspended';
  return row?.active ? 'active' : 'ended';
}

/** True when a refresh token that no longer works belongs to a suspended account. */
export async function isRefreshTokenOfSuspendedAccount(db: Db, tokenHash: string): Promise<boolean> {
  const result = await db.execute(sql`
    select 1 from ${refreshTokens} t
    join ${sessions} s on s.id = t.session_id
    join ${users} u on u.id = s.user_id
    where t.token_hash = ${tokenHash} and u.suspended_at is not null`);
  return result.rows.length > 0;
}

/** Ends the session, and also the one a presented refresh token belongs to if it is the same user's. */
export async function revokeSessions(
  db: Db,
  userId: string,
  sessionId: string,
  refreshTokenHash: string | undefined,
): Promise<void> {
  const ofToken = refreshTokenHash
    ? sql`or id = (select session_id from ${refreshTokens} where token_hash = ${refreshTokenHash})`
    : sql``;
  await db.execute(sql`
    update ${sessions} set revoked_at = now(), revoked_reason = 'logout'
    where user_id = ${userId} and revoked_at is null and (id = ${sessionId} ${ofToken})`);
}
