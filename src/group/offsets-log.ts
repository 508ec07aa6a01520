/**
 * Persistence of groups and committed offsets in the compacted `__consumer_offsets` topic, with
 * Kafka's record schemas (`protocol/internal/group-metadata-records.ts`), so the coordinator's state
 * survives restarts exactly as Kafka's does: the newest record per key wins, a null value deletes.
 *
 * The coordinator sees only `OffsetsLog`: append records to a partition (resolved once durable) and
 * replay a partition from its start. `PartitionLogOffsetsLog` puts that on the storage layer's logs;
 * tests use an in-memory one.
 */
import {
  decodeGroupMetadataValue,
  decodeGroupRecordKey,
  decodeOffsetCommitValue,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  type GroupMetadataValueData,
} from '../protocol/internal/group-metadata-records.js';
import { ControlRecordType, decodeEndTxnMarker } from '../protocol/records/control-batch.js';
import { computeAttributes } from '../protocol/records/record-batch.js';
import type { EncodeBatchOptions } from '../protocol/records/records.js';
import {
  appendCoordinatorRecords,
  type CoordinatorPartitionLog,
  type KeyedRecord,
  replayCoordinatorLog,
} from '../storage/coordinator-log.js';
import type { OffsetAndMetadata } from './types.js';

export const GROUP_METADATA_TOPIC_NAME = '__consumer_offsets';

/** One `__consumer_offsets` record: key and value bodies as Kafka writes them; null value = tombstone. */
export interface CoordinatorRecord extends KeyedRecord {
  /** Replay only: the producer of a transactional offset commit (TxnOffsetCommit). */
  readonly producerId?: bigint;
}

/** Replay only: a transaction marker, which commits or drops the producer's pending offsets. */
export interface TxnMarkerRecord {
  readonly marker: 'commit' | 'abort';
  readonly producerId: bigint;
}

/** The producer of a transactional offset commit, written as one transactional batch. */
export interface TxnProducer {
  readonly producerId: bigint;
  readonly producerEpoch: number;
}

/** The partitions of `__consumer_offsets`, as the coordinator uses them. */
export interface OffsetsLog {
  /**
   * Appends the records as one batch (transactional when `txn` is given); resolves once they are
   * durable (high watermark past them).
   */
  append(partition: number, records: readonly CoordinatorRecord[], txn?: TxnProducer): Promise<void>;
  /** Every record (and transaction marker) of the partition, from the log start offset, in offset order. */
  replay(
    partition: number,
  ): AsyncIterable<CoordinatorRecord | TxnMarkerRecord> | Iterable<CoordinatorRecord | TxnMarkerRecord>;
}

// -- records

export function offsetCommitRecord(
  groupId: string,
  topic: string,
  partition: number,
  value: OffsetAndMetadata | null,
): CoordinatorRecord {
  return {
    key: encodeOffsetCommitKey({ group: groupId, topic, partition }),
    value:
      value === null
        ? null
        : encodeOffsetCommitValue({
            offset: value.offset,
            leaderEpoch: value.leaderEpoch,
            metadata: value.metadata,
            commitTimestamp: BigInt(value.commitTimestampMs),
            expireTimestamp: BigInt(value.expireTimestampMs),
          }),
  };
}

export function groupMetadataRecord(
  groupId: string,
  value: GroupMetadataValueData | null,
): CoordinatorRecord {
  return {
    key: encodeGroupMetadataKey(groupId),
    value: value === null ? null : encodeGroupMetadataValue(value),
  };
}

/** A decoded record, as replay hands it to the loader. */
export type ReplayedRecord =
  | {
      readonly type: 'offset';
      readonly groupId: string;
      readonly topic: string;
      readonly partition: number;
      readonly value: OffsetAndMetadata | null;
    }
  | { readonly type: 'group'; readonly groupId: string; readonly value: GroupMetadataValueData | null }
  | { readonly type: 'other' };

export function decodeCoordinatorRecord(record: CoordinatorRecord): ReplayedRecord {
  const key = decodeGroupRecordKey(record.key);
  if (key.type === 'offset') {
    let value: OffsetAndMetadata | null = null;
    if (record.value !== null) {
      const v = decodeOffsetCommitValue(record.value);
      value = {
        offset: v.offset,
        leaderEpoch: v.leaderEpoch,
        metadata: v.metadata,
        commitTimestampMs: Number(v.commitTimestamp),
        expireTimestampMs: Number(v.expireTimestamp),
      };
    }
    return {
      type: 'offset',
      groupId: key.key.group,
      topic: key.key.topic,
      partition: key.key.partition,
      value,
    };
  }
  if (key.type === 'group') {
    return {
      type: 'group',
      groupId: key.group,
      value: record.value === null ? null : decodeGroupMetadataValue(record.value),
    };
  }
  return { type: 'other' };
}

// -- on the storage layer

interface PendingAppend {
  readonly records: readonly CoordinatorRecord[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Answers appends written together: now if durable already, else once replicated (or failed). */
function settle(appends: readonly PendingAppend[], replicated: Promise<void> | undefined): void {
  if (replicated === undefined) {
    for (const p of appends) p.resolve();
    return;
  }
  replicated.then(
    () => {
      for (const p of appends) p.resolve();
    },
    (error: unknown) => {
      for (const p of appends) p.reject(error);
    },
  );
}

/** Bytes read per step while replaying a partition (Kafka's `offsets.load.buffer.size`, 5 MiB). */
const LOAD_BUFFER_BYTES = 5 * 1024 * 1024;

/** Kafka's `offsets.commit.timeout.ms` default: how long a write waits for the ISR. */
export const DEFAULT_OFFSETS_COMMIT_TIMEOUT_MS = 5000;

/**
 * `OffsetsLog` over the partition logs of `__consumer_offsets` (`openLog(p)` is typically
 * `topics.logFor('__consumer_offsets', p)`). A write is acknowledged once the partition's in-sync
 * replicas hold it, or fails with REQUEST_TIMED_OUT after `offsets.commit.timeout.ms` (Kafka's
 * `appendForGroup`); where the log is the only copy, once its record is in the log.
 */
export class PartitionLogOffsetsLog implements OffsetsLog {
  /** Non-transactional appends made in the current tick, per partition, written together. */
  private readonly pending = new Map<number, PendingAppend[]>();
  private flushScheduled = false;

  constructor(
    private readonly openLog: (partition: number) => CoordinatorPartitionLog,
    private readonly clock: { nowMs(): number },
    private readonly leaderEpoch = 0,
    private readonly commitTimeoutMs = DEFAULT_OFFSETS_COMMIT_TIMEOUT_MS,
  ) {}

  /**
   * Appends `records`. Plain appends made in the same tick (a pipelined burst of offset commits)
   * share one batch and one write; each caller is still answered only once its records are in the
   * log, and if the shared batch is refused each append is retried alone, so one caller's error
   * never becomes another's.
   */
  append(partition: number, records: readonly CoordinatorRecord[], txn?: TxnProducer): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    if (txn !== undefined) {
      // Keep the partition's order: what was appended before this goes first.
      this.flushPartition(partition);
      try {
        const replicated = this.write(partition, records, {
          // Kafka's GroupMetadataManager writes transactional offset commits with sequence 0.
          producerId: txn.producerId,
          producerEpoch: txn.producerEpoch,
          baseSequence: 0,
          attributes: computeAttributes({ transactional: true }),
        });
        return replicated ?? Promise.resolve();
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise((resolve, reject) => {
      let queue = this.pending.get(partition);
      if (!queue) this.pending.set(partition, (queue = []));
      queue.push({ records, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        process.nextTick(() => this.flushAll());
      }
    });
  }

  private flushAll(): void {
    this.flushScheduled = false;
    for (const partition of [...this.pending.keys()]) this.flushPartition(partition);
  }

  private flushPartition(partition: number): void {
    const queue = this.pending.get(partition);
    if (!queue) return;
    this.pending.delete(partition);
    try {
      const replicated = this.write(
        partition,
        queue.length === 1 ? queue[0]!.records : queue.flatMap((p) => p.records),
      );
      settle(queue, replicated);
    } catch (error) {
      if (queue.length === 1) {
        queue[0]!.reject(error);
        return;
      }
      for (const p of queue) {
        try {
          settle([p], this.write(partition, p.records));
        } catch (alone) {
          p.reject(alone);
        }
      }
    }
  }

  /** Appends; returns the wait for the ISR when there is one (see `appendCoordinatorRecords`). */
  private write(
    partition: number,
    records: readonly CoordinatorRecord[],
    batch: EncodeBatchOptions = {},
  ): Promise<void> | undefined {
    return appendCoordinatorRecords(
      this.openLog(partition),
      records,
      BigInt(this.clock.nowMs()),
      this.leaderEpoch,
      this.commitTimeoutMs,
      batch,
    );
  }

  *replay(partition: number): Iterable<CoordinatorRecord | TxnMarkerRecord> {
    for (const entry of replayCoordinatorLog(this.openLog(partition), LOAD_BUFFER_BYTES)) {
      const { batch } = entry;
      if (entry.type === 'control') {
        const marker = decodeEndTxnMarker(batch);
        if (marker !== null) {
          yield {
            marker: marker.type === ControlRecordType.COMMIT ? 'commit' : 'abort',
            producerId: batch.producerId,
          };
        }
        continue;
      }
      yield batch.isTransactional
        ? { key: entry.key, value: entry.value, producerId: batch.producerId }
        : { key: entry.key, value: entry.value };
    }
  }
}
