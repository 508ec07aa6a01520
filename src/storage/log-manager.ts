import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Clock, systemClock } from '../util/clock.js';
import { KafkaStorageError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { forEachInSlices, range } from '../util/time-slice.js';
import {
  type CheckpointEntry,
  fsyncDirectory,
  LOG_START_OFFSET_CHECKPOINT,
  RECOVERY_POINT_CHECKPOINT,
  REPLICATION_OFFSET_CHECKPOINT,
  readCheckpointFile,
  writeCheckpointFile,
} from './checkpoint.js';
import type { CleanerConfig } from './cleaner/cleaner-config.js';
import type { CleaningStatus } from './cleaner/cleaner-manager.js';
import { LogCleaner } from './cleaner/log-cleaner.js';
import { Log } from './log.js';
import type { LogConfig } from './log-config.js';

/** Kafka's clean-shutdown marker (`LogLoader.CleanShutdownFile`): present only while no log is open. */
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';
const DELETE_DIR_SUFFIX = '-delete';
const PARTITION_DIR = /^(.+)-(\d+)$/;

export interface LogManagerOptions {
  dataDir: string;
  defaults: LogConfig;
  logger: Logger;
  clock?: Clock;
  /** log.retention.check.interval.ms; Kafka's default is 5 minutes. */
  retentionCheckIntervalMs?: number;
  /** How often flush.ms is checked (log.flush.scheduler.interval.ms). */
  flushSchedulerIntervalMs?: number;
  /** log.flush.offset.checkpoint.interval.ms; Kafka's default is 1 minute. */
  checkpointIntervalMs?: number;
  /** producer.id.expiration.ms: idle producers are forgotten after this; Kafka's default is 1 day. */
  producerIdExpirationMs?: number;
  /** producer.id.expiration.check.interval.ms; Kafka's default is 10 minutes. */
  producerIdExpirationCheckIntervalMs?: number;
  /** The log cleaner's `log.cleaner.*` settings (compaction of cleanup.policy=compact logs). */
  cleaner?: Partial<CleanerConfig>;
}

/**
 * Owns every partition log in one data directory (Kafka's `LogManager`): loads and recovers them
 * on startup, creates and deletes them, and runs the background work — retention, the flush.ms
 * scheduler, and the recovery-point / log-start-offset / high-watermark checkpoints.
 *
 * Crash safety: the clean-shutdown marker is written last on shutdown and removed once startup has
 * loaded the logs, so any crash in between makes the next startup recover every segment above the
 * checkpointed recovery points.
 */
export class LogManager {
  private readonly logs = new Map<string, Log>();
  private readonly dataDir: string;
  private readonly defaults: LogConfig;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly timers: NodeJS.Timeout[] = [];
  /** `*-delete` directories waiting for their removal, by path. */
  private readonly pendingRemovals = new Map<string, NodeJS.Timeout>();
  private readonly retentionCheckIntervalMs: number;
  private readonly flushSchedulerIntervalMs: number;
  private readonly checkpointIntervalMs: number;
  private readonly producerIdExpirationMs: number;
  private readonly producerIdExpirationCheckIntervalMs: number;
  private started = false;
  /** Compacts the logs whose cleanup.policy includes `compact`; runs with the background tasks. */
  readonly cleaner: LogCleaner;
  /** True when the last startup found the clean-shutdown marker and skipped recovery. */
  hadCleanShutdown = false;

  constructor(options: LogManagerOptions) {
    this.dataDir = options.dataDir;
    this.defaults = options.defaults;
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.retentionCheckIntervalMs = options.retentionCheckIntervalMs ?? 300_000;
    this.flushSchedulerIntervalMs = options.flushSchedulerIntervalMs ?? 1_000;
    this.checkpointIntervalMs = options.checkpointIntervalMs ?? 60_000;
    this.producerIdExpirationMs = options.producerIdExpirationMs ?? 86_400_000;
    this.producerIdExpirationCheckIntervalMs = options.producerIdExpirationCheckIntervalMs ?? 600_000;
    this.cleaner = new LogCleaner(
      this.dataDir,
      () => this.logs.values(),
      this.logger,
      this.clock,
      options.cleaner,
    );
  }

  /**
   * Loads every `<topic>-<partition>` directory: after a clean shutdown straight from the indexes,
   * otherwise recovering the segments above each checkpointed recovery point. Leftover
   * `*-delete` directories are removed. Logs are loaded a slice at a time, giving the event loop
   * back in between, so thousands of partitions never stall the process for long.
   */
  async startup(): Promise<void> {
    if (this.started) return;
    fs.mkdirSync(this.dataDir, { recursive: true });
    const marker = path.join(this.dataDir, CLEAN_SHUTDOWN_FILE);
    this.hadCleanShutdown = fs.existsSync(marker);
    const recoveryPoints = this.readCheckpoint(RECOVERY_POINT_CHECKPOINT);
    const logStartOffsets = this.readCheckpoint(LOG_START_OFFSET_CHECKPOINT);
    const highWatermarks = this.readCheckpoint(REPLICATION_OFFSET_CHECKPOINT);
    const startedMs = this.clock.monotonicMs();
    await forEachInSlices(fs.readdirSync(this.dataDir, { withFileTypes: true }), (entry) => {
      if (!entry.isDirectory()) return;
      if (entry.name.endsWith(DELETE_DIR_SUFFIX)) {
        this.removeDirLater(path.join(this.dataDir, entry.name), 0);
        return;
      }
      const match = PARTITION_DIR.exec(entry.name);
      if (match === null) return;
      const [key, topic, partition] = [entry.name, match[1]!, Number(match[2])];
      const log = Log.open({
        dir: path.join(this.dataDir, key),
        topic,
        partition,
        config: this.defaults,
        logger: this.logger,
        clock: this.clock,
        // Without a checkpointed recovery point every segment is recovered.
        recoveryPoint: recoveryPoints.get(key) ?? 0n,
        needsRecovery: !this.hadCleanShutdown,
        logStartOffset: logStartOffsets.get(key),
        highWatermark: highWatermarks.get(key),
      });
      this.logs.set(key, log);
    });
    // From here on a crash must trigger recovery.
    fs.rmSync(marker, { force: true });
    fsyncDirectory(this.dataDir);
    this.started = true;
    this.logger.debug(
      {
        logs: this.logs.size,
        cleanShutdown: this.hadCleanShutdown,
        ms: Math.round(this.clock.monotonicMs() - startedMs),
      },
      'loaded logs',
    );
  }

  get(topic: string, partition: number): Log | undefined {
    return this.logs.get(`${topic}-${partition}`);
  }

  /**
   * The partition's log, created when missing. `config` becomes the log's config either way (after
   * a restart logs are loaded with the defaults until their topic's config is applied here).
   * `topicId` (Kafka's printed Uuid or dashed hex) is written to partition.metadata.
   */
  getOrCreate(topic: string, partition: number, config: LogConfig, topicId?: string): Log {
    const { log, created } = this.openOrCreate(topic, partition, config, topicId);
    if (created) fsyncDirectory(this.dataDir);
    return log;
  }

  /**
   * `getOrCreate` for partitions 0..partitions-1 of a topic, a slice at a time (the event loop
   * is given back in between, so other clients are served), with one fsync of the data dir per
   * slice rather than per partition. `stillWanted` is asked before each partition: a topic
   * deleted while its partitions are being created gets no more of them.
   */
  async getOrCreateAll(
    topic: string,
    partitions: number,
    config: LogConfig,
    topicId?: string,
    stillWanted: () => boolean = () => true,
  ): Promise<void> {
    let created = false;
    await forEachInSlices(
      range(partitions),
      (p) => {
        if (!stillWanted()) return;
        if (this.openOrCreate(topic, p, config, topicId).created) created = true;
      },
      {
        endOfSlice: () => {
          if (created) fsyncDirectory(this.dataDir);
          created = false;
        },
      },
    );
  }

  private openOrCreate(
    topic: string,
    partition: number,
    config: LogConfig,
    topicId: string | undefined,
  ): { log: Log; created: boolean } {
    const key = `${topic}-${partition}`;
    const existing = this.logs.get(key);
    if (existing !== undefined) {
      existing.updateConfig(config);
      return { log: existing, created: false };
    }
    const log = Log.open({
      dir: path.join(this.dataDir, key),
      topic,
      partition,
      config,
      logger: this.logger,
      clock: this.clock,
      recoveryPoint: 0n,
      needsRecovery: true,
      topicId,
    });
    this.logs.set(key, log);
    return { log, created: true };
  }

  /** Closes the log, renames its directory to `<topic>-<p>.<uuid>-delete` and removes it in the background. */
  delete(topic: string, partition: number): void {
    const key = `${topic}-${partition}`;
    const log = this.logs.get(key);
    if (log === undefined) return;
    this.logs.delete(key);
    try {
      log.close();
    } catch (error) {
      // Only the producer snapshot failed to be written: a deleted log does not need it.
      this.logger.warn({ err: error, partition: key }, 'closing a deleted log failed');
    }
    this.cleaner.manager.forget(topic, partition);
    const target = path.join(this.dataDir, `${key}.${randomUUID().replaceAll('-', '')}${DELETE_DIR_SUFFIX}`);
    try {
      fs.renameSync(log.dir, target);
    } catch (error) {
      throw new KafkaStorageError(`cannot rename ${log.dir} for deletion`, { cause: error });
    }
    fsyncDirectory(this.dataDir);
    this.removeDirLater(target, log.config.fileDeleteDelayMs);
  }

  /** Dirty ratio and last clean time of a compacted log (undefined when not compacted). */
  cleaningStatus(log: Log): CleaningStatus | undefined {
    return this.cleaner.status(log);
  }

  all(): IterableIterator<Log> {
    return this.logs.values();
  }

  startBackgroundTasks(): void {
    if (this.timers.length > 0) return;
    this.cleaner.startup();
    const every = (ms: number, task: () => void, what: string) => {
      const timer = setInterval(() => {
        try {
          task();
        } catch (error) {
          this.logger.error({ err: error }, `${what} failed`);
        }
      }, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.retentionCheckIntervalMs, () => this.cleanupLogs(), 'log retention');
    every(this.flushSchedulerIntervalMs, () => this.flushDirtyLogs(), 'log flush');
    every(this.checkpointIntervalMs, () => this.checkpoint(), 'checkpoint');
    every(
      this.producerIdExpirationCheckIntervalMs,
      () => this.removeExpiredProducers(),
      'producer id expiration',
    );
  }

  /**
   * Forgets, in every log, idempotent producers with no open transaction whose last batch is older
   * than producer.id.expiration.ms, so producer state does not grow without bound (Kafka's
   * `removeExpiredProducers`). Returns how many were forgotten.
   */
  removeExpiredProducers(): number {
    const nowMs = this.clock.nowMs();
    let removed = 0;
    for (const log of this.logs.values()) {
      removed += log.txns.producerState.removeExpiredProducers(nowMs, this.producerIdExpirationMs);
    }
    return removed;
  }

  /** One retention pass over every log; returns the number of segments deleted. */
  cleanupLogs(): number {
    let deleted = 0;
    const nowMs = this.clock.nowMs();
    for (const log of this.logs.values()) deleted += log.deleteOldSegments(nowMs);
    return deleted;
  }

  /** Flushes logs whose flush.ms has passed since their last flush. */
  flushDirtyLogs(): void {
    const nowMs = this.clock.nowMs();
    for (const log of this.logs.values()) {
      if (nowMs - log.lastFlushTimeMs >= log.config.flushMs && log.logEndOffset > log.recoveryPoint)
        log.flush();
    }
  }

  /** Writes the recovery-point, log-start-offset and high-watermark checkpoints. */
  checkpoint(): void {
    const entries = (offsetOf: (log: Log) => bigint): CheckpointEntry[] =>
      [...this.logs.values()].map((log) => ({
        topic: log.topic,
        partition: log.partition,
        offset: offsetOf(log),
      }));
    writeCheckpointFile(
      path.join(this.dataDir, RECOVERY_POINT_CHECKPOINT),
      entries((log) => log.recoveryPoint),
    );
    writeCheckpointFile(
      path.join(this.dataDir, LOG_START_OFFSET_CHECKPOINT),
      entries((log) => log.logStartOffset),
    );
    writeCheckpointFile(
      path.join(this.dataDir, REPLICATION_OFFSET_CHECKPOINT),
      entries((log) => log.highWatermark),
    );
  }

  /** Flushes and closes every log, writes the checkpoints, then the clean-shutdown marker. */
  /**
   * Every log is closed even when a step fails (a full disk); then the clean-shutdown marker is
   * not written, so the next start recovers, and the first failure is thrown as a
   * KafkaStorageError naming the step.
   */
  shutdown(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    // A clean in progress stops at its next step; its unfinished `.cleaned` files go at next startup at the latest.
    void this.cleaner.shutdown();
    if (!this.started) return;
    let failure: { step: string; error: unknown } | undefined;
    const attempt = (step: string, work: () => void) => {
      try {
        work();
      } catch (error) {
        failure ??= { step, error };
        this.logger.error({ err: error, step }, 'shutdown step failed');
      }
    };
    for (const log of this.logs.values()) attempt(`flush ${log.topic}-${log.partition}`, () => log.flush());
    attempt('checkpoint', () => this.checkpoint());
    for (const log of this.logs.values()) attempt(`close ${log.topic}-${log.partition}`, () => log.close());
    this.logs.clear();
    this.started = false;
    if (failure === undefined) {
      attempt('clean-shutdown marker', () => {
        fs.writeFileSync(path.join(this.dataDir, CLEAN_SHUTDOWN_FILE), '');
        fsyncDirectory(this.dataDir);
      });
    }
    if (failure !== undefined) {
      const reason = failure.error instanceof Error ? failure.error.message : String(failure.error);
      throw new KafkaStorageError(`shutdown could not ${failure.step}: ${reason}`, { cause: failure.error });
    }
  }

  private readCheckpoint(name: string): Map<string, bigint> {
    const offsets = new Map<string, bigint>();
    try {
      for (const entry of readCheckpointFile(path.join(this.dataDir, name))) {
        offsets.set(`${entry.topic}-${entry.partition}`, entry.offset);
      }
    } catch (error) {
      // A damaged checkpoint only costs a longer recovery.
      this.logger.warn({ err: error, file: name }, 'ignoring unreadable checkpoint');
    }
    return offsets;
  }

  private removeDirLater(dir: string, delayMs: number): void {
    const timer = setTimeout(() => {
      this.pendingRemovals.delete(dir);
      fs.rm(dir, { recursive: true, force: true }, () => {});
    }, delayMs);
    timer.unref();
    this.pendingRemovals.set(dir, timer);
  }

  /**
   * Removes at once the `*-delete` directories still waiting for file.delete.delay.ms: on a full
   * disk the space they hold is what a delete must give back before anything else can be written.
   */
  async removeDeletedNow(): Promise<void> {
    const dirs = [...this.pendingRemovals];
    this.pendingRemovals.clear();
    await Promise.all(
      dirs.map(([dir, timer]) => {
        clearTimeout(timer);
        return fs.promises.rm(dir, { recursive: true, force: true });
      }),
    );
  }
}
