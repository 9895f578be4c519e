/**
 * The fault mode's injector: the processor Worker reaches the database through this proxy, which
 * from time to time drops every connection for a while, as a database that goes away does (the
 * driver sees "Network connection lost"). The API keeps its own direct connection, so people go on
 * uploading and reading while the processor fails every job it gets.
 *
 * Why not kill the processor itself: `wrangler dev -c api -c processor` runs both Workers in one
 * workerd, so killing the processor kills the API; and local Queues do not cross two `wrangler dev`
 * sessions, so a processor in a process of its own would never get a message.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultPlan {
  /** When the first outage starts, from the start of the run. */
  firstAfterSeconds: number;
  outageSeconds: number;
  /** From the start of one outage to the start of the next. */
  everySeconds: number;
}

export const defaultFaultPlan: FaultPlan = { firstAfterSeconds: 10, outageSeconds: 12, everySeconds: 35 };

export class DatabaseFaultProxy {
  dropped = 0;
  forwarded = 0;
  readonly outages: { startSecond: number; endSecond: number }[] = [];
  private down = false;
  private timers: ReturnType<typeof setTimeout>[] = [];
  private target: URL | undefined;
  private started = performance.now();
  private constructor(private readonly server: Server) {}

  static async start(): Promise<DatabaseFaultProxy> {
    const server = createServer();
    const proxy = new DatabaseFaultProxy(server);
    server.on('request', (incoming, outgoing) => proxy.handle(incoming, outgoing));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** The endpoint to give the processor in place of `sqlEndpoint`. */
  front(sqlEndpoint: string): string {
    this.target = new URL(sqlEndpoint);
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${this.target.pathname}`;
  }

  /** Outages by `plan` until `seconds` have passed (none starts in the last outage's length). */
  schedule(plan: FaultPlan, seconds: number): void {
    this.started = performance.now();
    for (let start = plan.firstAfterSeconds; start + plan.outageSeconds <= seconds; start += plan.everySeconds) {
      this.timers.push(
        setTimeout(() => {
          this.down = true;
          this.outages.push({ startSecond: this.now(), endSecond: NaN });
        }, start * 1000),
        setTimeout(
          () => {
            this.down = false;
            const outage = this.outages.at(-1);
            if (outage) outage.endSecond = this.now();
          },
          (start + plan.outageSeconds) * 1000,
        ),
      );
    }
  }

  /** Ends any outage under way, and every one planned; the database stays reachable through the proxy. */
  endOutages(): void {
    this.timers.forEach(clearTimeout);
    const outage = this.outages.at(-1);
    if (this.down && outage) outage.endSecond = this.now();
    this.down = false;
  }

  /** Only once the stack has stopped: the processor has no other way to its database. */
  async close(): Promise<void> {
    this.endOutages();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Whole seconds since the schedule began. */
  private now(): number {
    return Math.round((performance.now() - this.started) / 1000);
  }

  private handle(incoming: IncomingMessage, outgoing: ServerResponse): void {
    const target = this.target;
    if (this.down || !target) {
      this.dropped++;
      incoming.socket.destroy();
      return;
    }
    this.forwarded++;
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        path: incoming.url,
        method: incoming.method,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => incoming.socket.destroy());
    incoming.pipe(upstream);
  }
}
