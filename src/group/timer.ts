import type { ManualClock } from '../util/clock.js';

/** A scheduled task; `cancel()` is idempotent. */
export interface TimerTask {
  cancel(): void;
}

/**
 * Schedules the coordinator's delayed operations (session timeouts, rebalance timeouts, the initial
 * rebalance delay, offset expiry). Kafka uses purgatories over a timing wheel; one timer per
 * operation is enough here, and an injected Timer lets tests move time without sleeping.
 */
export interface Timer {
  schedule(delayMs: number, task: () => void): TimerTask;
}

/** Node's timers, unref'd so a pending session timeout never keeps the process alive. */
export const systemTimer: Timer = {
  schedule(delayMs, task) {
    const handle = setTimeout(task, Math.max(0, delayMs));
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};

interface ManualEntry {
  readonly dueMs: number;
  readonly seq: number;
  readonly task: () => void;
  cancelled: boolean;
}

/**
 * A Timer driven by a ManualClock: tasks run, in due order, only inside `advance()`. Tasks scheduled
 * by a running task with a due time inside the advanced window run in the same call.
 */
export class ManualTimer implements Timer {
  private entries: ManualEntry[] = [];
  private seq = 0;

  constructor(readonly clock: ManualClock) {}

  schedule(delayMs: number, task: () => void): TimerTask {
    const entry: ManualEntry = {
      dueMs: this.clock.monotonicMs() + Math.max(0, delayMs),
      seq: this.seq++,
      task,
      cancelled: false,
    };
    this.entries.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Number of tasks not yet run nor cancelled. */
  get pending(): number {
    return this.entries.filter((e) => !e.cancelled).length;
  }

  /** Moves the clock forward by `ms`, running every task that falls due on the way. */
  advance(ms: number): void {
    const target = this.clock.monotonicMs() + ms;
    for (;;) {
      this.entries = this.entries.filter((e) => !e.cancelled);
      let next: ManualEntry | undefined;
      for (const e of this.entries) {
        if (
          e.dueMs <= target &&
          (next === undefined || e.dueMs < next.dueMs || (e.dueMs === next.dueMs && e.seq < next.seq))
        ) {
          next = e;
        }
      }
      if (next === undefined) break;
      const step = next.dueMs - this.clock.monotonicMs();
      if (step > 0) this.clock.advance(step);
      next.cancelled = true;
      next.task();
    }
    const rest = target - this.clock.monotonicMs();
    if (rest > 0) this.clock.advance(rest);
  }
}
