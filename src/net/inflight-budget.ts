import type { FrameMemory } from './frame-reader.js';

/** Frames up to this size are "small": metadata, heartbeats, fetches, commits, most produces. */
export const SMALL_FRAME_BYTES = 1024 * 1024;

/**
 * Bytes of requests being received or not yet answered, across all connections
 * (`queued.max.request.bytes`), as Kafka's SimpleMemoryPool: a frame's whole size is reserved once
 * its size header is read, and held until its response is sent. A small frame is granted whenever
 * room is left (Kafka's non-strict mode), so the total stays below the limit plus one small frame,
 * or one frame when a single one is larger than the limit. A connection refused a
 * reservation stops reading and is resumed when others release bytes: memory stays bounded and
 * nothing is dropped.
 *
 * Unlike Kafka's pool, large frames only fit whole within seven eighths of the budget, and the last
 * eighth is kept for small frames: a few connections holding large unfinished frames cannot shut
 * out everyone else's small requests.
 */
export class InflightBudget implements FrameMemory {
  private used = 0;
  private readonly waiting = new Set<() => void>();
  private readonly largeFrameCeiling: number;

  constructor(readonly limitBytes: number) {
    this.largeFrameCeiling = limitBytes - Math.floor(limitBytes / 8);
  }

  get usedBytes(): number {
    return this.used;
  }

  get exhausted(): boolean {
    return this.used >= this.limitBytes;
  }

  tryReserve(bytes: number): boolean {
    if (bytes > SMALL_FRAME_BYTES) {
      // Large frames stay below the ceiling, except one alone (any frame can always be received).
      if (this.used > 0 && this.used + bytes > this.largeFrameCeiling) return false;
    } else if (bytes > 0 && this.exhausted) {
      return false;
    }
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
