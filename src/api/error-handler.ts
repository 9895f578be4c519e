import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isTransientDatabaseError } from '../db/resilient-fetch';
import { ApiError, type ErrorCode } from '../shared/errors';
import type { AppEnv } from './app-env';

// Errors raised by Hono itself (malformed JSON, body limits) arrive as HTTPExceptions.
const codeForHttpStatus: Partial<Record<number, ErrorCode>> = {
  400: 'VALIDATION_ERROR',
  401: 'UNAUTHENTICATED',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

function asApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException) {
    const code = codeForHttpStatus[error.status];
    if (code) return new ApiError(code, error.message || 'The request is invalid');
  }
  return undefined;
}

export function errorResponse(c: Context<AppEnv>, error: ApiError) {
  // Every 401 carries a Bearer challenge (RFC 6750); the auth middleware sets a more precise one.
  if (error.status === 401) c.header('WWW-Authenticate', 'Bearer realm="lumen"');
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  const body = {
    success: false as const,
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
      requestId: c.var.requestId,
    },
  };
  return c.json(body, error.status as ContentfulStatusCode);
}

/** The one place errors become responses: the contract's envelope, never a stack trace or SQL. */
export const onError: ErrorHandler<AppEnv> = (error, c) => {
  const known = asApiError(error);
  if (known) return errorResponse(c, known);
  if (isTransientDatabaseError(error)) {
    console.warn(JSON.stringify({ requestId: c.var.requestId, path: c.req.path, transientDbError: String(error) }));
    return errorResponse(
      c,
      new ApiError('SERVICE_UNAVAILABLE', 'The database is briefly unavailable; try again shortly', {
        headers: { 'Retry-After': '1' },
      }),
    );
  }
  console.error(
    JSON.stringify({
      requestId: c.var.requestId,
      path: c.req.path,
      error: String(error),
      stack: error.stack,
    }),
  );
  return errorResponse(c, new ApiError('INTERNAL', 'Something went wrong on our side'));
};
