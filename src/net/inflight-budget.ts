/**
 * Bytes of requests received but not yet answered, across all connections
 * (`queued.max.request.bytes`). A connection that would push the total past the limit pauses its
 * socket and is resumed when others release bytes: memory stays bounded and nothing is dropped.
 */
export class InflightBudget {
  private used = 0;
  private readonly waiting = new Set<() => void>();

  constructor(readonly limitBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  get exhausted(): boolean {
    return this.used >= this.limitBytes;
  }

  acquire(bytes: number): void {
    this.used += bytes;
  }

  release(bytes: number): void {
    this.used -= bytes;
    if (!this.exhausted && this.waiting.size > 0) {
      const resumers = [...this.waiting];
      this.waiting.clear();
      for (const resume of resumers) resume();
    }
  }

  /** Calls `resume` once the budget has room again. */
  whenAvailable(resume: () => void): void {
    this.waiting.add(resume);
  }

  forget(resume: () => void): void {
    this.waiting.delete(resume);
  }
}
