/**
 * What every request of the run answered, per route: latency samples and answers by kind. A 429 is
 * the platform saying "not now" to a client that then waits as told; it is counted, never an error.
 */
export type Outcome = 'ok' | 'rateLimited' | 'clientError' | 'serverError' | 'networkError';

interface RouteStats {
  samples: number[];
  outcomes: Record<Outcome, number>;
}

export interface Problem {
  route: string;
  status: number | 'network';
  detail: string;
}

export function outcomeOf(status: number): Outcome {
  if (status === 429) return 'rateLimited';
  if (status >= 500) return 'serverError';
  if (status >= 400) return 'clientError';
  return 'ok';
}

export class Stats {
  private readonly routes = new Map<string, RouteStats>();
  /** Every answer that is not what a person doing this expects (5xx, a network error, an unexpected 4xx). */
  readonly problems: Problem[] = [];
  private startedAt = performance.now();
  private endedAt: number | undefined;

  start(): void {
    this.startedAt = performance.now();
  }

  stop(): void {
    this.endedAt = performance.now();
  }

  record(route: string, outcome: Outcome, milliseconds: number): void {
    let stats = this.routes.get(route);
    if (!stats) {
      stats = {
        samples: [],
        outcomes: { ok: 0, rateLimited: 0, clientError: 0, serverError: 0, networkError: 0 },
      };
      this.routes.set(route, stats);
    }
    stats.outcomes[outcome]++;
    if (outcome !== 'networkError') stats.samples.push(milliseconds);
  }

  problem(problem: Problem): void {
    this.problems.push(problem);
  }

  get seconds(): number {
    return ((this.endedAt ?? performance.now()) - this.startedAt) / 1000;
  }

  get total(): number {
    let total = 0;
    for (const stats of this.routes.values()) total += Object.values(stats.outcomes).reduce((a, b) => a + b, 0);
    return total;
  }

  /** One row per route, busiest first: count, per second, p50, p99, 429s, errors. */
  rows(): Record<string, string | number>[] {
    return [...this.routes.entries()]
      .sort(([, a], [, b]) => b.samples.length - a.samples.length)
      .map(([route, stats]) => {
        const sorted = [...stats.samples].sort((a, b) => a - b);
        const count = Object.values(stats.outcomes).reduce((a, b) => a + b, 0);
        return {
          route,
          count,
          'per s': (count / this.seconds).toFixed(2),
          p50: `${quantile(sorted, 0.5).toFixed(0)} ms`,
          p99: `${quantile(sorted, 0.99).toFixed(0)} ms`,
          '429 (waited)': stats.outcomes.rateLimited,
          '4xx': stats.outcomes.clientError,
          '5xx': stats.outcomes.serverError,
          network: stats.outcomes.networkError,
        };
      });
  }
}

export function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}
