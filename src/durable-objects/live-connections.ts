/**
 * One user's open notification streams: the WebSockets of their signed-in clients. Sockets are
 * accepted with the hibernation API, so an idle user costs no memory or duration: the object is
 * evicted while its sockets stay open, and woken for a message to send or a frame received. It
 * stores nothing; the notifications themselves live in Postgres.
 */
import { DurableObject } from 'cloudflare:workers';

/** `?events=status` on the stream: the socket also receives `media.updated` and `post.updated`. */
const statusTag = 'status';
/** Set by the API Worker on the upgrade it forwards (never taken from the client): the session that opened it. */
export const streamSessionHeader = 'X-Lumen-Session';
const sessionTag = (sessionId: string) => `session:${sessionId}`;

export class LiveConnections extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Keep-alive pings are answered without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
  }

  /** Accepts a WebSocket upgrade the API Worker has already authenticated for this user. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
      return new Response('Expected a WebSocket upgrade', { status: 426, headers: { Upgrade: 'websocket' } });
    }
    const { 0: client, 1: server } = new WebSocketPair();
    // Tagged when the client asked for status events too: a socket opened without that hears only notifications.
    const wantsStatus = new URL(request.url).searchParams.get('events') === statusTag;
    const sessionId = request.headers.get(streamSessionHeader);
    this.ctx.acceptWebSocket(server, [
      ...(wantsStatus ? [statusTag] : []),
      ...(sessionId ? [sessionTag(sessionId)] : []),
    ]);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Sends a notification's JSON to every open socket of the user; returns how many took it. */
  deliver(payload: string): number {
    let delivered = 0;
    for (const socket of this.ctx.getWebSockets()) {
      try {
        socket.send(payload);
        delivered += 1;
      } catch {
        // A socket closing as we send: its close handler tidies it up.
      }
    }
    return delivered;
  }

  /**
   * Sessions ended (sign-out, a new password, suspension): their streams close too, so a signed-out
   * device stops hearing the account's notifications. Without a session, every stream of the user closes.
   */
  endStreams(reason: string, sessionId?: string): void {
    const sockets = sessionId ? this.ctx.getWebSockets(sessionTag(sessionId)) : this.ctx.getWebSockets();
    for (const socket of sockets) closeQuietly(socket, 1008, reason);
  }

  /** Account erasure: the account's open streams end, and any storage goes with them. */
  async erase(): Promise<void> {
    for (const socket of this.ctx.getWebSockets()) closeQuietly(socket, 1008, 'account deleted');
    await this.ctx.storage.deleteAll();
  }

  /** Sends a status event (a photo or post of the user's finished processing) to the sockets that asked for them. */
  deliverStatus(payload: string): number {
    let delivered = 0;
    for (const socket of this.ctx.getWebSockets(statusTag)) {
      try {
        socket.send(payload);
        delivered += 1;
      } catch {
        // A socket closing as we send: its close handler tidies it up.
      }
    }
    return delivered;
  }

  /** The stream is one-way; anything but the auto-answered "ping" is a client mistake worth telling. */
  override webSocketMessage(socket: WebSocket): void {
    socket.send(JSON.stringify({ error: 'This stream only sends; send "ping" to keep it alive' }));
  }

  override webSocketClose(socket: WebSocket, code: number, reason: string): void {
    closeQuietly(socket, code, reason);
  }

  override webSocketError(socket: WebSocket): void {
    closeQuietly(socket, 1011, 'socket error');
  }
}

/** Completes the closing handshake; a socket already closed has nothing left to do. */
function closeQuietly(socket: WebSocket, code: number, reason: string): void {
  try {
    // 1005 and 1006 are reserved: they may be reported but never sent.
    socket.close(code === 1005 || code === 1006 ? 1000 : code, reason);
  } catch {
    // Already closed.
  }
}
