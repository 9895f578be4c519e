/**
 * A person's notification stream, opened once after sign-up and kept open for the whole run, as the
 * web app keeps it. It remembers every notification pushed to it, and whether it ever closed.
 */
export interface PushedNotification {
  type: 'like' | 'comment' | 'follow';
  actor: { userId: string };
  postId?: string;
  commentId?: string;
}

const pingEverySeconds = 20;

export class LiveSocket {
  readonly received: PushedNotification[] = [];
  /** Why the socket closed before the run let it go, if it did. */
  unexpectedClose: string | undefined;
  private socket: WebSocket | undefined;
  private ping: ReturnType<typeof setInterval> | undefined;
  private closing = false;

  async open(api: string, token: string): Promise<void> {
    const url = `${api.replace(/^http/, 'ws')}/notifications/stream?token=${encodeURIComponent(token)}`;
    const socket = new WebSocket(url, ['lumen.notifications.v1']);
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error('the notification stream did not open')), {
        once: true,
      });
    });
    socket.addEventListener('message', (event) => {
      if (typeof event.data !== 'string' || event.data === 'pong') return;
      this.received.push(JSON.parse(event.data) as PushedNotification);
    });
    socket.addEventListener('close', (event) => {
      if (!this.closing) this.unexpectedClose = `closed with ${event.code} ${event.reason}`;
      clearInterval(this.ping);
    });
    this.ping = setInterval(() => socket.send('ping'), pingEverySeconds * 1000);
  }

  /** Whether a notification of this fact has arrived. */
  got(type: PushedNotification['type'], actorId: string, postId?: string, commentId?: string): boolean {
    return this.received.some(
      (item) =>
        item.type === type &&
        item.actor.userId === actorId &&
        (postId === undefined || item.postId === postId) &&
        (commentId === undefined || item.commentId === commentId),
    );
  }

  close(): void {
    this.closing = true;
    clearInterval(this.ping);
    this.socket?.close(1000, 'the run is over');
  }
}
