/**
 * Broker-wide settings of the log cleaner (Kafka's `CleanerConfig`, `log.cleaner.*`). The
 * per-topic ones (`min.cleanable.dirty.ratio`, `delete.retention.ms`, `min.compaction.lag.ms`,
 * `max.compaction.lag.ms`) live in the LogConfig, with `log.cleaner.*` broker defaults.
 */
export interface CleanerConfig {
  /** log.cleaner.enable */
  enable: boolean;
  /** log.cleaner.threads: cleans that may run at once. */
  numThreads: number;
  /** log.cleaner.dedupe.buffer.size: memory of all offset maps together. */
  dedupeBufferSize: number;
  /** log.cleaner.io.buffer.load.factor: how full an offset map may get. */
  dedupeBufferLoadFactor: number;
  /** log.cleaner.io.buffer.size: read size of one cleaning step. */
  ioBufferSize: number;
  /** log.cleaner.io.max.bytes.per.second: read+write rate of all cleans together. */
  maxIoBytesPerSecond: number;
  /** log.cleaner.backoff.ms: pause when no log needs cleaning. */
  backoffMs: number;
  /**
   * log.cleaner.busy.share (Samsa): the largest share of a busy broker's event-loop time the
   * cleaner takes; it cleans at full speed while the broker is idle.
   */
  busyShare: number;
}

/** Kafka 3.x defaults (`CleanerConfig.java`, `ServerLogConfigs`). */
export const DEFAULT_CLEANER_CONFIG: Readonly<CleanerConfig> = Object.freeze({
  enable: true,
  numThreads: 1,
  dedupeBufferSize: 128 * 1024 * 1024,
  dedupeBufferLoadFactor: 0.9,
  ioBufferSize: 512 * 1024,
  maxIoBytesPerSecond: Number.POSITIVE_INFINITY,
  backoffMs: 15_000,
  busyShare: 0.05,
});
