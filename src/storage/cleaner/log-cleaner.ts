import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { Log } from '../log.js';
import { Cleaner, type CleanerStats, CleaningAbortedError } from './cleaner.js';
import { type CleanerConfig, DEFAULT_CLEANER_CONFIG } from './cleaner-config.js';
import { type CleaningStatus, isCompacted, LogCleanerManager } from './cleaner-manager.js';
import { OffsetMap } from './offset-map.js';
import { Throttler } from './throttler.js';

/**
 * The log cleaner (Kafka's `LogCleaner`): `log.cleaner.threads` loops, each cleaning the dirtiest
 * compacted log, then the next, and backing off `log.cleaner.backoff.ms` when none needs it.
 * The loops run on the event loop in bounded steps (see `Cleaner`); one throttle limits their I/O
 * together and the dedupe buffer is split between them.
 */
export class LogCleaner {
  readonly manager: LogCleanerManager;
  private readonly config: CleanerConfig;
  private readonly throttler: Throttler;
  private running = false;
  private readonly loops: Promise<void>[] = [];
  private readonly wakeups = new Set<() => void>();
  /** Stats of each loop's last clean (Kafka's `lastStats`). */
  readonly lastStats: (CleanerStats | undefined)[] = [];

  constructor(
    dataDir: string,
    logs: () => Iterable<Log>,
    private readonly logger: Logger,
    private readonly clock: Clock,
    config: Partial<CleanerConfig> = {},
  ) {
    this.config = { ...DEFAULT_CLEANER_CONFIG, ...config };
    this.manager = new LogCleanerManager(dataDir, logs, logger);
    this.throttler = new Throttler(this.config.maxIoBytesPerSecond, clock);
  }

  get isRunning(): boolean {
    return this.running;
  }

  startup(): void {
    if (this.running || !this.config.enable) return;
    this.running = true;
    this.logger.debug({ threads: this.config.numThreads }, 'starting the log cleaner');
    for (let id = 0; id < this.config.numThreads; id++) this.loops.push(this.runLoop(id));
  }

  /** Stops the loops; a clean in progress aborts at its next step and removes its `.cleaned` files. */
  async shutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const wake of this.wakeups) wake();
    await Promise.all(this.loops.splice(0));
  }

  /** Dirty ratio and last clean time of a compacted log, undefined for other logs. */
  status(log: Log): CleaningStatus | undefined {
    return isCompacted(log.config) ? this.manager.status(log, this.clock.nowMs()) : undefined;
  }

  private async runLoop(id: number): Promise<void> {
    const memory = Math.floor(this.config.dedupeBufferSize / this.config.numThreads);
    const cleaner = new Cleaner(new OffsetMap(memory, 1), {
      ioBufferSize: Math.max(64 * 1024, Math.floor(this.config.ioBufferSize / this.config.numThreads / 2)),
      dupBufferLoadFactor: this.config.dedupeBufferLoadFactor,
      busyShare: this.config.busyShare,
      throttler: this.throttler,
      clock: this.clock,
      logger: this.logger,
      checkDone: (log) => {
        if (!this.running || log.isClosed)
          throw new CleaningAbortedError(`cleaning of ${log.topic}-${log.partition} stopped`);
      },
    });
    while (this.running) {
      let cleaned = false;
      try {
        cleaned = await this.cleanFilthiestLog(id, cleaner);
      } catch (err) {
        this.logger.error({ err }, 'log cleaner step failed');
      }
      if (!cleaned && this.running) await this.backoff();
    }
  }

  private async cleanFilthiestLog(id: number, cleaner: Cleaner): Promise<boolean> {
    const cleanable = this.manager.grabFilthiestCompactedLog(this.clock.nowMs());
    if (cleanable === undefined) return false;
    const { log } = cleanable;
    const partition = `${log.topic}-${log.partition}`;
    try {
      const { endOffset, stats } = await cleaner.clean(cleanable);
      this.manager.doneCleaning(log, endOffset, this.clock.nowMs());
      this.lastStats[id] = stats;
      const mb = (bytes: number) => bytes / (1024 * 1024);
      this.logger.info(
        {
          partition,
          dirtySection: [String(cleanable.firstDirtyOffset), String(endOffset)],
          readMB: Number(mb(stats.bytesRead).toFixed(2)),
          writtenMB: Number(mb(stats.bytesWritten).toFixed(2)),
          messagesRead: stats.messagesRead,
          messagesWritten: stats.messagesWritten,
          ms: Math.round(stats.elapsedMs),
          bufferUtilization: Number(stats.bufferUtilization.toFixed(3)),
        },
        'log cleaner cleaned a log',
      );
    } catch (err) {
      const aborted = err instanceof CleaningAbortedError;
      this.manager.abandonCleaning(log, !aborted);
      if (aborted) this.logger.debug({ partition, reason: err.message }, 'log cleaning aborted');
      else this.logger.error({ err, partition }, 'log cleaning failed; the partition is marked uncleanable');
    }
    return true;
  }

  private backoff(): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakeups.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, this.config.backoffMs);
      timer.unref();
      this.wakeups.add(wake);
    });
  }
}
