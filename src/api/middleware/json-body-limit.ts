import { bodyLimit } from 'hono/body-limit';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env';
import { ApiError } from '../../shared/errors';
import { limits } from '../../shared/limits';

/** JSON bodies beyond 64 KiB are refused before they are read (file uploads have their own limit). */
// Typed for our env: Hono types its built-in middleware with `any` as the environment.
export const jsonBodyLimit: MiddlewareHandler<AppEnv> = bodyLimit({
  maxSize: limits.jsonBodyBytes,
  onError: () => {
    throw new ApiError('PAYLOAD_TOO_LARGE', `Request bodies are limited to ${limits.jsonBodyBytes / 1024} KiB`, {
      details: { maxBytes: limits.jsonBodyBytes },
    });
  },
});
