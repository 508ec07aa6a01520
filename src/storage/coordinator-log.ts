/**
 * A coordinator's records in a partition of its internal topic (`__consumer_offsets`,
 * `__transaction_state`): appended as batches the coordinator writes, and replayed from the log
 * start offset to rebuild the coordinator's state, as Kafka's `CoordinatorLoader` does. What the
 * records mean stays with each coordinator; this module only moves keyed records in and out.
 */
import { batchesIn, type RecordBatchView } from '../protocol/records/record-batch.js';
import { decodeRecords, type EncodeBatchOptions, encodeRecordBatch } from '../protocol/records/records.js';

/**
 * What a coordinator needs of a partition's `Log` (storage/log.ts); `A` is what an append returns.
 */
export interface CoordinatorPartitionLog<A = unknown> {
  appendAsLeader(records: Buffer, leaderEpoch: number, origin?: 'client' | 'coordinator'): A;
  setHighWatermark(offset: bigint): void;
  /**
   * A replicated partition: settles once the in-sync replicas hold the append (Kafka's coordinators
   * write with acks=-1), rejecting with the replication error (REQUEST_TIMED_OUT after
   * `timeoutMs`, NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS_AFTER_APPEND); undefined when it is
   * there already. Absent where the log is the only copy.
   */
  awaitReplication?(appended: A, timeoutMs: number): Promise<void> | undefined;
  read(fetchOffset: bigint, maxBytes: number, minOneMessage: boolean): { readonly records: Buffer };
  readonly logStartOffset: bigint;
  readonly logEndOffset: bigint;
}

/** A key and value body as the coordinator encoded them; a null value is a tombstone. */
export interface KeyedRecord {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

/**
 * Appends `records` as one batch stamped `timestamp`, written by the coordinator, and moves the high
 * watermark to the log end offset where the log is the only copy. Returns, for a replicated
 * partition still waiting for its in-sync replicas, the promise of their having it
 * (`awaitReplication`); undefined when the records are durable already.
 */
export function appendCoordinatorRecords<A>(
  log: CoordinatorPartitionLog<A>,
  records: readonly KeyedRecord[],
  timestamp: bigint,
  leaderEpoch: number,
  replicationTimeoutMs: number,
  batch: EncodeBatchOptions = {},
): Promise<void> | undefined {
  const bytes = encodeRecordBatch(
    records.map((r) => ({ key: r.key, value: r.value, headers: [], timestamp })),
    batch,
  );
  const appended = log.appendAsLeader(bytes, leaderEpoch, 'coordinator');
  log.setHighWatermark(log.logEndOffset);
  return log.awaitReplication?.(appended, replicationTimeoutMs);
}

/**
 * One step of a replay: a keyed record with the batch that holds it (for its producer), or a
 * control batch (a transaction marker) at or past the replay position.
 */
export type ReplayedEntry =
  | {
      readonly type: 'record';
      readonly key: Buffer;
      readonly value: Buffer | null;
      readonly batch: RecordBatchView;
    }
  | { readonly type: 'control'; readonly batch: RecordBatchView };

/**
 * Every keyed record and control batch of the log, from its log start offset to the log end offset
 * as it was when the replay began, in offset order, read `loadBufferBytes` at a time.
 */
export function* replayCoordinatorLog(
  log: CoordinatorPartitionLog,
  loadBufferBytes: number,
): Iterable<ReplayedEntry> {
  let offset = log.logStartOffset;
  const end = log.logEndOffset;
  while (offset < end) {
    const bytes = log.read(offset, loadBufferBytes, true).records;
    if (bytes.length === 0) break;
    let next = offset;
    for (const batch of batchesIn(bytes)) {
      next = batch.nextOffset;
      if (batch.isControl) {
        if (batch.lastOffset >= offset) yield { type: 'control', batch };
        continue;
      }
      for (const r of decodeRecords(bytes, batch.position)) {
        // A compacted batch may start before `offset`; records without a key are not a coordinator's.
        if (r.offset < offset || r.key === null) continue;
        yield { type: 'record', key: r.key, value: r.value, batch };
      }
    }
    if (next <= offset) break;
    offset = next;
  }
}
