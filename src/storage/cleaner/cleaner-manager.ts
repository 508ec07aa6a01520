import * as path from 'node:path';
import { RECORD_BATCH_OVERHEAD, RecordBatchView } from '../../protocol/records/record-batch.js';
import type { Logger } from '../../util/logger.js';
import { type CheckpointEntry, readCheckpointFile, writeCheckpointFile } from '../checkpoint.js';
import type { Log } from '../log.js';
import type { LogConfig } from '../log-config.js';
import { hasDeletePolicy } from '../retention.js';
import type { Segment } from '../segment.js';
import type { LogToClean } from './cleaner.js';

/** Kafka's cleaner checkpoint: per log, the first offset not yet cleaned (`LogCleanerManager.OFFSET_CHECKPOINT_FILE`). */
export const CLEANER_OFFSET_CHECKPOINT = 'cleaner-offset-checkpoint';
/**
 * When each log was last cleaned, in the same text format (Samsa's own; Kafka exposes this only as
 * metrics). `samsa topic describe --data-dir` reads it.
 */
export const CLEANER_LAST_CLEAN_CHECKPOINT = 'cleaner-last-clean-time';

export function isCompacted(config: LogConfig): boolean {
  return config.cleanupPolicy.split(',').includes('compact');
}

/** What `samsa topic describe` shows of a compacted partition. */
export interface CleaningStatus {
  firstDirtyOffset: bigint;
  /** Bytes of the dirty, cleanable section over the whole log, as min.cleanable.dirty.ratio reads it. */
  dirtyRatio: number;
  /** Wall-clock ms of the last finished clean; undefined if never cleaned. */
  lastCleanTimeMs: number | undefined;
}

/**
 * Which log to clean next and how far each one is clean (Kafka's `LogCleanerManager`): keeps the
 * `cleaner-offset-checkpoint` (first dirty offset per log) and the logs being cleaned, picks the
 * compacted log with the highest cleanable ratio above its `min.cleanable.dirty.ratio` (or any
 * cleanable bytes once `max.compaction.lag.ms` has passed), and marks logs that failed as
 * uncleanable until they are recreated.
 */
export class LogCleanerManager {
  private readonly checkpoints = new Map<string, CheckpointEntry>();
  private readonly lastCleanTimes = new Map<string, CheckpointEntry>();
  private readonly inProgress = new Set<string>();
  private readonly uncleanable = new Set<string>();
  /** The dirtiest cleanable ratio seen by the last pick (Kafka's `max-dirty-percent`). */
  dirtiestLogCleanableRatio = 0;

  constructor(
    private readonly dataDir: string,
    private readonly logs: () => Iterable<Log>,
    private readonly logger: Logger,
  ) {
    for (const [name, into] of [
      [CLEANER_OFFSET_CHECKPOINT, this.checkpoints],
      [CLEANER_LAST_CLEAN_CHECKPOINT, this.lastCleanTimes],
    ] as const) {
      try {
        for (const entry of readCheckpointFile(path.join(dataDir, name))) into.set(keyOf(entry), entry);
      } catch (err) {
        this.logger.warn({ err, file: name }, 'ignoring an unreadable cleaner checkpoint');
      }
    }
  }

  /** First dirty offset of every log with a checkpoint. */
  allCleanerCheckpoints(): ReadonlyMap<string, bigint> {
    return new Map([...this.checkpoints].map(([key, entry]) => [key, entry.offset]));
  }

  /** Kafka's `grabFilthiestCompactedLog`: the log to clean now (marked in progress), if any. */
  grabFilthiestCompactedLog(nowMs: number): LogToClean | undefined {
    const dirty: LogToClean[] = [];
    for (const log of this.logs()) {
      const key = logKey(log);
      if (log.isClosed || !isCompacted(log.config) || this.inProgress.has(key) || this.uncleanable.has(key))
        continue;
      const offsets = cleanableOffsets(log, this.checkpoints.get(key)?.offset, nowMs, this.logger);
      if (offsets.forceUpdateCheckpoint) this.updateCheckpoint(log, offsets.firstDirtyOffset);
      const needNow = maxCompactionDelay(log, offsets.firstDirtyOffset, nowMs) > 0;
      const candidate = logToClean(
        log,
        offsets.firstDirtyOffset,
        offsets.firstUncleanableDirtyOffset,
        needNow,
      );
      if (candidate.totalBytes > 0) dirty.push(candidate);
    }
    this.dirtiestLogCleanableRatio = Math.max(0, ...dirty.map((c) => c.cleanableRatio));
    let filthiest: LogToClean | undefined;
    for (const candidate of dirty) {
      const cleanable =
        (candidate.needCompactionNow && candidate.cleanableBytes > 0) ||
        candidate.cleanableRatio > candidate.log.config.minCleanableDirtyRatio;
      if (cleanable && (filthiest === undefined || candidate.cleanableRatio > filthiest.cleanableRatio)) {
        filthiest = candidate;
      }
    }
    if (filthiest !== undefined) this.inProgress.add(logKey(filthiest.log));
    return filthiest;
  }

  isInProgress(log: Log): boolean {
    return this.inProgress.has(logKey(log));
  }

  /** A clean finished: `endOffset` becomes the log's first dirty offset. */
  doneCleaning(log: Log, endOffset: bigint, nowMs: number): void {
    this.inProgress.delete(logKey(log));
    this.updateCheckpoint(log, endOffset);
    this.lastCleanTimes.set(logKey(log), {
      topic: log.topic,
      partition: log.partition,
      offset: BigInt(nowMs),
    });
    this.writeFile(CLEANER_LAST_CLEAN_CHECKPOINT, this.lastCleanTimes);
  }

  /** A clean stopped without finishing (aborted, or failed when `uncleanable`). */
  abandonCleaning(log: Log, uncleanable: boolean): void {
    this.inProgress.delete(logKey(log));
    if (uncleanable) this.uncleanable.add(logKey(log));
  }

  /** A log was deleted: forget it (a later log of that name starts dirty). */
  forget(topic: string, partition: number): void {
    const key = `${topic}-${partition}`;
    this.uncleanable.delete(key);
    if (this.checkpoints.delete(key)) this.writeFile(CLEANER_OFFSET_CHECKPOINT, this.checkpoints);
    if (this.lastCleanTimes.delete(key)) this.writeFile(CLEANER_LAST_CLEAN_CHECKPOINT, this.lastCleanTimes);
  }

  /** Dirty ratio and last clean time of a compacted log (for describe). */
  status(log: Log, nowMs: number): CleaningStatus {
    const key = logKey(log);
    const offsets = cleanableOffsets(log, this.checkpoints.get(key)?.offset, nowMs, this.logger);
    const candidate = logToClean(log, offsets.firstDirtyOffset, offsets.firstUncleanableDirtyOffset, false);
    const last = this.lastCleanTimes.get(key);
    return {
      firstDirtyOffset: offsets.firstDirtyOffset,
      dirtyRatio: candidate.totalBytes > 0 ? candidate.cleanableRatio : 0,
      lastCleanTimeMs: last === undefined ? undefined : Number(last.offset),
    };
  }

  private updateCheckpoint(log: Log, offset: bigint): void {
    this.checkpoints.set(logKey(log), { topic: log.topic, partition: log.partition, offset });
    this.writeFile(CLEANER_OFFSET_CHECKPOINT, this.checkpoints);
  }

  private writeFile(name: string, entries: ReadonlyMap<string, CheckpointEntry>): void {
    try {
      writeCheckpointFile(path.join(this.dataDir, name), entries.values());
    } catch (err) {
      this.logger.error({ err, file: name }, 'could not write a cleaner checkpoint');
    }
  }
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function keyOf(entry: { topic: string; partition: number }): string {
  return `${entry.topic}-${entry.partition}`;
}

function logKey(log: Log): string {
  return keyOf(log);
}

/**
 * Kafka's `cleanableOffsets`: the dirty section starts at the checkpoint (reset to the log start
 * when it is out of range) and ends before the active segment, the last stable offset, and the
 * first segment newer than min.compaction.lag.ms.
 */
export function cleanableOffsets(
  log: Log,
  lastCleanOffset: bigint | undefined,
  nowMs: number,
  logger?: Logger,
): { firstDirtyOffset: bigint; firstUncleanableDirtyOffset: bigint; forceUpdateCheckpoint: boolean } {
  const logStartOffset = log.logStartOffset;
  const checkpointed = lastCleanOffset ?? logStartOffset;
  let firstDirtyOffset = checkpointed;
  let forceUpdateCheckpoint = false;
  if (checkpointed < logStartOffset || checkpointed > log.logEndOffset) {
    // Below the log start (retention, DeleteRecords) or past the end (a truncated log): start over.
    if (checkpointed > log.logEndOffset || !hasDeletePolicy(log.config)) {
      logger?.warn(
        {
          partition: logKey(log),
          checkpointed: String(checkpointed),
          logStartOffset: String(logStartOffset),
        },
        'resetting the first dirty offset to the log start offset',
      );
    }
    firstDirtyOffset = logStartOffset;
    forceUpdateCheckpoint = true;
  }
  const segments = log.logSegments();
  const active = segments[segments.length - 1]!;
  let uncleanable = minBig(log.lastStableOffset, active.baseOffset);
  const minLagMs = Math.max(log.config.minCompactionLagMs, 0);
  if (minLagMs > 0) {
    const limit = BigInt(nowMs - minLagMs);
    const young = nonActiveSegmentsFrom(segments, firstDirtyOffset).find((s) => s.largestTimestamp() > limit);
    if (young !== undefined && young.baseOffset < uncleanable) uncleanable = young.baseOffset;
  }
  return {
    firstDirtyOffset,
    firstUncleanableDirtyOffset: maxBig(uncleanable, firstDirtyOffset),
    forceUpdateCheckpoint,
  };
}

/** Kafka's `LogToClean`: byte sizes of the clean and cleanable sections. */
export function logToClean(
  log: Log,
  firstDirtyOffset: bigint,
  uncleanableOffset: bigint,
  needCompactionNow: boolean,
): LogToClean {
  return {
    log,
    firstDirtyOffset,
    needCompactionNow,
    ...sectionSizes(log.logSegments(), firstDirtyOffset, uncleanableOffset),
  };
}

/** What the section sizes need of a segment (a loaded Segment, or a `.log` file's name and size). */
export interface SegmentExtent {
  readonly baseOffset: bigint;
  readonly size: number;
}

/**
 * The clean and cleanable bytes of a log whose segments are `segments` (the active one last), the
 * first uncleanable offset moved back to a segment boundary (Kafka's `calculateCleanableBytes`),
 * and their ratio.
 */
export function sectionSizes(
  segments: readonly SegmentExtent[],
  firstDirtyOffset: bigint,
  uncleanableOffset: bigint,
): Pick<
  LogToClean,
  'firstUncleanableOffset' | 'cleanBytes' | 'cleanableBytes' | 'totalBytes' | 'cleanableRatio'
> {
  let cleanBytes = 0;
  for (const segment of segments) if (segment.baseOffset < firstDirtyOffset) cleanBytes += segment.size;
  const firstUncleanableSegment =
    nonActiveSegmentsFrom(segments, uncleanableOffset)[0] ?? segments[segments.length - 1]!;
  const firstUncleanableOffset = firstUncleanableSegment.baseOffset;
  const from = minBig(firstDirtyOffset, firstUncleanableOffset);
  let cleanableBytes = 0;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const nextBase = segments[i + 1]?.baseOffset;
    if (segment.baseOffset < firstUncleanableOffset && (nextBase === undefined || nextBase > from)) {
      cleanableBytes += segment.size;
    }
  }
  const totalBytes = cleanBytes + cleanableBytes;
  return {
    firstUncleanableOffset,
    cleanBytes,
    cleanableBytes,
    totalBytes,
    cleanableRatio: totalBytes === 0 ? 0 : cleanableBytes / totalBytes,
  };
}

/**
 * Kafka's `maxCompactionDelay`: how long past max.compaction.lag.ms the oldest dirty record is
 * (by each dirty segment's first batch timestamp); 0 while none is overdue.
 */
export function maxCompactionDelay(log: Log, firstDirtyOffset: bigint, nowMs: number): number {
  if (log.config.maxCompactionLagMs >= Number.MAX_SAFE_INTEGER) return 0; // Long.MAX_VALUE: never
  let earliest = Number.POSITIVE_INFINITY;
  for (const segment of nonActiveSegmentsFrom(log.logSegments(), firstDirtyOffset)) {
    const timestamp = firstBatchTimestamp(segment);
    if (timestamp > 0 && timestamp < earliest) earliest = timestamp;
  }
  const cleanUntil = nowMs - Math.max(log.config.maxCompactionLagMs, 0);
  return earliest < cleanUntil ? cleanUntil - earliest : 0;
}

/** Segments from the one holding `from` up to, not including, the active one. */
function nonActiveSegmentsFrom<S extends SegmentExtent>(segments: readonly S[], from: bigint): S[] {
  const out: S[] = [];
  for (let i = 0; i < segments.length - 1; i++) {
    if (segments[i + 1]!.baseOffset > from) out.push(segments[i]!);
  }
  return out;
}

function firstBatchTimestamp(segment: Segment): number {
  if (segment.isClosed || segment.size < RECORD_BATCH_OVERHEAD) return -1;
  return Number(new RecordBatchView(segment.readAt(0, RECORD_BATCH_OVERHEAD), 0).maxTimestamp);
}
