/**
 * One simulated person's HTTP client: its own client address (CF-Connecting-IP, which the API's
 * per-IP limits read and wrangler dev passes through when the client sends it, as Cloudflare's edge
 * would set it), its token, and a real client's manners with rate limits: on a 429 it waits
 * `Retry-After` seconds and tries again, a bounded number of times.
 */
import { outcomeOf, type Stats } from './stats.ts';

export interface Answer<T> {
  status: number;
  data: T;
}

export interface RequestOptions {
  method?: string;
  json?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
  /** Statuses this request may answer besides a 429 (default: 200 and 201, 202 for uploads). */
  expect?: number[];
}

const maxRateLimitWaits = 3;
const maxWaitSeconds = 65;

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

export class Client {
  token: string | undefined;

  constructor(
    private readonly api: string,
    readonly ip: string,
    private stats: Stats,
    /** After this (performance.now()), a 429 is not waited out: the run is over. */
    private readonly deadline: number,
  ) {}

  /** From now on, answers count in `stats` (the end checks keep theirs apart from the run's). */
  useStats(stats: Stats): void {
    this.stats = stats;
  }

  /** Answers the final status and the envelope's data, or null when the request never got an answer. */
  async request<T = Record<string, unknown>>(
    route: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<Answer<T> | null> {
    const expect = options.expect ?? [200, 201, 202];
    for (let attempt = 0; ; attempt++) {
      const start = performance.now();
      let response: Response;
      let text: string;
      try {
        response = await fetch(`${this.api}${path}`, this.init(options));
        text = await response.text();
      } catch (error) {
        this.stats.record(route, 'networkError', performance.now() - start);
        this.stats.problem({ route, status: 'network', detail: String(error) });
        return null;
      }
      const outcome = outcomeOf(response.status);
      this.stats.record(route, outcome, performance.now() - start);
      const body = parse(text);
      if (response.status === 429) {
        const wait = Number(response.headers.get('Retry-After') ?? '1');
        if (attempt < maxRateLimitWaits && performance.now() + wait * 1000 < this.deadline) {
          await sleep(Math.min(Math.max(wait, 1), maxWaitSeconds) * 1000);
          continue;
        }
        return { status: 429, data: body.data as T };
      }
      if (!expect.includes(response.status)) {
        this.stats.problem({ route, status: response.status, detail: `${path}: ${text.slice(0, 300)}` });
      }
      return { status: response.status, data: body.data as T };
    }
  }

  private init(options: RequestOptions): RequestInit {
    const headers: Record<string, string> = { 'CF-Connecting-IP': this.ip, ...options.headers };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let body: BodyInit | undefined = options.form;
    if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    return { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body };
  }
}

function parse(text: string): { data?: unknown } {
  try {
    return JSON.parse(text) as { data?: unknown };
  } catch {
    return {};
  }
}
