/**
 * Persistence of transaction metadata in the compacted `__transaction_state` topic, with Kafka's
 * record schemas (`protocol/internal/transaction-log-records.ts`): one record per state change,
 * keyed by transactional id, the newest wins, a null value removes the id. The coordinator sees
 * only `TransactionStateLog`; `PartitionLogTransactionStateLog` puts it on the storage layer's logs.
 */
import {
  decodeTransactionLogKey,
  decodeTransactionLogValue,
  encodeTransactionLogKey,
  encodeTransactionLogValue,
  type TransactionLogValueData,
} from '../protocol/internal/transaction-log-records.js';
import { batchesIn } from '../protocol/records/record-batch.js';
import { decodeRecords, encodeRecordBatch } from '../protocol/records/records.js';
import { TransactionState, type TxnTransitMetadata } from './transaction-metadata.js';

export const TRANSACTION_STATE_TOPIC_NAME = '__transaction_state';

export interface TransactionLogRecord {
  readonly transactionalId: string;
  /** null: the transactional id expired (tombstone). */
  readonly value: TxnTransitMetadata | null;
}

export interface TransactionStateLog {
  /** Writes one record; resolves once it is durable (high watermark past it). */
  append(partition: number, record: TransactionLogRecord): Promise<void>;
  /** Every record of the partition, oldest first. */
  replay(partition: number): Iterable<TransactionLogRecord>;
}

/** Kafka's `TransactionLog.valueToBytes`: Empty carries no partitions (null), others a list by topic. */
export function toLogValue(t: TxnTransitMetadata): TransactionLogValueData {
  let partitions: { topic: string; partitionIds: number[] }[] | null = null;
  if (t.state !== TransactionState.Empty) {
    const byTopic = new Map<string, number[]>();
    for (const tp of t.partitions) {
      let ids = byTopic.get(tp.topic);
      if (ids === undefined) byTopic.set(tp.topic, (ids = []));
      ids.push(tp.partition);
    }
    partitions = [...byTopic].map(([topic, partitionIds]) => ({ topic, partitionIds }));
  }
  return {
    producerId: t.producerId,
    producerEpoch: t.producerEpoch,
    transactionTimeoutMs: t.txnTimeoutMs,
    transactionStatus: t.state,
    transactionPartitions: partitions,
    transactionLastUpdateTimestampMs: BigInt(t.txnLastUpdateTimestampMs),
    transactionStartTimestampMs: BigInt(t.txnStartTimestampMs),
  };
}

/** The v0 value keeps neither the previous id nor the previous epoch: they load as -1 (Kafka). */
export function fromLogValue(v: TransactionLogValueData): TxnTransitMetadata {
  return {
    producerId: v.producerId,
    lastProducerId: -1n,
    producerEpoch: v.producerEpoch,
    lastProducerEpoch: -1,
    txnTimeoutMs: v.transactionTimeoutMs,
    state: v.transactionStatus,
    partitions: (v.transactionPartitions ?? []).flatMap((p) =>
      p.partitionIds.map((partition) => ({ topic: p.topic, partition })),
    ),
    txnStartTimestampMs: Number(v.transactionStartTimestampMs),
    txnLastUpdateTimestampMs: Number(v.transactionLastUpdateTimestampMs),
  };
}

export function encodeTransactionLogRecord(record: TransactionLogRecord): {
  key: Buffer;
  value: Buffer | null;
} {
  return {
    key: encodeTransactionLogKey(record.transactionalId),
    value: record.value === null ? null : encodeTransactionLogValue(toLogValue(record.value)),
  };
}

/** What this module needs of a partition's `Log`. */
export interface TransactionStatePartitionLog {
  appendAsLeader(records: Buffer, leaderEpoch: number, origin?: 'client' | 'coordinator'): unknown;
  setHighWatermark(offset: bigint): void;
  read(fetchOffset: bigint, maxBytes: number, minOneMessage: boolean): { readonly records: Buffer };
  readonly logStartOffset: bigint;
  readonly logEndOffset: bigint;
}

/** Bytes read per step while loading (Kafka's `transaction.state.log.load.buffer.size`, 5 MiB). */
const LOAD_BUFFER_BYTES = 5 * 1024 * 1024;

export class PartitionLogTransactionStateLog implements TransactionStateLog {
  constructor(
    private readonly openLog: (partition: number) => TransactionStatePartitionLog,
    private readonly clock: { nowMs(): number },
  ) {}

  async append(partition: number, record: TransactionLogRecord): Promise<void> {
    const log = this.openLog(partition);
    const { key, value } = encodeTransactionLogRecord(record);
    const batch = encodeRecordBatch([{ key, value, headers: [], timestamp: BigInt(this.clock.nowMs()) }]);
    log.appendAsLeader(batch, 0, 'coordinator');
    log.setHighWatermark(log.logEndOffset);
  }

  *replay(partition: number): Iterable<TransactionLogRecord> {
    const log = this.openLog(partition);
    let offset = log.logStartOffset;
    const end = log.logEndOffset;
    while (offset < end) {
      const bytes = log.read(offset, LOAD_BUFFER_BYTES, true).records;
      if (bytes.length === 0) break;
      let next = offset;
      for (const batch of batchesIn(bytes)) {
        next = batch.nextOffset;
        if (batch.isControl) continue;
        for (const r of decodeRecords(bytes, batch.position)) {
          if (r.offset < offset || r.key === null) continue;
          const transactionalId = decodeTransactionLogKey(r.key);
          if (transactionalId === null) continue;
          yield {
            transactionalId,
            value: r.value === null ? null : fromLogValue(decodeTransactionLogValue(r.value)),
          };
        }
      }
      if (next <= offset) break;
      offset = next;
    }
  }
}
