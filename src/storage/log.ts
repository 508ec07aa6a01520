import * as fs from 'node:fs';
import {
  batchesIn,
  type RecordBatchView,
  setBaseOffset,
  setMaxTimestamp,
  setPartitionLeaderEpoch,
} from '../protocol/records/record-batch.js';
import { type Clock, systemClock } from '../util/clock.js';
import {
  InvalidRecordError,
  KafkaStorageError,
  OffsetOutOfRangeError,
  RecordTooLargeError,
} from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { fsyncDirectory } from './checkpoint.js';
import { foregroundActivity } from './foreground-activity.js';
import { type EpochEndOffset, LeaderEpochFileCache } from './leader-epoch-cache.js';
import type { LogConfig } from './log-config.js';
import { loadSegments } from './log-recovery.js';
import { LogTransactions } from './log-transactions.js';
import { validateBatchesAsFollower, validateRecordsForAppend } from './log-validator.js';
import { normalizeTopicId, readPartitionMetadata, writePartitionMetadata } from './partition-metadata.js';
import type { AppendOrigin } from './producer-state.js';
import type { OffloadedValidation } from './record-worker-pool.js';
import {
  deletableSegments,
  hasDeletePolicy,
  logStartOffsetBreached,
  retentionMsBreached,
  retentionSizeBreached,
  type SegmentPredicate,
} from './retention.js';
import {
  type AppendedBatch,
  CLEANED_FILE_SUFFIX,
  Segment,
  SWAP_FILE_SUFFIX,
  type TimestampAndOffset,
} from './segment.js';
import type { AbortedTxn } from './txn-index.js';

export interface AppendInfo {
  firstOffset: bigint;
  lastOffset: bigint;
  /** The time stamped on the batches under LogAppendTime, else -1n. */
  logAppendTimeMs: bigint;
  recordCount: number;
  logStartOffset: bigint;
}

export interface ReadResult {
  records: Buffer;
  highWatermark: bigint;
  logStartOffset: bigint;
  logEndOffset: bigint;
}

export interface LogOpenOptions {
  dir: string;
  topic: string;
  partition: number;
  config: LogConfig;
  logger: Logger;
  clock?: Clock;
  /** Offsets below it are known to be on disk (from recovery-point-offset-checkpoint). */
  recoveryPoint?: bigint;
  /** False after a clean shutdown: segments are loaded without walking them. */
  needsRecovery?: boolean;
  logStartOffset?: bigint;
  highWatermark?: bigint;
  topicId?: string;
  /** Removes `*.deleted` files after file.delete.delay.ms; the default uses a timer. */
  scheduleFileDeletion?: (files: string[], delayMs: number) => void;
  /** Draws each segment's segment.jitter.ms share, in [0, 1); default Math.random. */
  random?: () => number;
}

const INT32_MAX = 0x7fffffffn;
const REPLAY_CHUNK_BYTES = 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/**
 * One partition's log: an ordered list of segments, the last one active (Kafka's `UnifiedLog` +
 * `LocalLog`). Appends and reads are synchronous and run to completion, so no locking is needed;
 * only the fsync after a roll and the removal of deleted files happen in the background.
 *
 * Offsets: logStartOffset <= highWatermark <= logEndOffset. Everything below recoveryPoint has
 * been fsynced; a crash can only lose or tear data above it, which recovery truncates.
 */
export class Log {
  readonly topic: string;
  readonly partition: number;
  readonly dir: string;
  config: LogConfig;
  /** Kafka's printed topic id (partition.metadata), when known. */
  topicId: string | undefined;
  private segments: Segment[];
  private startOffset: bigint;
  private hw: bigint;
  private recoveryPointOffset: bigint;
  private lastFlushMs: number;
  private dirNeedsFsync = false;
  private closed = false;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly scheduleFileDeletion: (files: string[], delayMs: number) => void;
  private readonly random: () => number;
  /** Each segment's roll jitter, drawn once per segment (Kafka's `LogSegment.rollJitterMs`). */
  private readonly rollJitterMs = new WeakMap<Segment, number>();
  /** Producer state, snapshots and aborted-transaction indexes (idempotence and transactions). */
  readonly txns: LogTransactions;
  /** Where each leader epoch starts (`leader-epoch-checkpoint`), kept in step with the log. */
  readonly epochs: LeaderEpochFileCache;

  private constructor(options: LogOpenOptions, segments: Segment[]) {
    this.topic = options.topic;
    this.partition = options.partition;
    this.dir = options.dir;
    this.config = options.config;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger;
    this.scheduleFileDeletion = options.scheduleFileDeletion ?? deleteFilesLater;
    this.random = options.random ?? Math.random;
    this.segments = segments;
    this.lastFlushMs = this.clock.nowMs();
    const leo = this.logEndOffset;
    // As Kafka's LogLoader: the log start offset is at least the first segment's base offset.
    this.startOffset = clamp(options.logStartOffset ?? 0n, segments[0]!.baseOffset, leo);
    this.recoveryPointOffset = clamp(options.recoveryPoint ?? 0n, 0n, leo);
    this.hw = clamp(options.highWatermark ?? 0n, this.startOffset, leo);
    this.txns = new LogTransactions(this.dir, this.name, this.logger);
    this.epochs = new LeaderEpochFileCache(this.dir);
    // As Kafka's LogLoader: epochs past the recovered end or before the start are dropped.
    this.epochs.truncateFromEnd(leo);
    this.epochs.truncateFromStart(this.startOffset);
  }

  /** Opens (recovering if needed) or creates the log in `options.dir`. */
  static open(options: LogOpenOptions): Log {
    fs.mkdirSync(options.dir, { recursive: true });
    const existingTopicId = readPartitionMetadata(options.dir);
    if (options.topicId !== undefined) {
      const topicId = normalizeTopicId(options.topicId);
      if (existingTopicId !== undefined && existingTopicId !== topicId) {
        // Kafka's InconsistentTopicIdException: the directory belongs to an older topic of that name.
        throw new KafkaStorageError(
          `partition.metadata in ${options.dir} holds topic id ${existingTopicId}, not ${topicId}`,
        );
      }
      if (existingTopicId === undefined) writePartitionMetadata(options.dir, topicId);
    }
    const { segments } = loadSegments({
      dir: options.dir,
      recoveryPoint: options.recoveryPoint ?? 0n,
      needsRecovery: options.needsRecovery ?? true,
      indexIntervalBytes: options.config.indexIntervalBytes,
      maxIndexSize: options.config.segmentIndexBytes,
      logger: options.logger,
    });
    if (segments.length === 0) {
      segments.push(
        Segment.create(options.dir, options.logStartOffset ?? 0n, options.config.segmentIndexBytes),
      );
    }
    const log = new Log(options, segments);
    log.topicId = options.topicId === undefined ? existingTopicId : normalizeTopicId(options.topicId);
    log.txns.load(log.segmentBaseOffsets(), log.logEndOffset, (from) => log.batchesFrom(from));
    return log;
  }

  get logStartOffset(): bigint {
    return this.startOffset;
  }

  get logEndOffset(): bigint {
    return this.activeSegment.nextOffset;
  }

  get highWatermark(): bigint {
    return this.hw;
  }

  /** The offset below which every transaction is decided (what read_committed may read). */
  get lastStableOffset(): bigint {
    return this.txns.lastStableOffset(this.hw, this.startOffset);
  }

  /** The latest leader epoch of the log's batches, when it has any. */
  get latestEpoch(): number | undefined {
    return this.epochs.latestEpoch;
  }

  /**
   * Kafka's `UnifiedLog.endOffsetForEpoch`: the largest epoch <= `epoch` and where it ends, or
   * undefined when the log knows no such epoch.
   */
  endOffsetForEpoch(epoch: number): EpochEndOffset | undefined {
    const found = this.epochs.endOffsetFor(epoch, this.logEndOffset);
    return found.endOffset < 0n ? undefined : found;
  }

  /** Aborted transactions overlapping [fetchOffset, upperBoundOffset), for read_committed fetches. */
  abortedTransactions(fetchOffset: bigint, upperBoundOffset: bigint): AbortedTxn[] {
    return this.txns.collectAbortedTxns(fetchOffset, upperBoundOffset);
  }

  /** Offsets below this are durable. */
  get recoveryPoint(): bigint {
    return this.recoveryPointOffset;
  }

  get lastFlushTimeMs(): number {
    return this.lastFlushMs;
  }

  get sizeInBytes(): number {
    let size = 0;
    for (const segment of this.segments) size += segment.size;
    return size;
  }

  get numberOfSegments(): number {
    return this.segments.length;
  }

  /** The segments, oldest first, the active one last (the cleaner reads the older ones). */
  logSegments(): readonly Segment[] {
    return this.segments;
  }

  /**
   * Swaps a cleaned segment (files `*.cleaned`, its aborted transactions in `cleanedTxnIndex`) in
   * for the contiguous `oldSegments` it replaces, crash-safely as Kafka's `LocalLog.replaceSegments`:
   * the cleaned files are renamed `.swap`, the old segments' files `.deleted`, then the `.swap`
   * files take their final names (recovery finishes a swap found half done, see
   * `completeInterruptedSwaps`). Readers see the old list or the new one: the change is synchronous.
   * Returns false, changing nothing, when the old segments are no longer all in the log (retention
   * or truncation got there first) or one of them is the active segment.
   */
  replaceSegments(
    cleaned: Segment,
    oldSegments: readonly Segment[],
    cleanedTxnIndex: string,
    onStep: (step: 'swap' | 'deleted' | 'renamed') => void = () => {},
  ): boolean {
    const first = this.segments.indexOf(oldSegments[0]!);
    if (
      this.closed ||
      first < 0 ||
      first + oldSegments.length >= this.segments.length ||
      oldSegments.some((segment, i) => this.segments[first + i] !== segment)
    ) {
      return false;
    }
    cleaned.changeFileSuffixes(CLEANED_FILE_SUFFIX, SWAP_FILE_SUFFIX);
    const swapTxnIndex = renameSuffix(cleanedTxnIndex, CLEANED_FILE_SUFFIX, SWAP_FILE_SUFFIX);
    fsyncDirectory(this.dir);
    onStep('swap');
    const oldBases = oldSegments.map((segment) => segment.baseOffset);
    const deleted = [
      ...oldSegments.flatMap((segment) => segment.renameToDeleted()),
      ...this.txns.detachIndexes(oldBases),
    ];
    onStep('deleted');
    cleaned.changeFileSuffixes(SWAP_FILE_SUFFIX, '');
    renameSuffix(swapTxnIndex, SWAP_FILE_SUFFIX, '');
    fsyncDirectory(this.dir);
    onStep('renamed');
    this.segments.splice(first, oldSegments.length, cleaned);
    this.txns.attachIndex(cleaned.baseOffset);
    this.scheduleFileDeletion(deleted, this.config.fileDeleteDelayMs);
    return true;
  }

  /** Base offsets of the segments, oldest first. */
  segmentBaseOffsets(): bigint[] {
    return this.segments.map((segment) => segment.baseOffset);
  }

  private get activeSegment(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  private get name(): string {
    return `${this.topic}-${this.partition}`;
  }

  updateConfig(config: LogConfig): void {
    this.config = config;
  }

  /** Kafka's `updateHighWatermark`: clamped to [logStartOffset, logEndOffset]. */
  setHighWatermark(offset: bigint): void {
    this.hw = clamp(offset, this.startOffset, this.logEndOffset);
  }

  /**
   * Validates v2 batches (the records of compressed ones too, recompressing them into a new buffer
   * when compression.type asks), assigns offsets from the log end offset, stamps the leader epoch (and the
   * time under LogAppendTime), then writes them all with one write. Batches are patched in place in
   * `records`. Throws CorruptRecordError / InvalidRecordError / RecordTooLargeError, and then
   * nothing is written. Batches with a producer id are checked against the producer state
   * (sequence, epoch, transaction); a client's retry of a recent batch is acknowledged with the
   * original offsets and not written again. `origin` 'coordinator' is for markers and the
   * coordinators' own records. `offloaded`: the record validation already done on a worker.
   */
  appendAsLeader(
    records: Buffer,
    leaderEpoch: number,
    origin: AppendOrigin = 'client',
    offloaded?: OffloadedValidation,
  ): AppendInfo {
    foregroundActivity.operations++;
    const validated = validateRecordsForAppend(records, this.config, this.name, offloaded);
    records = validated.records;
    const batches = validated.batches;
    this.checkFitsInSegment(records);
    const nowMs = this.clock.nowMs();
    const logAppendTime = this.config.messageTimestampType === 'LogAppendTime' ? BigInt(nowMs) : -1n;
    const firstOffset = this.logEndOffset;
    let nextOffset = firstOffset;
    let recordCount = 0;
    const appended: AppendedBatch[] = [];
    for (const batch of batches) {
      setBaseOffset(records, batch.position, nextOffset);
      setPartitionLeaderEpoch(records, batch.position, leaderEpoch);
      if (logAppendTime >= 0n) setMaxTimestamp(records, batch.position, 'LogAppendTime', logAppendTime);
      const lastOffset = nextOffset + BigInt(batch.lastOffsetDelta);
      appended.push({
        position: batch.position,
        sizeInBytes: batch.sizeInBytes,
        lastOffset,
        maxTimestamp: batch.maxTimestamp,
      });
      recordCount += batch.recordCount;
      nextOffset = lastOffset + 1n;
    }
    const prepared = this.txns.prepare(batches, origin);
    if (prepared.duplicate !== undefined) {
      const d = prepared.duplicate;
      return {
        firstOffset: d.lastOffset - BigInt(d.offsetDelta),
        lastOffset: d.lastOffset,
        logAppendTimeMs: logAppendTime >= 0n ? d.timestamp : -1n,
        recordCount: 0,
        logStartOffset: this.startOffset,
      };
    }
    // The epoch goes on disk before its batches (as Kafka's append): a crash in between leaves an
    // entry past the log end, which opening the log drops.
    this.epochs.assign(leaderEpoch, firstOffset);
    this.write(records, appended, firstOffset, nowMs);
    this.txns.commit(prepared, this.activeSegment.baseOffset);
    return {
      firstOffset,
      lastOffset: nextOffset - 1n,
      logAppendTimeMs: logAppendTime,
      recordCount,
      logStartOffset: this.startOffset,
    };
  }

  /**
   * Appends batches whose offsets were assigned by the leader (replication). They must start at or
   * above the log end offset and increase; batch bytes are written unchanged.
   */
  appendAsFollower(records: Buffer): AppendInfo {
    const batches = validateBatchesAsFollower(records, this.name);
    this.checkFitsInSegment(records);
    const firstOffset = batches[0]!.baseOffset;
    let expected = this.logEndOffset;
    let recordCount = 0;
    const appended: AppendedBatch[] = [];
    for (const batch of batches) {
      if (batch.baseOffset < expected) {
        throw new InvalidRecordError(
          `batch at offset ${batch.baseOffset} is below ${expected} in ${this.name}`,
        );
      }
      appended.push({
        position: batch.position,
        sizeInBytes: batch.sizeInBytes,
        lastOffset: batch.lastOffset,
        maxTimestamp: batch.maxTimestamp,
      });
      recordCount += batch.recordCount;
      expected = batch.nextOffset;
    }
    const prepared = this.txns.prepare(batches, 'replication');
    for (const batch of batches) this.epochs.assign(batch.partitionLeaderEpoch, batch.baseOffset);
    this.write(records, appended, firstOffset, this.clock.nowMs());
    this.txns.commit(prepared, this.activeSegment.baseOffset);
    return {
      firstOffset,
      lastOffset: expected - 1n,
      logAppendTimeMs: -1n,
      recordCount,
      logStartOffset: this.startOffset,
    };
  }

  private checkFitsInSegment(records: Buffer): void {
    // Kafka's RecordBatchTooLargeException: an append must fit in one segment.
    if (records.length > this.config.segmentBytes) {
      throw new RecordTooLargeError(
        `Message batch size is ${records.length} bytes in append to partition ${this.name} which exceeds the maximum configured segment size of ${this.config.segmentBytes}.`,
      );
    }
  }

  private write(records: Buffer, appended: AppendedBatch[], firstOffset: bigint, nowMs: number): void {
    const lastOffset = appended[appended.length - 1]!.lastOffset;
    this.maybeRoll(records.length, firstOffset, lastOffset, nowMs);
    this.activeSegment.append(records, appended, this.config.indexIntervalBytes, nowMs);
    // flush.messages: Kafka fsyncs once this many messages are above the recovery point.
    if (this.logEndOffset - this.recoveryPointOffset >= BigInt(this.config.flushMessages)) this.flush();
  }

  /**
   * Kafka's `UnifiedLog.maybeRoll`: a new segment when this append would pass segment.bytes, the
   * active segment is older than segment.ms less its jitter, an index is full, or offsets would
   * overflow int32 relative offsets. An empty active segment is never rolled.
   */
  private maybeRoll(messagesSize: number, firstOffset: bigint, lastOffset: bigint, nowMs: number): void {
    const segment = this.activeSegment;
    if (segment.size === 0) return;
    if (
      segment.size > this.config.segmentBytes - messagesSize ||
      segment.timeWaitedForRollMs(nowMs) > this.config.segmentMs - this.rollJitterOf(segment) ||
      segment.offsetIndex.isFull() ||
      segment.timeIndex.isFull() ||
      lastOffset - segment.baseOffset > INT32_MAX
    ) {
      this.roll(firstOffset > this.logEndOffset ? firstOffset : this.logEndOffset);
    }
  }

  /**
   * segment.jitter.ms: a random share of it, fixed per segment, taken off segment.ms so that the
   * logs created together do not all roll at once (Kafka's `LogConfig.randomSegmentJitter`:
   * uniform in [0, min(segment.jitter.ms, segment.ms))).
   */
  private rollJitterOf(segment: Segment): number {
    let jitter = this.rollJitterMs.get(segment);
    if (jitter === undefined) {
      const bound = Math.min(this.config.segmentJitterMs, this.config.segmentMs);
      jitter = bound > 0 ? Math.floor(this.random() * bound) : 0;
      this.rollJitterMs.set(segment, jitter);
    }
    return jitter;
  }

  /** Starts a new active segment at `baseOffset`; the old one is fsynced in the background. */
  roll(baseOffset = this.logEndOffset): void {
    const previous = this.activeSegment;
    if (previous.size === 0 && previous.baseOffset === baseOffset) return;
    previous.onBecomeInactive();
    if (previous.size === 0) {
      // An empty active segment is replaced rather than kept (Kafka deletes it in roll()).
      this.segments.pop();
      this.deleteSegmentFiles([previous], 0);
    }
    this.segments.push(Segment.create(this.dir, baseOffset, this.config.segmentIndexBytes));
    this.dirNeedsFsync = true;
    this.txns.onRoll(baseOffset);
    this.logger.debug({ partition: this.name, baseOffset: String(baseOffset) }, 'rolled a new log segment');
    // Kafka flushes the rolled segments asynchronously and only then moves the recovery point.
    const unflushed = this.segments.filter(
      (s) => s.baseOffset < baseOffset && s.nextOffset > this.recoveryPointOffset,
    );
    let pending = unflushed.length;
    for (const segment of unflushed) {
      segment.flushAsync((error) => {
        if (error !== null) {
          if (!segment.isClosed)
            this.logger.warn({ err: error, file: segment.file }, 'background flush failed');
          return;
        }
        if (--pending === 0 && !this.closed && baseOffset > this.recoveryPointOffset) {
          this.recoveryPointOffset = baseOffset;
        }
      });
    }
  }

  /**
   * Whole batches from the one containing fetchOffset, up to maxBytes (at least one batch when
   * minOneMessage), only batches entirely below maxOffset (default: the log end offset). Reads from
   * a single segment, as Kafka does.
   */
  read(fetchOffset: bigint, maxBytes: number, minOneMessage: boolean, maxOffset?: bigint): ReadResult {
    foregroundActivity.operations++;
    const leo = this.logEndOffset;
    if (fetchOffset < this.startOffset || fetchOffset > leo) {
      throw new OffsetOutOfRangeError(
        `Received request for offset ${fetchOffset} for partition ${this.name}, but we only have log segments in the range ${this.startOffset} to ${leo}.`,
      );
    }
    let records: Buffer = EMPTY;
    if (fetchOffset < leo) {
      const limit = maxOffset ?? leo;
      for (let i = this.floorSegmentIndex(fetchOffset); i < this.segments.length; i++) {
        const found = this.segments[i]!.read(fetchOffset, maxBytes, minOneMessage, limit);
        if (found !== null) {
          records = found;
          break;
        }
      }
    }
    return { records, highWatermark: this.hw, logStartOffset: this.startOffset, logEndOffset: leo };
  }

  /** ListOffsets by timestamp: the first record with timestamp >= timestampMs, or null. */
  offsetForTimestamp(timestampMs: bigint): TimestampAndOffset | null {
    for (const segment of this.segments) {
      if (segment.maxTimestampSoFar < timestampMs || segment.nextOffset <= this.startOffset) continue;
      const found = segment.findOffsetByTimestamp(timestampMs, this.startOffset);
      if (found !== null) return found;
    }
    return null;
  }

  /** DeleteRecords: moves the log start offset up to `offset` and deletes the segments wholly below it. */
  deleteRecordsBefore(offset: bigint): void {
    if (offset > this.hw) {
      throw new OffsetOutOfRangeError(
        `Cannot increment the log start offset to ${offset} of partition ${this.name} since it is larger than the high watermark ${this.hw}`,
      );
    }
    if (offset <= this.startOffset) return;
    this.startOffset = offset;
    this.epochs.truncateFromStart(offset);
    this.deleteSegments(
      deletableSegments(this.segments, this.hw, this.logEndOffset, logStartOffsetBreached(offset)),
    );
  }

  /**
   * One retention pass (Kafka's `UnifiedLog.deleteOldSegments`): segments below the log start
   * offset, then, under cleanup.policy=delete, by retention.bytes and retention.ms. Returns the
   * number of segments deleted.
   */
  deleteOldSegments(nowMs = this.clock.nowMs()): number {
    let deleted = this.deleteMatching(logStartOffsetBreached(this.startOffset));
    if (hasDeletePolicy(this.config)) {
      deleted += this.deleteMatching(retentionSizeBreached(this.config, this.sizeInBytes));
      deleted += this.deleteMatching(retentionMsBreached(this.config, nowMs));
    }
    return deleted;
  }

  private deleteMatching(predicate: SegmentPredicate): number {
    const deletable = deletableSegments(this.segments, this.hw, this.logEndOffset, predicate);
    this.deleteSegments(deletable);
    return deletable.length;
  }

  private deleteSegments(deletable: Segment[]): void {
    if (deletable.length === 0) return;
    // Deleting every segment: roll first so the log keeps an active segment at its end offset.
    if (deletable.length === this.segments.length) this.roll();
    this.segments = this.segments.slice(deletable.length);
    const firstBase = this.segments[0]!.baseOffset;
    if (firstBase > this.startOffset) this.startOffset = firstBase;
    if (this.hw < this.startOffset) this.hw = this.startOffset;
    this.epochs.truncateFromStart(this.startOffset);
    this.logger.info(
      { partition: this.name, segments: deletable.length, logStartOffset: String(this.startOffset) },
      'deleting log segments',
    );
    this.deleteSegmentFiles(deletable, this.config.fileDeleteDelayMs);
  }

  private deleteSegmentFiles(segments: Segment[], delayMs: number): void {
    this.txns.onSegmentsDeleted(segments.map((segment) => segment.baseOffset));
    const files = segments.flatMap((segment) => segment.renameToDeleted());
    this.scheduleFileDeletion(files, delayMs);
  }

  /**
   * Removes everything at and above `offset` (a follower truncating to the leader). A batch that
   * straddles `offset` is removed whole. Returns true when anything was removed.
   */
  truncateTo(offset: bigint): boolean {
    if (offset >= this.logEndOffset) return false;
    if (offset <= this.segments[0]!.baseOffset) {
      this.truncateFullyAndStartAt(offset);
      return true;
    }
    const doomed = this.segments.filter((segment) => segment.baseOffset >= offset);
    this.segments = this.segments.slice(0, this.segments.length - doomed.length);
    this.deleteSegmentFiles(doomed, this.config.fileDeleteDelayMs);
    this.activeSegment.truncateTo(offset);
    const leo = this.logEndOffset;
    if (this.recoveryPointOffset > leo) this.recoveryPointOffset = leo;
    if (this.hw > leo) this.hw = leo;
    if (this.startOffset > leo) this.startOffset = leo;
    this.txns.onTruncated(this.segmentBaseOffsets(), leo, (from) => this.batchesFrom(from));
    this.epochs.truncateFromEnd(leo);
    return true;
  }

  /**
   * Deletes every segment and starts empty at `offset` (Kafka's `truncateFullyAndStartAt`); the log
   * start offset may stay above it (a follower taking a batch that straddles the leader's start).
   */
  truncateFullyAndStartAt(offset: bigint, logStartOffset = offset): void {
    const old = this.segments;
    this.segments = [];
    this.deleteSegmentFiles(old, this.config.fileDeleteDelayMs);
    this.segments.push(Segment.create(this.dir, offset, this.config.segmentIndexBytes));
    this.dirNeedsFsync = true;
    this.startOffset = logStartOffset > offset ? logStartOffset : offset;
    this.hw = this.startOffset;
    this.recoveryPointOffset = offset;
    this.txns.onTruncated(this.segmentBaseOffsets(), offset, (from) => this.batchesFrom(from));
    this.epochs.clear();
  }

  /** fsyncs every segment holding offsets above the recovery point, then moves it to the log end. */
  flush(): void {
    const leo = this.logEndOffset;
    for (const segment of this.segments) {
      if (segment.nextOffset > this.recoveryPointOffset || segment === this.activeSegment) segment.flush();
    }
    this.txns.flush();
    if (this.dirNeedsFsync) {
      fsyncDirectory(this.dir);
      this.dirNeedsFsync = false;
    }
    this.recoveryPointOffset = leo;
    this.lastFlushMs = this.clock.nowMs();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.txns.close(this.logEndOffset);
      this.epochs.flushIfDirty();
    } finally {
      // Even when the producer snapshot cannot be written (disk full), the files are let go.
      for (const segment of this.segments) segment.close();
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Every batch from the one holding `from` to the log end, read in chunks (state rebuilds). */
  *batchesFrom(from: bigint): Generator<RecordBatchView> {
    let offset = from < this.startOffset ? this.startOffset : from;
    const end = this.logEndOffset;
    while (offset < end) {
      const bytes = this.read(offset, REPLAY_CHUNK_BYTES, true).records;
      if (bytes.length === 0) return;
      let next = offset;
      for (const batch of batchesIn(bytes)) {
        if (batch.isLegacy) continue;
        next = batch.nextOffset;
        if (batch.lastOffset >= offset) yield batch;
      }
      if (next <= offset) return;
      offset = next;
    }
  }

  /** Index of the last segment whose base offset <= offset (0 when offset is below them all). */
  private floorSegmentIndex(offset: bigint): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}

/** Renames `file` (if it exists) from suffix `from` to `to`; returns the new name. */
function renameSuffix(file: string, from: string, to: string): string {
  const renamed = file.slice(0, file.length - from.length) + to;
  try {
    fs.renameSync(file, renamed);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return renamed;
}

function clamp(value: bigint, min: bigint, max: bigint): bigint {
  return value < min ? min : value > max ? max : value;
}

function deleteFilesLater(files: string[], delayMs: number): void {
  if (files.length === 0) return;
  const remove = () => {
    for (const file of files) fs.rm(file, { force: true }, () => {});
  };
  setTimeout(remove, delayMs).unref();
}
