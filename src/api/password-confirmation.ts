import type { Context } from 'hono';
import { verifyPassword } from '../auth/passwords';
import { findUserById } from '../db/queries/users';
import { ApiError } from '../shared/errors';
import type { AppEnv } from './app-env';
import { viewerOf } from './middleware/auth';

/**
 * The caller's own account once they have typed its password again (changing it, deleting the
 * account): the same scrypt check as login. A wrong password is 403 `WRONG_PASSWORD`, not a 401,
 * because the caller's token is fine and must not be dropped by the client.
 */
export async function confirmPassword(c: Context<AppEnv>, password: string) {
  const user = await findUserById(c.var.services.db, viewerOf(c).userId);
  if (!user) throw new ApiError('UNAUTHENTICATED', 'The session has ended');
  const check = await verifyPassword(password, user.passwordHash);
  if (!check.valid) throw new ApiError('WRONG_PASSWORD', 'The password is incorrect');
  return user;
}
