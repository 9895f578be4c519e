import { z } from '@hono/zod-openapi';
import { limits, tokenLifetimes } from '../../shared/limits';
import { FullName, UserId, Username } from './users';

const Email = z.string().trim().max(limits.email.max).pipe(z.email()).openapi({ example: 'john@example.com' });
const Password = z
  .string()
  .min(limits.password.min)
  .max(limits.password.max)
  .openapi({ example: 'correct horse battery staple' });

export const RegisterBody = z
  .strictObject({ username: Username, email: Email, password: Password, fullName: FullName.optional() })
  .openapi('RegisterRequest');

// Login checks the password against the stored hash whatever its length rules were then.
export const LoginBody = z
  .strictObject({ email: z.string().max(limits.email.max), password: z.string().min(1).max(limits.password.max) })
  .openapi('LoginRequest');

// The current password is checked against the stored hash whatever its length rules were then.
export const ChangePasswordBody = z
  .strictObject({ currentPassword: z.string().min(1).max(limits.password.max), newPassword: Password })
  .openapi('ChangePasswordRequest');

const RefreshToken = z.string().min(1).max(200);

export const RefreshBody = z.strictObject({ refreshToken: RefreshToken }).openapi('RefreshRequest');

export const LogoutBody = z.strictObject({ refreshToken: RefreshToken.optional() }).openapi('LogoutRequest');

export const TokenPair = z
  .object({
    userId: UserId,
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.literal(tokenLifetimes.accessSeconds),
  })
  .openapi('TokenPair');
