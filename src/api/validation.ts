import type { Hook } from '@hono/zod-openapi';
import type { AppEnv } from './app-env';
import { ApiError } from '../shared/errors';

/** Turns a failed request validation into the contract's 400, listing each invalid field. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (result.success) return;
  const details = result.error.issues.map((issue) => ({
    field: issue.path.join('.') || (result.target === 'json' ? 'body' : result.target),
    message: issue.message,
  }));
  throw new ApiError('VALIDATION_ERROR', 'The request is invalid', { details });
};
