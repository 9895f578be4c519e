import type { Context } from 'hono';
import { ApiError } from '../../../shared/errors';
import type { AppEnv } from '../../app-env';

/** Offered beside the token; the server answers with it, so the token is never echoed back. */
export const streamProtocol = 'lumen.notifications.v1';
const bearerProtocolPrefix = 'bearer.';

export interface StreamCredentials {
  token: string;
  /** The subprotocol to answer with, when the client offered any. */
  protocol?: string;
}

/**
 * The access token of a stream request. Browsers cannot set headers on a WebSocket, so it comes
 * as `?token=` or as an offered subprotocol `bearer.<token>` (the way Kubernetes does it).
 */
export function streamCredentials(c: Context<AppEnv>, queryToken: string | undefined): StreamCredentials {
  const offered = (c.req.header('Sec-WebSocket-Protocol') ?? '')
    .split(',')
    .map((protocol) => protocol.trim())
    .filter(Boolean);
  const bearer = offered.find((protocol) => protocol.startsWith(bearerProtocolPrefix));
  const token = queryToken ?? bearer?.slice(bearerProtocolPrefix.length);
  if (!token) {
    throw new ApiError('UNAUTHENTICATED', 'Give the access token as ?token= or the subprotocol bearer.<token>', {
      headers: { 'WWW-Authenticate': 'Bearer realm="lumen"' },
    });
  }
  // A browser fails the handshake unless the answer names one of the protocols it offered.
  const protocol = offered.includes(streamProtocol) ? streamProtocol : bearer;
  return protocol ? { token, protocol } : { token };
}

export function requireWebSocketUpgrade(c: Context<AppEnv>): void {
  if (c.req.header('Upgrade')?.toLowerCase() !== 'websocket') {
    throw new ApiError('VALIDATION_ERROR', 'This endpoint is a WebSocket stream: connect with Upgrade: websocket');
  }
}
