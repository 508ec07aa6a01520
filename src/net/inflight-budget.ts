import type { FrameMemory } from './frame-reader.js';

/**
 * Bytes of requests being received or not yet answered, across all connections
 * (`queued.max.request.bytes`), as Kafka's SimpleMemoryPool in non-strict mode: a frame's whole size
 * is reserved once its size header is read, granted whenever any room is left (so the total stays
 * below the limit plus one frame), and held until its response is sent. A connection refused a
 * reservation stops reading and is resumed when others release bytes: memory stays bounded and
 * nothing is dropped.
 */
export class InflightBudget implements FrameMemory {
  private used = 0;
  private readonly waiting = new Set<() => void>();

  constructor(readonly limitBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  get exhausted(): boolean {
    return this.used >= this.limitBytes;
  }

  tryReserve(bytes: number): boolean {
    if (bytes > 0 && this.exhausted) return false;
    this.used += bytes;
    return true;
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
