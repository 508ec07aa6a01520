/**
 * Keeps the admin port from being used to guess passwords or burn CPU: each client address may
 * fail a bounded number of logins per minute (then it is answered 429 without a check), and at
 * most a few password derivations run at once (PBKDF2 runs on libuv's small thread pool, which
 * the broker's file I/O shares), with a short queue behind them (beyond it, 503).
 */
import { HttpError } from '../http-response.js';

const WINDOW_MS = 60_000;
/** Addresses tracked at once; beyond it the oldest record is forgotten. */
const MAX_TRACKED = 10_000;

export interface LoginThrottleOptions {
  readonly maxFailuresPerMinute: number;
  readonly maxConcurrentChecks: number;
  readonly maxQueuedChecks: number;
  readonly now: () => number;
}

interface FailureWindow {
  start: number;
  count: number;
}

export class LoginThrottle {
  private readonly failures = new Map<string, FailureWindow>();
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly options: LoginThrottleOptions) {}

  /**
   * Reserves one login attempt for `address`, or throws 429 when it has used up this minute's.
   * Attempts count until they succeed, so a burst of parallel guesses is bounded too.
   */
  admit(address: string): void {
    const now = this.options.now();
    let window = this.failures.get(address);
    if (window && now - window.start >= WINDOW_MS) {
      this.failures.delete(address);
      window = undefined;
    }
    if (!window) {
      if (this.failures.size >= MAX_TRACKED) this.failures.delete(this.failures.keys().next().value!);
      window = { start: now, count: 0 };
      this.failures.set(address, window);
    }
    if (window.count >= this.options.maxFailuresPerMinute) {
      const retryAfter = Math.ceil((window.start + WINDOW_MS - now) / 1000);
      throw new HttpError(429, 'Too many failed logins; try again later', 429, {
        'retry-after': String(Math.max(1, retryAfter)),
      });
    }
    window.count++;
  }

  /** The attempt admitted for `address` succeeded (or was never checked): it is not a failure. */
  succeeded(address: string): void {
    const window = this.failures.get(address);
    if (window && window.count > 0) window.count--;
  }

  /** Runs one password check within the concurrency bound. */
  async check<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.options.maxConcurrentChecks) {
      if (this.queue.length >= this.options.maxQueuedChecks) {
        throw new HttpError(503, 'Too many logins in progress; try again later', 503, { 'retry-after': '1' });
      }
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await fn();
    } finally {
      // Hand the slot straight to the next waiter, or free it.
      const next = this.queue.shift();
      if (next) next();
      else this.running--;
    }
  }
}
