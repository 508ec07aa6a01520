import type { Timer, TimerTask } from '../group/timer.js';

/**
 * Kafka's `DelayedOperation`: work that completes when a condition holds (`tryComplete`) or when
 * its time runs out, exactly once either way. `onComplete` runs on completion and on expiry alike;
 * `onExpiration` afterwards, on expiry only.
 */
export abstract class DelayedOperation {
  private completed = false;
  private timer: TimerTask | undefined;

  constructor(readonly delayMs: number) {}

  get isCompleted(): boolean {
    return this.completed;
  }

  /** Checks the condition; calls `forceComplete()` and returns true when it holds. */
  abstract tryComplete(): boolean;
  protected abstract onComplete(): void;
  protected onExpiration(): void {}

  /** Completes the operation if nobody has yet; true when this call did it. */
  forceComplete(): boolean {
    if (this.completed) return false;
    this.completed = true;
    this.timer?.cancel();
    this.onComplete();
    return true;
  }

  /** @internal the purgatory's timeout. */
  expire(): void {
    if (this.forceComplete()) this.onExpiration();
  }

  /** @internal */
  setTimer(timer: TimerTask): void {
    this.timer = timer;
  }
}

/**
 * Kafka's `DelayedOperationPurgatory`: operations watched under keys (a topic-partition), retried
 * when something happens to a key (`checkAndComplete`), expired by a timer.
 */
export class DelayedOperationPurgatory<Op extends DelayedOperation> {
  private readonly watchers = new Map<string, Set<Op>>();
  private readonly keysOf = new Map<Op, readonly string[]>();

  constructor(
    readonly name: string,
    private readonly timer: Timer,
  ) {}

  /**
   * Completes `op` now if it can; otherwise watches it under `keys` and starts its timeout.
   * Returns true when it completed at once.
   */
  tryCompleteElseWatch(op: Op, keys: readonly string[]): boolean {
    if (op.tryComplete()) return true;
    this.keysOf.set(op, keys);
    for (const key of keys) {
      let set = this.watchers.get(key);
      if (!set) this.watchers.set(key, (set = new Set()));
      set.add(op);
    }
    op.setTimer(
      this.timer.schedule(op.delayMs, () => {
        op.expire();
        this.unwatch(op);
      }),
    );
    return false;
  }

  /** Retries the operations watching `key`; returns how many completed. */
  checkAndComplete(key: string): number {
    const set = this.watchers.get(key);
    if (!set) return 0;
    let completed = 0;
    for (const op of [...set]) {
      if (op.isCompleted || op.tryComplete()) {
        this.unwatch(op);
        completed++;
      }
    }
    return completed;
  }

  /** Operations still waiting (an operation watching several keys counts once). */
  get delayed(): number {
    return this.keysOf.size;
  }

  /** Completes everything now (shutdown): each operation answers with what it has. */
  shutdown(): void {
    const all = [...this.keysOf.keys()];
    this.watchers.clear();
    this.keysOf.clear();
    for (const op of all) op.forceComplete();
  }

  private unwatch(op: Op): void {
    const keys = this.keysOf.get(op) ?? [];
    this.keysOf.delete(op);
    for (const key of keys) {
      const set = this.watchers.get(key);
      if (!set) continue;
      set.delete(op);
      if (set.size === 0) this.watchers.delete(key);
    }
  }
}
