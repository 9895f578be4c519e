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
