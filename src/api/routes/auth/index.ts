import type { Context } from 'hono';
import { signAccessToken } from '../../../auth/access-tokens';
import { burnVerificationTime, hashPassword, verifyPassword } from '../../../auth/passwords';
import { hashRefreshToken, newRefreshToken } from '../../../auth/refresh-tokens';
import { postgresErrorOf } from '../../../db/client';
import {
  createSession,
  isRefreshTokenOfSuspendedAccount,
  replacePasswordAndSessions,
  revokeSessions,
  revokeSessionOfSpentToken,
  rotateRefreshToken,
  type NewSession,
} from '../../../db/queries/sessions';
import { findUserByEmail, insertUserWithSession, updatePasswordHash } from '../../../db/queries/users';
import { ApiError } from '../../../shared/errors';
import { toPublicId } from '../../../shared/ids';
import { limits, tokenLifetimes } from '../../../shared/limits';
import { createRouter, type AppEnv } from '../../app-env';
import { viewerOf } from '../../middleware/auth';
import { countRequest } from '../../middleware/rate-limit';
import { liveConnectionsOf } from '../../../notifications/live-channel';
import { confirmPassword } from '../../password-confirmation';
import { changePassword, login, logout, refresh, register } from './auth.routes';

async function newSession(): Promise<NewSession & { refreshToken: string }> {
  const refreshToken = newRefreshToken();
  return {
    id: crypto.randomUUID(),
    refreshToken,
    refreshTokenHash: await hashRefreshToken(refreshToken),
    refreshExpiresAt: new Date(Date.now() + tokenLifetimes.refreshSeconds * 1000),
  };
}

async function tokenPair(c: Context<AppEnv>, userId: string, sessionId: string, refreshToken: string) {
  const publicUserId = toPublicId('user', userId);
  const accessToken = await signAccessToken(c.var.services.signingKeys, { userId: publicUserId, sessionId });
  return { userId: publicUserId, accessToken, refreshToken, expiresIn: tokenLifetimes.accessSeconds };
}

function conflictFrom(error: unknown): ApiError | undefined {
  const pgError = postgresErrorOf(error);
  if (pgError?.code !== '23505') return undefined;
  return pgError.constraint === 'idx_users_email'
    ? new ApiError('EMAIL_TAKEN', 'An account with this email already exists')
    : new ApiError('USERNAME_TAKEN', 'This username is taken');
}

const invalidCredentials = () => new ApiError('INVALID_CREDENTIALS', 'The email or password is incorrect');
const invalidRefreshToken = () => new ApiError('UNAUTHENTICATED', 'The refresh token is invalid or has expired');

export const authRoutes = createRouter()
  .openapi(register, async (c) => {
    const body = c.req.valid('json');
    const userId = crypto.randomUUID();
    const session = await newSession();
    const user = {
      id: userId,
      username: body.username,
      email: body.email,
      passwordHash: await hashPassword(body.password),
      fullName: body.fullName ?? null,
    };
    try {
      await insertUserWithSession(c.var.services.db, user, session);
    } catch (error) {
      throw conflictFrom(error) ?? error;
    }
    return c.json({ success: true as const, data: await tokenPair(c, userId, session.id, session.refreshToken) }, 201);
  })
  .openapi(login, async (c) => {
    const { email, password } = c.req.valid('json');
    // Per account as well as per client IP, so guesses spread over many addresses still stop; the
    // key is the address typed, so an unknown one is limited the same way and nothing leaks.
    await countRequest(c, 'login-account', limits.rateLimits.loginPerAccount, email.trim().toLowerCase());
    const { db } = c.var.services;
    const user = await findUserByEmail(db, email.trim());
    if (!user) {
      await burnVerificationTime(password);
      throw invalidCredentials();
    }
    const check = await verifyPassword(password, user.passwordHash);
    if (!check.valid) throw invalidCredentials();
    // Told only to whoever knows the password, so it reveals nothing to anyone else.
    if (user.suspendedAt) throw new ApiError('ACCOUNT_SUSPENDED', 'This account is suspended');
    const session = await newSession();
    await createSession(db, user.id, session);
    if (check.needsRehash) await updatePasswordHash(db, user.id, await hashPassword(password));
    return c.json({ success: true as const, data: await tokenPair(c, user.id, session.id, session.refreshToken) }, 200);
  })
  .openapi(refresh, async (c) => {
    const { db } = c.var.services;
    const presentedHash = await hashRefreshToken(c.req.valid('json').refreshToken);
    const successor = newRefreshToken();
    const expiresAt = new Date(Date.now() + tokenLifetimes.refreshSeconds * 1000);
    const session = await rotateRefreshToken(db, presentedHash, await hashRefreshToken(successor), expiresAt);
    if (!session) {
      if (await isRefreshTokenOfSuspendedAccount(db, presentedHash)) {
        throw new ApiError('ACCOUNT_SUSPENDED', 'This account is suspended');
      }
      if (await revokeSessionOfSpentToken(db, presentedHash)) {
        throw new ApiError('UNAUTHENTICATED', 'This refresh token was already used; the session has been ended');
      }
      throw invalidRefreshToken();
    }
    return c.json(
      { success: true as const, data: await tokenPair(c, session.userId, session.sessionId, successor) },
      200,
    );
  })
  .openapi(logout, async (c) => {
    const viewer = viewerOf(c);
    const presented = c.req.header('Content-Type')?.includes('json') ? c.req.valid('json').refreshToken : undefined;
    const presentedHash = presented === undefined ? undefined : await hashRefreshToken(presented);
    await revokeSessions(c.var.services.db, viewer.userId, viewer.sessionId, presentedHash);
    await liveConnectionsOf(c.env.LIVE_CONNECTIONS, viewer.userId).endStreams('signed out', viewer.sessionId);
    return c.json({ success: true as const, data: { loggedOut: true as const } }, 200);
  })
  .openapi(changePassword, async (c) => {
    const { currentPassword, newPassword } = c.req.valid('json');
    const user = await confirmPassword(c, currentPassword);
    const session = await newSession();
    await replacePasswordAndSessions(c.var.services.db, user.id, await hashPassword(newPassword), session);
    // Every earlier session ended, this device's too: its streams reconnect with the new tokens.
    await liveConnectionsOf(c.env.LIVE_CONNECTIONS, user.id).endStreams('password changed');
    return c.json({ success: true as const, data: await tokenPair(c, user.id, session.id, session.refreshToken) }, 200);
  });
