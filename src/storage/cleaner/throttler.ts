import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../util/clock.js';

/**
 * Keeps a rate of bytes under `bytesPerSecond` by sleeping (Kafka's `Throttler`): bytes are
 * counted over periods of `checkIntervalMs`; when a period ran too fast, the caller waits for the
 * time those bytes should have taken. Shared by every clean, so the limit is broker-wide.
 */
export class Throttler {
  private periodStartMs: number;
  private observedSoFar = 0;

  constructor(
    private readonly bytesPerSecond: number,
    private readonly clock: Clock,
    private readonly checkIntervalMs = 300,
  ) {
    this.periodStartMs = clock.monotonicMs();
  }

  async maybeThrottle(bytes: number): Promise<void> {
    if (!Number.isFinite(this.bytesPerSecond)) return;
    this.observedSoFar += bytes;
    const now = this.clock.monotonicMs();
    const elapsedMs = now - this.periodStartMs;
    if (elapsedMs < this.checkIntervalMs) return;
    const neededMs = (this.observedSoFar / this.bytesPerSecond) * 1000;
    if (neededMs > elapsedMs) await sleep(neededMs - elapsedMs);
    this.periodStartMs = this.clock.monotonicMs();
    this.observedSoFar = 0;
  }
}
