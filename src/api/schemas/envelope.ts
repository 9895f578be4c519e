import { z } from '@hono/zod-openapi';
import { errorStatus, type ErrorCode } from '../../shared/errors';

export const ErrorBody = z
  .object({
    success: z.literal(false),
    error: z.object({
      code: z.enum(Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      details: z.unknown().optional(),
      requestId: z.string().optional(),
    }),
  })
  .openapi('Error');

export function success<T extends z.ZodType>(data: T) {
  return z.object({ success: z.literal(true), data });
}

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { content: { 'application/json': { schema } }, description };
}

const errorDescriptions: Record<number, string> = {
  400: 'Invalid request (`VALIDATION_ERROR`)',
  401: 'Missing, invalid, expired or revoked token, or wrong credentials',
  403: 'Not allowed (`FORBIDDEN`), or the account is suspended (`ACCOUNT_SUSPENDED`)',
  404: 'Not found, or not visible to the caller (`NOT_FOUND`)',
  405: 'Method not allowed',
  409: 'Conflict: already taken (`USERNAME_TAKEN`, `EMAIL_TAKEN`) or already in a post (`ALREADY_ATTACHED`)',
  413: 'Body too large (`PAYLOAD_TOO_LARGE`)',
  415: 'Unsupported media type',
  422: 'Well-formed but impossible (`UNPROCESSABLE`)',
  429: 'Rate limited (`RATE_LIMITED`, see `Retry-After`)',
  503: 'A dependency does not answer',
};

/** The error responses a route documents, all in the one error envelope. */
export function errorResponses<S extends number>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((status) => [status, jsonContent(ErrorBody, errorDescriptions[status] ?? 'Error')]),
  ) as Record<S, ReturnType<typeof jsonContent<typeof ErrorBody>>>;
}

/** OpenAPI security requirements: a bearer token, or (for optional auth) a bearer token or nothing. */
export const bearerAuth: Record<string, string[]>[] = [{ bearer: [] }];
export const optionalBearerAuth: Record<string, string[]>[] = [{ bearer: [] }, {}];
