/**
 * One rate-limit key's counter (a client IP for sign-ins, an account, a user's writes): a fixed
 * window that opens at the key's first request. There is one object per key in the whole world,
 * so the count is exact and global — unlike the Rate Limiting binding, which counts per location
 * and only answers yes or no. Requests to one object run one at a time and `hit` never awaits, so
 * two concurrent requests can never both take the last slot.
 *
 * The window lives in the object's synchronous KV storage, so an eviction between two bursts does
 * not hand the caller a fresh window.
 */
import { DurableObject } from 'cloudflare:workers';

export interface RateLimitVerdict {
  allowed: boolean;
  limit: number;
  /** Requests left in the current window after this one. */
  remaining: number;
  /** Whole seconds until the window closes and capacity returns. */
  resetSeconds: number;
}

interface Window {
  startMs: number;
  count: number;
}

export class RateLimiter extends DurableObject<Env> {
  hit(limit: number, periodSeconds: number, nowMs = Date.now()): RateLimitVerdict {
    const periodMs = periodSeconds * 1000;
    let window = this.ctx.storage.kv.get<Window>('window');
    if (!window || nowMs >= window.startMs + periodMs) {
      window = { startMs: nowMs, count: 0 };
      // Nothing to keep once the window is over: the next request opens a new one anyway.
      void this.ctx.storage.setAlarm(window.startMs + periodMs);
    }
    const allowed = window.count < limit;
    if (allowed) {
      window.count += 1;
      this.ctx.storage.kv.put('window', window);
    }
    return {
      allowed,
      limit,
      remaining: limit - window.count,
      resetSeconds: Math.max(1, Math.ceil((window.startMs + periodMs - nowMs) / 1000)),
    };
  }

  override alarm(): void {
    this.ctx.storage.kv.delete('window');
  }
}
