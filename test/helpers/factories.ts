import { env } from 'cloudflare:workers';
import { signAccessToken } from '../../src/auth/access-tokens';
import { hashPassword } from '../../src/auth/passwords';
import { hashRefreshToken, newRefreshToken } from '../../src/auth/refresh-tokens';
import { createDb } from '../../src/db/client';
import { insertUserWithSession } from '../../src/db/queries/users';
import { toPublicId } from '../../src/shared/ids';
import { callJson } from './api';

let counter = 0;

/** Registration data no other test uses. */
export function newUserData(overrides: Partial<Record<'username' | 'email' | 'password' | 'fullName', string>> = {}) {
  counter += 1;
  const tag = `${Date.now().toString(36)}${counter}${Math.floor(Math.random() * 1e6).toString(36)}`;
  return {
    username: `u_${tag}`.slice(0, 30),
    email: `${tag}@example.com`,
    password: 'a long enough password',
    fullName: 'Test Person',
    ...overrides,
  };
}

export interface TestUser {
  userId: string;
  accessToken: string;
  refreshToken: string;
  username: string;
  email: string;
  password: string;
}

export async function registerUser(overrides: Parameters<typeof newUserData>[0] = {}): Promise<TestUser> {
  const data = newUserData(overrides);
  const { status, body } = await callJson<Omit<TestUser, 'username' | 'email' | 'password'>>('/api/v1/auth/register', {
    json: data,
  });
  if (status !== 201) throw new Error(`register failed: ${status} ${JSON.stringify(body)}`);
  return { ...body.data, username: data.username, email: data.email, password: data.password };
}

/**
 * Many signed-in users fast: rows written straight through the same queries the API uses, with
 * one password hash shared by all (hashing is deliberately slow, and registration is tested
 * elsewhere), and real sessions and access tokens.
 */
export async function quickUsers(count: number): Promise<TestUser[]> {
  const db = createDb(env.DATABASE_URL, env.NEON_HTTP_ENDPOINT);
  const password = 'a long enough password';
  sharedHash ??= await hashPassword(password);
  const passwordHash = sharedHash;
  return Promise.all(
    Array.from({ length: count }, async () => {
      const data = newUserData({ password });
      const id = crypto.randomUUID();
      const refreshToken = newRefreshToken();
      const session = {
        id: crypto.randomUUID(),
        refreshTokenHash: await hashRefreshToken(refreshToken),
        refreshExpiresAt: new Date(Date.now() + 86_400_000),
      };
      await insertUserWithSession(
        db,
        { id, username: data.username, email: data.email, passwordHash, fullName: null },
        session,
      );
      const userId = toPublicId('user', id);
      const accessToken = await signAccessToken({ current: env.JWT_SECRET }, { userId, sessionId: session.id });
      return { userId, accessToken, refreshToken, username: data.username, email: data.email, password };
    }),
  );
}
let sharedHash: string | undefined;
