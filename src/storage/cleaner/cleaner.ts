import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  BATCH_LENGTH_OFFSET,
  batchesIn,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  RecordBatchView,
} from '../../protocol/records/record-batch.js';
import type { Clock } from '../../util/clock.js';
import { CorruptRecordError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import { foregroundActivity } from '../foreground-activity.js';
import type { Log } from '../log.js';
import {
  type AppendedBatch,
  CLEANED_FILE_SUFFIX,
  filenamePrefixFromOffset,
  INDEX_FILE_SUFFIX,
  LOG_FILE_SUFFIX,
  Segment,
  TIME_INDEX_FILE_SUFFIX,
} from '../segment.js';
import { TransactionIndex, TXN_INDEX_FILE_SUFFIX } from '../txn-index.js';
import {
  type BatchFilter,
  type BatchRetention,
  batchBody,
  controlTypeOf,
  deleteHorizonOf,
  filterBatch,
  type RecordRef,
  recordsIn,
} from './batch-filter.js';
import { CleanedTxnMetadata } from './cleaned-txn-metadata.js';
import { maybeCrashAt } from './crash-points.js';
import type { OffsetMap } from './offset-map.js';
import type { Throttler } from './throttler.js';

/** A log chosen for cleaning and its sections (Kafka's `LogToClean`). */
export interface LogToClean {
  readonly log: Log;
  /** Where the dirty section starts (the cleaner checkpoint). */
  readonly firstDirtyOffset: bigint;
  /** The base offset of the first segment that may not be cleaned (active, LSO, min.compaction.lag.ms). */
  readonly firstUncleanableOffset: bigint;
  readonly cleanBytes: number;
  readonly cleanableBytes: number;
  readonly totalBytes: number;
  /** cleanableBytes / totalBytes: what min.cleanable.dirty.ratio is compared with. */
  readonly cleanableRatio: number;
  /** max.compaction.lag.ms has passed for some dirty record. */
  readonly needCompactionNow: boolean;
}

/** Thrown inside a clean that must stop (the log changed under it, was closed, or the cleaner stops). */
export class CleaningAbortedError extends Error {}

export interface CleanerStats {
  bytesRead: number;
  bytesWritten: number;
  messagesRead: number;
  messagesWritten: number;
  mapBytesRead: number;
  mapMessagesRead: number;
  /** Records without a key, dropped from a compacted log. */
  invalidMessages: number;
  bufferUtilization: number;
  elapsedMs: number;
  elapsedIndexMs: number;
}

/** What the cleaner keeps of each active producer: the batch holding its last sequence, or its last marker. */
interface LastRecord {
  lastDataOffset: bigint | null;
  producerEpoch: number;
}

export interface CleanerOptions {
  /** Bytes read per step; the event loop runs between steps. */
  ioBufferSize: number;
  dupBufferLoadFactor: number;
  throttler: Throttler;
  clock: Clock;
  logger: Logger;
  /** Throws CleaningAbortedError when this log's clean must stop. */
  checkDone(log: Log): void;
  /** Largest share of a busy broker's time spent cleaning (default `DEFAULT_BUSY_SHARE`). */
  busyShare?: number;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The cleaner gives way to request handling: while logs served appends or reads within the last
 * `BUSY_WINDOW_MS`, the broker counts as busy, and each step is followed by a pause long enough
 * that cleaning takes at most `busyShare` of the time (the default a twentieth); an idle broker
 * cleans at full speed. The window matters: a producer's requests arrive every few milliseconds,
 * so the one loop turn of a yield alone would mostly miss them and clean at full speed beside it.
 */
export const DEFAULT_BUSY_SHARE = 0.05;
export const BUSY_WINDOW_MS = 500;
/** Longest sleep between two checks that the clean may go on. */
const MAX_PAUSE_MS = 200;
/** Steps while the broker is busy read this much, so a request never waits long behind one. */
const BUSY_STEP_BYTES = 32 * 1024;

/** Event-loop time the cleaners' steps took since start, busy or not (benchmarks, tests). */
export const cleanerActivity = { steps: 0, busySteps: 0, stepMs: 0 };

/** Whether the broker served appends or reads recently (`foregroundActivity`). */
export class ForegroundWatch {
  private seen = foregroundActivity.operations;
  private lastActiveMs = Number.NEGATIVE_INFINITY;

  busy(nowMs: number): boolean {
    const operations = foregroundActivity.operations;
    if (operations !== this.seen) {
      this.seen = operations;
      this.lastActiveMs = nowMs;
    }
    return nowMs - this.lastActiveMs < BUSY_WINDOW_MS;
  }
}

/**
 * Cleans one log (Kafka's `Cleaner`): builds the key => latest offset map of the dirty section,
 * then rewrites the segments below the map's end in groups, each group into one `.cleaned` segment
 * swapped in for it. A record is kept when it is the latest of its key (or past the map); a
 * tombstone only until its batch's delete horizon; records without a key are dropped; aborted
 * transactions' data goes at once and their markers once nothing of them is left.
 *
 * Work is done in steps of `ioBufferSize` bytes with the event loop free in between, so appends
 * and fetches on the same broker wait at most one step; the segments being rewritten are
 * immutable (never the active one), and the swap happens in one synchronous step.
 */
export class Cleaner {
  private readonly foreground = new ForegroundWatch();
  /** Pause after a step of a busy broker, as a multiple of the step's length. */
  private readonly busyPauseRatio: number;

  constructor(
    private readonly offsetMap: OffsetMap,
    private readonly options: CleanerOptions,
  ) {
    const share = Math.min(1, Math.max(0.001, options.busyShare ?? DEFAULT_BUSY_SHARE));
    this.busyPauseRatio = (1 - share) / share;
  }

  /** Cleans the log; returns the first offset not cleaned (the next checkpoint) and the stats. */
  async clean(cleanable: LogToClean): Promise<{ endOffset: bigint; stats: CleanerStats }> {
    const { log } = cleanable;
    const startMs = this.options.clock.monotonicMs();
    const nowMs = this.options.clock.nowMs();
    const stats: CleanerStats = {
      bytesRead: 0,
      bytesWritten: 0,
      messagesRead: 0,
      messagesWritten: 0,
      mapBytesRead: 0,
      mapMessagesRead: 0,
      invalidMessages: 0,
      bufferUtilization: 0,
      elapsedMs: 0,
      elapsedIndexMs: 0,
    };
    const upperBound = cleanable.firstUncleanableOffset;
    await this.buildOffsetMap(log, cleanable.firstDirtyOffset, upperBound, stats);
    const endOffset = this.offsetMap.latestOffset + 1n;
    stats.elapsedIndexMs = this.options.clock.monotonicMs() - startMs;

    const txns = new CleanedTxnMetadata();
    const toClean = log.logSegments().filter((segment) => segment.baseOffset < endOffset);
    const groups = groupSegmentsBySize(
      toClean,
      log.config.segmentBytes,
      log.config.segmentIndexBytes,
      upperBound,
    );
    for (const group of groups) await this.cleanSegments(log, group, txns, nowMs, upperBound, stats);
    stats.bufferUtilization = this.offsetMap.utilization;
    stats.elapsedMs = this.options.clock.monotonicMs() - startMs;
    return { endOffset, stats };
  }

  /**
   * Kafka's `buildOffsetMap`: every key of the dirty section [start, end) with its latest offset,
   * skipping aborted transactions. Stops early when the map reaches its load factor; the map's
   * latest offset then says how far it got.
   */
  private async buildOffsetMap(log: Log, start: bigint, end: bigint, stats: CleanerStats): Promise<void> {
    const map = this.offsetMap;
    // Each offset holds at most one key: a map sized for the range never needs more.
    const range = Number(end - start);
    map.reset((range + 1) / this.options.dupBufferLoadFactor + 1);
    const maxDesiredSize = Math.floor(map.slots * this.options.dupBufferLoadFactor);
    const txns = new CleanedTxnMetadata();
    txns.addAbortedTransactions(log.abortedTransactions(start, end));
    const dirty = segmentsInRange(log.logSegments(), start, end);
    const maxMessageBytes = log.config.maxMessageBytes;
    for (let i = 0; i < dirty.length; i++) {
      const segment = dirty[i]!;
      const nextSegmentStart = dirty[i + 1]?.baseOffset ?? end;
      let full = false;
      await this.forEachChunk(log, segment, segment.offsetIndex.lookup(start).position, (batches, bytes) => {
        stats.mapBytesRead += bytes;
        for (const batch of batches) {
          if (batch.isLegacy) continue;
          if (batch.isControl) {
            txns.onControlBatchRead(batch, controlTypeOf(batch, maxMessageBytes));
            stats.mapMessagesRead++;
          } else if (txns.onBatchRead(batch)) {
            stats.mapMessagesRead += batch.recordCount;
          } else {
            const body = batchBody(batch, maxMessageBytes);
            for (const record of recordsIn(body, batch.recordCount, batch.baseOffset, batch.baseTimestamp)) {
              if (record.key !== null && record.offset >= start) {
                if (map.size >= maxDesiredSize) {
                  full = true;
                  return false;
                }
                map.put(record.key, record.offset);
              }
              stats.mapMessagesRead++;
            }
          }
          if (batch.lastOffset >= start) map.updateLatestOffset(batch.lastOffset);
        }
        return true;
      });
      if (full) {
        this.options.logger.debug(
          { partition: `${log.topic}-${log.partition}`, segment: String(segment.baseOffset) },
          'offset map is full; cleaning part of the dirty section',
        );
        return;
      }
      // Offset gaps (a segment ending in removed batches): the map still covers up to the next one.
      map.updateLatestOffset(nextSegmentStart - 1n);
    }
  }

  /** Kafka's `cleanSegments`: one group into one `.cleaned` segment, then the swap. */
  private async cleanSegments(
    log: Log,
    group: readonly Segment[],
    txns: CleanedTxnMetadata,
    nowMs: number,
    upperBound: bigint,
    stats: CleanerStats,
  ): Promise<void> {
    const base = group[0]!.baseOffset;
    const sizes = group.map((segment) => segment.size);
    const cleaned = Segment.createCleaned(log.dir, base, log.config.segmentIndexBytes);
    const txnIndexFile = cleanedTxnIndexFile(log.dir, base);
    const txnIndex = new TransactionIndex(txnIndexFile);
    txns.onAbortRetained = (txn) => txnIndex.append(txn);
    let swapped = false;
    try {
      const lastRecords = lastRecordsOfActiveProducers(log);
      for (let i = 0; i < group.length; i++) {
        const segment = group[i]!;
        const upper = group[i + 1]?.baseOffset ?? segment.nextOffset;
        // The full segment range: the cleaned segment's transaction index is rebuilt from it.
        txns.addAbortedTransactions(log.abortedTransactions(segment.baseOffset, upper));
        await this.cleanInto(log, segment, cleaned, txns, lastRecords, upperBound, nowMs, stats);
      }
      cleaned.onBecomeInactive();
      // On the thread pool: beside a producer's writes one fsync can hold the event loop 100 ms.
      await new Promise<void>((resolve, reject) =>
        cleaned.flushAsync((error) => (error === null ? resolve() : reject(error))),
      );
      txnIndex.flush();
      txnIndex.close();
      // The cleaned segment keeps its source's modification time (retention falls back on it).
      cleaned.setLastModified(group[group.length - 1]!.lastModifiedMs);
      this.options.checkDone(log);
      maybeCrashAt('cleaned');
      const unchanged = group.every((segment, i) => !segment.isClosed && segment.size === sizes[i]);
      if (!unchanged || !log.replaceSegments(cleaned, group, txnIndexFile, maybeCrashAt)) {
        throw new CleaningAbortedError(`segments of ${log.topic}-${log.partition} changed during cleaning`);
      }
      swapped = true;
      this.options.logger.debug(
        { partition: `${log.topic}-${log.partition}`, segments: group.map((s) => String(s.baseOffset)) },
        'swapped in a cleaned segment',
      );
    } finally {
      if (!swapped) {
        txnIndex.close();
        cleaned.close();
        for (const suffix of [
          LOG_FILE_SUFFIX,
          INDEX_FILE_SUFFIX,
          TIME_INDEX_FILE_SUFFIX,
          TXN_INDEX_FILE_SUFFIX,
        ]) {
          fs.rmSync(path.join(log.dir, filenamePrefixFromOffset(base) + suffix + CLEANED_FILE_SUFFIX), {
            force: true,
          });
        }
      }
    }
  }

  /** Kafka's `cleanInto`: copies what is retained of `source` onto the end of `dest`. */
  private async cleanInto(
    log: Log,
    source: Segment,
    dest: Segment,
    txns: CleanedTxnMetadata,
    lastRecords: ReadonlyMap<bigint, LastRecord>,
    upperBound: bigint,
    nowMs: number,
    stats: CleanerStats,
  ): Promise<void> {
    const now = BigInt(nowMs);
    const maxMessageBytes = log.config.maxMessageBytes;
    let discardBatchRecords = false;
    const filter: BatchFilter = {
      checkBatchRetention: (batch) => {
        // Markers piggy-back on tombstone retention: never removed before their transaction's data.
        const canDiscardBatch = batch.isControl
          ? txns.onControlBatchRead(batch, controlTypeOf(batch, maxMessageBytes))
          : txns.onBatchRead(batch);
        if (batch.isControl) {
          const horizon = deleteHorizonOf(batch);
          discardBatchRecords = canDiscardBatch && horizon !== undefined && horizon <= now;
        } else {
          discardBatchRecords = canDiscardBatch;
        }
        // The batch with an active producer's last sequence (or its last marker, for the epoch) stays.
        const last = lastRecords.get(batch.producerId);
        const isLastOfProducer =
          last !== undefined &&
          (last.lastDataOffset !== null
            ? batch.lastOffset === last.lastDataOffset
            : batch.isControl && batch.producerEpoch === last.producerEpoch);
        let retention: BatchRetention;
        if (batch.producerId >= 0n && isLastOfProducer) retention = 'retain-empty';
        else if (batch.nextOffset === upperBound)
          retention = 'retain-empty'; // keeps the round's last offset
        else if (discardBatchRecords) retention = 'delete';
        else retention = 'delete-empty';
        return { retention, containsMarkerForEmptyTxn: canDiscardBatch && batch.isControl };
      },
      shouldRetainRecord: (batch, record) => {
        if (discardBatchRecords) return false;
        if (batch.isControl) return true;
        return this.shouldRetainRecord(batch, record, now, stats);
      },
    };
    const filterOptions = {
      currentTimeMs: nowMs,
      deleteRetentionMs: log.config.deleteRetentionMs,
      maxMessageBytes,
    };
    const pending: { bytes: Buffer[]; batches: AppendedBatch[]; size: number } = {
      bytes: [],
      batches: [],
      size: 0,
    };
    const flushPending = () => {
      if (pending.batches.length === 0) return;
      dest.append(
        Buffer.concat(pending.bytes, pending.size),
        pending.batches,
        log.config.indexIntervalBytes,
        nowMs,
      );
      stats.bytesWritten += pending.size;
      pending.bytes = [];
      pending.batches = [];
      pending.size = 0;
    };
    await this.forEachChunk(log, source, 0, (batches, bytes) => {
      stats.bytesRead += bytes;
      for (const batch of batches) {
        let out: Buffer | null;
        if (batch.isLegacy) {
          out = batch.bytes(); // never stored by Samsa (converted on the way in); copied as it is
        } else {
          const result = filterBatch(batch, filter, filterOptions);
          stats.messagesRead += result.recordsRead;
          stats.messagesWritten += result.recordsRetained;
          out = result.bytes;
        }
        if (out === null) continue;
        const view = new RecordBatchView(out, 0);
        pending.batches.push({
          position: pending.size,
          sizeInBytes: out.length,
          lastOffset: view.lastOffset,
          maxTimestamp: view.maxTimestamp,
        });
        pending.bytes.push(out);
        pending.size += out.length;
      }
      flushPending();
      return true;
    });
  }

  /** Kafka's `shouldRetainRecord`: the latest of its key, and for a tombstone, before its delete horizon. */
  private shouldRetainRecord(
    batch: RecordBatchView,
    record: RecordRef,
    now: bigint,
    stats: CleanerStats,
  ): boolean {
    if (record.offset > this.offsetMap.latestOffset) return true; // past what the map covers
    if (record.key === null) {
      stats.invalidMessages++;
      return false;
    }
    const latestForKey = record.offset >= this.offsetMap.get(record.key);
    if (!latestForKey) return false;
    if (record.hasValue) return true;
    const horizon = deleteHorizonOf(batch);
    return horizon === undefined || now < horizon;
  }

  /**
   * Reads `segment` from `position` in steps of whole batches (about ioBufferSize bytes, more for a
   * larger batch), hands each step to `visit` (false stops), and lets the event loop run (and the
   * throttle wait) between steps.
   */
  private async forEachChunk(
    log: Log,
    segment: Segment,
    position: number,
    visit: (batches: RecordBatchView[], bytes: number) => boolean,
  ): Promise<void> {
    let busy = this.foreground.busy(performance.now());
    while (true) {
      const ioBufferSize = busy
        ? Math.min(BUSY_STEP_BYTES, this.options.ioBufferSize)
        : this.options.ioBufferSize;
      this.options.checkDone(log);
      if (segment.isClosed)
        throw new CleaningAbortedError(`segment ${segment.file} was removed during cleaning`);
      const remaining = segment.size - position;
      if (remaining <= 0) return;
      // The step is the read, the parse and the visit: all of it holds the event loop.
      const stepStart = performance.now();
      let chunk = segment.readAt(position, Math.min(ioBufferSize, remaining));
      let batches = [...batchesIn(chunk)];
      if (batches.length === 0) {
        // One batch larger than the buffer: read exactly that batch.
        const size =
          chunk.length >= LOG_OVERHEAD ? chunk.readInt32BE(BATCH_LENGTH_OFFSET) + LOG_OVERHEAD : -1;
        if (size < RECORD_BATCH_OVERHEAD || size > remaining) {
          throw new CorruptRecordError(
            `log segment ${segment.file} holds no valid batch at position ${position}`,
          );
        }
        chunk = segment.readAt(position, size);
        batches = [...batchesIn(chunk)];
      }
      const last = batches[batches.length - 1]!;
      const bytes = last.position + last.sizeInBytes;
      const more = visit(batches, bytes);
      const stepMs = performance.now() - stepStart;
      cleanerActivity.steps++;
      cleanerActivity.stepMs += stepMs;
      if (busy) cleanerActivity.busySteps++;
      position += bytes;
      await this.options.throttler.maybeThrottle(bytes);
      await yieldToEventLoop();
      busy = this.foreground.busy(performance.now());
      // A step is at least one whole batch, which can take tens of milliseconds: its pause is
      // slept in pieces, so that a stop or abort is not kept waiting for it.
      for (let pause = busy ? stepMs * this.busyPauseRatio : 0; pause > 0; pause -= MAX_PAUSE_MS) {
        await sleep(Math.min(MAX_PAUSE_MS, pause));
        this.options.checkDone(log);
      }
      if (!more) return;
    }
  }
}

/**
 * Kafka's `groupSegmentsBySize`: consecutive segments merged while their logs and indexes stay
 * within `maxSize` / `maxIndexSize` and their offsets within an int32 of the group's base, so
 * repeated cleaning does not leave ever smaller segments.
 */
export function groupSegmentsBySize(
  segments: readonly Segment[],
  maxSize: number,
  maxIndexSize: number,
  firstUncleanableOffset: bigint,
): Segment[][] {
  const grouped: Segment[][] = [];
  let i = 0;
  while (i < segments.length) {
    const group = [segments[i]!];
    let logSize = segments[i]!.size;
    let indexSize = segments[i]!.offsetIndex.entries * 8;
    let timeIndexSize = segments[i]!.timeIndex.entries * 12;
    i++;
    while (i < segments.length) {
      const next = segments[i]!;
      // The next segment's last offset, bounded by what follows it.
      const lastOffset = (segments[i + 1]?.baseOffset ?? firstUncleanableOffset) - 1n;
      if (
        logSize + next.size > maxSize ||
        indexSize + next.offsetIndex.entries * 8 > maxIndexSize ||
        timeIndexSize + next.timeIndex.entries * 12 > maxIndexSize ||
        (next.size > 0 && lastOffset - group[0]!.baseOffset > 0x7fffffffn)
      ) {
        break;
      }
      group.push(next);
      logSize += next.size;
      indexSize += next.offsetIndex.entries * 8;
      timeIndexSize += next.timeIndex.entries * 12;
      i++;
    }
    grouped.push(group);
  }
  return grouped;
}

/** Segments overlapping [from, to) (Kafka's `logSegments(from, to)`). */
export function segmentsInRange(segments: readonly Segment[], from: bigint, to: bigint): Segment[] {
  return segments.filter((segment, i) => {
    const nextBase = segments[i + 1]?.baseOffset;
    return segment.baseOffset < to && (nextBase === undefined || nextBase > from);
  });
}

function lastRecordsOfActiveProducers(log: Log): Map<bigint, LastRecord> {
  const out = new Map<bigint, LastRecord>();
  for (const [producerId, entry] of log.txns.producerState.producers) {
    const lastDataOffset = entry.lastDataOffset;
    out.set(producerId, {
      lastDataOffset: lastDataOffset >= 0n ? lastDataOffset : null,
      producerEpoch: entry.producerEpoch,
    });
  }
  return out;
}

function cleanedTxnIndexFile(dir: string, baseOffset: bigint): string {
  return path.join(dir, filenamePrefixFromOffset(baseOffset) + TXN_INDEX_FILE_SUFFIX + CLEANED_FILE_SUFFIX);
}
