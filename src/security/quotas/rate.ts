/**
 * A windowed rate, as Kafka's metrics `Rate` over a `SampledStat` (`quota.window.num` samples of
 * `quota.window.size.seconds` each): values are summed into the current sample; samples older than
 * the whole window are reset; the rate is the sum over the elapsed time, where the elapsed time counts
 * at least `samples - 1` full windows so that a burst at start-up is not divided by a few milliseconds.
 */
export interface RateConfig {
  readonly samples: number;
  readonly windowMs: number;
}

interface Sample {
  startMs: number;
  value: number;
}

export class SampledRate {
  private readonly samples: Sample[] = [];
  private current = 0;

  constructor(private readonly config: RateConfig) {}

  record(value: number, nowMs: number): void {
    let sample = this.samples[this.current];
    if (!sample) {
      sample = { startMs: nowMs, value: 0 };
      this.samples.push(sample);
    } else if (nowMs - sample.startMs >= this.config.windowMs) {
      sample = this.advance(nowMs);
    }
    sample.value += value;
  }

  /** Units per second over the retained samples. */
  measure(nowMs: number): number {
    this.purgeObsolete(nowMs);
    let total = 0;
    for (const s of this.samples) total += s.value;
    return total / (this.windowSizeMs(nowMs) / 1000);
  }

  /** Kafka's `Rate.windowSize`: the span the rate is taken over, used by the throttle formula. */
  windowSizeMs(nowMs: number): number {
    this.purgeObsolete(nowMs);
    const oldest = this.oldestStart(nowMs);
    let elapsed = nowMs - oldest;
    const fullWindows = Math.floor(elapsed / this.config.windowMs);
    const minFullWindows = this.config.samples - 1;
    if (fullWindows < minFullWindows) elapsed += (minFullWindows - fullWindows) * this.config.windowMs;
    return Math.max(elapsed, 1);
  }

  private advance(nowMs: number): Sample {
    this.current = (this.current + 1) % this.config.samples;
    let sample = this.samples[this.current];
    if (!sample) {
      sample = { startMs: nowMs, value: 0 };
      this.samples.push(sample);
    } else {
      sample.startMs = nowMs;
      sample.value = 0;
    }
    return sample;
  }

  private purgeObsolete(nowMs: number): void {
    const expireAge = this.config.samples * this.config.windowMs;
    for (const s of this.samples) {
      if (nowMs - s.startMs >= expireAge) {
        s.startMs = nowMs;
        s.value = 0;
      }
    }
  }

  private oldestStart(nowMs: number): number {
    if (this.samples.length === 0) {
      this.samples.push({ startMs: nowMs, value: 0 });
      return nowMs;
    }
    let oldest = this.samples[0]!.startMs;
    for (const s of this.samples) if (s.startMs < oldest) oldest = s.startMs;
    return oldest;
  }
}
