import { instanceLimits } from './instance';

export type ResponseLike = Pick<Response, 'ok' | 'status' | 'statusText' | 'headers'> & { json(): Promise<unknown> };

/** An API answer that was not a success, or no answer at all. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds: number | null = null,
    readonly requestId: string | null = null,
  ) {
    super(message);
  }

  static async fromResponse(response: ResponseLike, body?: unknown): Promise<ApiError> {
    const parsed = body === undefined ? await response.json().catch(() => null) : body;
    const error =
      typeof parsed === 'object' && parsed !== null
        ? (parsed as { error?: { code?: unknown; message?: unknown } }).error
        : undefined;
    const retryAfter = Number(response.headers.get('Retry-After'));
    return new ApiError(
      response.status,
      typeof error?.code === 'string' ? error.code : 'HTTP_' + response.status,
      typeof error?.message === 'string' ? error.message : response.statusText,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
      response.headers.get('X-Request-Id'),
    );
  }
}

export const offline = () => new ApiError(0, 'NETWORK', 'No connection');

const megabytes = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

function waitPhrase(seconds: number | null): string {
  if (!seconds) return 'in a moment';
  return seconds < 90 ? `in ${seconds} seconds` : `in about ${Math.ceil(seconds / 60)} minutes`;
}

/** What went wrong, in words for the person using the app rather than for a developer. */
export async function explain(error: unknown): Promise<string> {
  if (!(error instanceof ApiError)) return 'Something went wrong. Please try again.';
  const limits = await instanceLimits().catch(() => null);
  switch (error.code) {
    case 'NETWORK':
      return 'Lumen cannot be reached right now. Check your connection and try again.';
    case 'PAYLOAD_TOO_LARGE':
      return `That photo is too large. Photos can be up to ${megabytes(limits?.upload.maxBytes ?? 20 * 1024 * 1024)}.`;
    case 'IMAGE_TOO_LARGE':
      return `That photo has too many pixels. The limit is ${Math.round((limits?.upload.maxPixels ?? 50_000_000) / 1_000_000)} megapixels.`;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 'That file is not a photo Lumen can read. Choose a JPEG, PNG, WebP, HEIC or AVIF photo.';
    case 'UNPROCESSABLE':
      return error.message;
    case 'RATE_LIMITED':
      return `That was a lot at once. Please try again ${waitPhrase(error.retryAfterSeconds)}.`;
    case 'INVALID_CREDENTIALS':
      return 'That email and password do not match an account.';
    case 'USERNAME_TAKEN':
      return 'That username is taken. Try another one.';
    case 'EMAIL_TAKEN':
      return 'There is already an account with that email. Sign in instead?';
    case 'ACCOUNT_SUSPENDED':
      return 'This account is suspended by the moderators.';
    case 'UNAUTHENTICATED':
    case 'TOKEN_EXPIRED':
      return 'Your session has ended. Please sign in again.';
    case 'NOT_FOUND':
      return 'This is not here: it may have been deleted, or it is not shared with you.';
    case 'FORBIDDEN':
      return 'You are not allowed to do that.';
    case 'WRONG_PASSWORD':
      return 'That password is not right. Nothing was changed.';
    case 'VALIDATION_ERROR':
      return error.message;
    default:
      return `Something went wrong on our side. Please try again${error.requestId ? ` (reference ${error.requestId})` : ''}.`;
  }
}
