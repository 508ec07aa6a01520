import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RecordBatchView } from '../protocol/records/record-batch.js';
import type { Logger } from '../util/logger.js';
import {
  decodeSnapshot,
  deleteSnapshot,
  listSnapshots,
  snapshotFile,
  writeSnapshot,
} from './producer-snapshot.js';
import { type AppendOrigin, type PreparedAppend, ProducerStateManager } from './producer-state.js';
import { DELETED_FILE_SUFFIX, filenamePrefixFromOffset } from './segment.js';
import { type AbortedTxn, TransactionIndex, TXN_INDEX_FILE_SUFFIX } from './txn-index.js';

/** Snapshots kept besides the newest (Kafka keeps one per segment; two are enough to recover). */
const SNAPSHOTS_TO_KEEP = 2;
const TXN_INDEX_FILE = /^(\d{20})\.txnindex$/;

/**
 * The transactional side of one partition's log: its producer state (with snapshots) and the
 * `.txnindex` of each segment. The `Log` calls in at fixed points (open, append, roll, segment
 * deletion, truncation, close); everything here is derived from the `.log` files, so recovery can
 * always rebuild it by replaying batches from the newest usable snapshot (Kafka's
 * `UnifiedLog.rebuildProducerState` and `LogSegment.updateTxnIndex`).
 */
export class LogTransactions {
  readonly producerState: ProducerStateManager;
  private readonly indexes = new Map<bigint, TransactionIndex>();

  constructor(
    private readonly dir: string,
    private readonly where: string,
    private readonly logger: Logger,
  ) {
    this.producerState = new ProducerStateManager(where);
  }

  /**
   * Loads the state on open: the transaction indexes of `segmentBases`, then the newest snapshot
   * at or below the log end offset, then every batch after it (`readBatches(from)` yields the
   * log's batches from `from` to its end). Snapshots above the log end (a truncated tail) and
   * orphaned indexes are deleted.
   */
  load(
    segmentBases: readonly bigint[],
    logEndOffset: bigint,
    readBatches: (from: bigint) => Iterable<RecordBatchView>,
  ): void {
    const bases = new Set(segmentBases);
    for (const name of fs.readdirSync(this.dir)) {
      const m = TXN_INDEX_FILE.exec(name);
      if (m !== null && !bases.has(BigInt(m[1]!))) fs.rmSync(path.join(this.dir, name), { force: true });
    }
    for (const base of segmentBases) this.indexFor(base);
    this.rebuild(segmentBases[0] ?? 0n, logEndOffset, readBatches);
  }

  private rebuild(
    firstBase: bigint,
    logEndOffset: bigint,
    readBatches: (from: bigint) => Iterable<RecordBatchView>,
  ): void {
    let from = firstBase;
    this.producerState.clear();
    for (const offset of listSnapshots(this.dir).reverse()) {
      if (offset > logEndOffset) {
        deleteSnapshot(this.dir, offset);
        continue;
      }
      try {
        this.producerState.load(decodeSnapshot(fs.readFileSync(snapshotFile(this.dir, offset)), this.where));
        if (offset > from) from = offset;
        break;
      } catch (err) {
        this.logger.warn({ partition: this.where, err }, 'deleting an unreadable producer snapshot');
        deleteSnapshot(this.dir, offset);
      }
    }
    if (from >= logEndOffset) return;
    // Markers after the snapshot are replayed below; their index entries are written again.
    for (const index of this.indexes.values()) index.truncateTo(from);
    let batches = 0;
    for (const batch of readBatches(from)) {
      if (batch.producerId < 0n) continue;
      const prepared = this.producerState.prepareAppend([batch], 'replication');
      this.commit(prepared, this.baseFor(batch.baseOffset));
      batches++;
    }
    this.logger.debug(
      { partition: this.where, from: String(from), batches },
      'rebuilt producer state from the log',
    );
  }

  /** Validates an append (offsets assigned) against the producer state; see `prepareAppend`. */
  prepare(batches: readonly RecordBatchView[], origin: AppendOrigin): PreparedAppend {
    return this.producerState.prepareAppend(batches, origin);
  }

  /**
   * Applies a written append; aborted transactions it completed go into the index of the segment
   * that holds their markers (`segmentBase`, the active segment).
   */
  commit(prepared: PreparedAppend, segmentBase: bigint): void {
    if (prepared.updated.size === 0) return;
    const aborted: AbortedTxn[] = [];
    for (const txn of prepared.completedTxns) {
      if (!txn.isAborted) continue;
      aborted.push({
        producerId: txn.producerId,
        firstOffset: txn.firstOffset,
        lastOffset: txn.lastOffset,
        lastStableOffset: 0n,
      });
    }
    this.producerState.commitAppend(prepared);
    if (aborted.length === 0) return;
    const index = this.indexFor(segmentBase);
    for (const txn of aborted) {
      // With this transaction complete, the LSO is the earliest one still open (or past the marker).
      const completed = { ...txn, isAborted: true };
      index.append({ ...txn, lastStableOffset: this.producerState.lastStableOffsetAfter(completed) });
    }
  }

  /**
   * Kafka's LSO: the first offset of the earliest open transaction, capped by the high watermark.
   * Retention or DeleteRecords may remove the start of a still-open transaction; the first
   * unstable offset is then the log start offset (Kafka's `maybeIncrementFirstUnstableOffset`),
   * so read_committed consumers are never sent below the log.
   */
  lastStableOffset(highWatermark: bigint, logStartOffset: bigint): bigint {
    let unstable = this.producerState.firstUnstableOffset();
    if (unstable === undefined) return highWatermark;
    if (unstable < logStartOffset) unstable = logStartOffset;
    return unstable < highWatermark ? unstable : highWatermark;
  }

  /**
   * Aborted transactions overlapping [fetchOffset, upperBoundOffset), from the index of the segment
   * holding fetchOffset onwards (Kafka's `LocalLog.collectAbortedTransactions`). An entry sits in
   * the index of the segment holding its ABORT marker, which may be any later segment than the
   * transaction's data, so the search does not stop at the upper bound's segment: it goes on until
   * an entry shows that every transaction overlapping the range is decided (its recorded LSO is at
   * or past the upper bound), or the last segment.
   */
  collectAbortedTxns(fetchOffset: bigint, upperBoundOffset: bigint): AbortedTxn[] {
    const out: AbortedTxn[] = [];
    const bases = [...this.indexes.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let start = 0;
    for (let i = 0; i < bases.length; i++) if (bases[i]! <= fetchOffset) start = i;
    for (let i = start; i < bases.length; i++) {
      const { txns, complete } = this.indexes.get(bases[i]!)!.collect(fetchOffset, upperBoundOffset);
      out.push(...txns);
      if (complete) break;
    }
    return out;
  }

  /** A new segment at `baseOffset`: snapshot the state there (Kafka snapshots on every roll). */
  onRoll(baseOffset: bigint): void {
    this.indexFor(baseOffset);
    this.takeSnapshot(baseOffset, false);
  }

  /** A snapshot at `offset`; `sync` waits for the disk (shutdown), else it is flushed in the background. */
  takeSnapshot(offset: bigint, sync = true): void {
    writeSnapshot(this.dir, offset, this.producerState.producers.values(), sync).catch((err) =>
      this.logger.warn({ partition: this.where, err }, 'could not flush the producer snapshot'),
    );
    const all = listSnapshots(this.dir);
    // At a roll, in the background: an unlink beside a producer's writes can hold the loop 100 ms+.
    for (const old of all.slice(0, Math.max(0, all.length - SNAPSHOTS_TO_KEEP)))
      deleteSnapshot(this.dir, old, !sync);
  }

  /**
   * The cleaner replaced the segments at `baseOffsets`: their indexes are closed and renamed
   * `.deleted` (returned, to remove later), as the segments' own files are.
   */
  detachIndexes(baseOffsets: Iterable<bigint>): string[] {
    const renamed: string[] = [];
    for (const base of baseOffsets) {
      const index = this.indexes.get(base);
      this.indexes.delete(base);
      if (index === undefined) continue;
      index.close();
      const to = `${index.file}${DELETED_FILE_SUFFIX}`;
      try {
        fs.renameSync(index.file, to);
        renamed.push(to);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return renamed;
  }

  /** A cleaned segment now sits at `baseOffset`: load its index (written by the cleaner). */
  attachIndex(baseOffset: bigint): void {
    this.indexes.get(baseOffset)?.close();
    this.indexes.delete(baseOffset);
    this.indexFor(baseOffset);
  }

  /** Segments gone (retention, DeleteRecords, truncation): their indexes go with them. */
  onSegmentsDeleted(baseOffsets: Iterable<bigint>): void {
    for (const base of baseOffsets) {
      this.indexes.get(base)?.delete();
      this.indexes.delete(base);
    }
  }

  /**
   * The log was truncated to `logEndOffset` (its segments now start at `segmentBases`): drop later
   * index entries and snapshots, and rebuild the producer state from what is left.
   */
  onTruncated(
    segmentBases: readonly bigint[],
    logEndOffset: bigint,
    readBatches: (from: bigint) => Iterable<RecordBatchView>,
  ): void {
    const bases = new Set(segmentBases);
    for (const base of [...this.indexes.keys()]) if (!bases.has(base)) this.onSegmentsDeleted([base]);
    for (const index of this.indexes.values()) index.truncateTo(logEndOffset);
    for (const base of segmentBases) this.indexFor(base);
    this.rebuild(segmentBases[0] ?? 0n, logEndOffset, readBatches);
  }

  flush(): void {
    for (const index of this.indexes.values()) index.flush();
  }

  /** Clean shutdown: a snapshot at the log end, so the next start replays nothing. */
  close(logEndOffset: bigint): void {
    try {
      this.takeSnapshot(logEndOffset);
    } catch (err) {
      this.logger.warn({ partition: this.where, err }, 'could not write the producer snapshot');
    }
    for (const index of this.indexes.values()) index.close();
  }

  private indexFor(segmentBase: bigint): TransactionIndex {
    let index = this.indexes.get(segmentBase);
    if (index === undefined) {
      index = new TransactionIndex(
        path.join(this.dir, filenamePrefixFromOffset(segmentBase) + TXN_INDEX_FILE_SUFFIX),
      );
      this.indexes.set(segmentBase, index);
    }
    return index;
  }

  private baseFor(offset: bigint): bigint {
    let found = 0n;
    let any = false;
    for (const base of this.indexes.keys()) {
      if (base <= offset && (!any || base > found)) {
        found = base;
        any = true;
      }
    }
    return found;
  }
}
