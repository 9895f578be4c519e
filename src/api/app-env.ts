import { OpenAPIHono } from '@hono/zod-openapi';
import type { RequestIdVariables } from 'hono/request-id';
import type { Services } from './services';
import { validationHook } from './validation';

export interface Viewer {
  /** The caller's user id (a UUID, as stored). */
  userId: string;
  sessionId: string;
}

import type { RateLimitVerdict } from '../durable-objects/rate-limiter';

export interface AppEnv {
  Bindings: Env;
  Variables: RequestIdVariables & {
    services: Services;
    /** Set by `requireAuth` (always) and `optionalAuth` (when a valid token came). */
    viewer?: Viewer;
    /** The tightest rate-limit verdict of this request, for its `RateLimit-*` headers. */
    rateLimit?: RateLimitVerdict;
  };
}

/** A router for one area of the API; every router validates through the same hook. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}
