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
import {
  appendCoordinatorRecords,
  type CoordinatorPartitionLog,
  type KeyedRecord,
  replayCoordinatorLog,
} from '../storage/coordinator-log.js';
import { groupByTopic } from '../util/group-by-topic.js';
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
    const byTopic = groupByTopic(t.partitions, (tp) => tp.partition);
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

export function encodeTransactionLogRecord(record: TransactionLogRecord): KeyedRecord {
  return {
    key: encodeTransactionLogKey(record.transactionalId),
    value: record.value === null ? null : encodeTransactionLogValue(toLogValue(record.value)),
  };
}

/** Bytes read per step while loading (Kafka's `transaction.state.log.load.buffer.size`, 5 MiB). */
const LOAD_BUFFER_BYTES = 5 * 1024 * 1024;

/** Kafka's `request.timeout.ms` default: how long a tombstone (no transaction timeout) waits for the ISR. */
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * `TransactionStateLog` over the partition logs of `__transaction_state`. A write is done once the
 * partition's in-sync replicas hold it, or fails with REQUEST_TIMED_OUT after the transaction's
 * timeout (Kafka's `appendTransactionToLog` waits `txnTimeoutMs`); where the log is the only copy,
 * once its record is in the log.
 */
export class PartitionLogTransactionStateLog implements TransactionStateLog {
  constructor(
    private readonly openLog: (partition: number) => CoordinatorPartitionLog,
    private readonly clock: { nowMs(): number },
    private readonly requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
  ) {}

  async append(partition: number, record: TransactionLogRecord): Promise<void> {
    await appendCoordinatorRecords(
      this.openLog(partition),
      [encodeTransactionLogRecord(record)],
      BigInt(this.clock.nowMs()),
      0,
      record.value?.txnTimeoutMs ?? this.requestTimeoutMs,
    );
  }

  *replay(partition: number): Iterable<TransactionLogRecord> {
    for (const entry of replayCoordinatorLog(this.openLog(partition), LOAD_BUFFER_BYTES)) {
      if (entry.type === 'control') continue;
      const transactionalId = decodeTransactionLogKey(entry.key);
      if (transactionalId === null) continue;
      yield {
        transactionalId,
        value: entry.value === null ? null : fromLogValue(decodeTransactionLogValue(entry.value)),
      };
    }
  }
}
