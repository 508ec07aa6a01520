/**
 * Key and value schemas of `__transaction_state` records, from apache/kafka
 * `transaction-coordinator/src/main/resources/common/message/TransactionLog{Key,Value}.json`
 * (and, before 3.9, core's `TransactionLog.scala`).
 *
 * Both start with an int16 version. The key is the transactional id (version 0). A null value is
 * a tombstone: the transactional id expired.
 *
 * TransactionLogValue versions:
 *   0  producerId, producerEpoch, transactionTimeoutMs, transactionStatus, transactionPartitions
 *      (null when the state is Empty), transactionLastUpdateTimestampMs, transactionStartTimestampMs
 *   1  first flexible version; tagged previousProducerId (0), nextProducerId (1),
 *      clientTransactionVersion (2) for KIP-890 transactions V2
 * Kafka writes v0 for clients on transactions V1, which is what we serve.
 *
 * transactionStatus is Kafka's `TransactionState.id`: 0 Empty, 1 Ongoing, 2 PrepareCommit,
 * 3 PrepareAbort, 4 CompleteCommit, 5 CompleteAbort, 6 Dead, 7 PrepareEpochFence.
 */
import type { MessageSpec } from '../schema/types.js';
import {
  dataSpec,
  decodeVersionedRecord,
  encodeVersionedRecord,
  type RecordStruct,
  recordVersionOf,
} from './versioned-record.js';

export const TRANSACTION_LOG_KEY_VERSION = 0;
export const TRANSACTION_LOG_VALUE_VERSION = 0;

export const TransactionLogKey: MessageSpec = dataSpec('TransactionLogKey', '0', 'none', [
  { name: 'transactionalId', type: 'string', versions: '0' },
]);

export const TransactionLogValue: MessageSpec = dataSpec('TransactionLogValue', '0-1', '1+', [
  { name: 'producerId', type: 'int64', versions: '0+' },
  { name: 'previousProducerId', type: 'int64', versions: 'none', taggedVersions: '1+', tag: 0, default: -1n },
  { name: 'nextProducerId', type: 'int64', versions: 'none', taggedVersions: '1+', tag: 1, default: -1n },
  { name: 'producerEpoch', type: 'int16', versions: '0+' },
  { name: 'transactionTimeoutMs', type: 'int32', versions: '0+' },
  { name: 'transactionStatus', type: 'int8', versions: '0+' },
  {
    name: 'transactionPartitions',
    type: '[]PartitionsSchema',
    versions: '0+',
    nullableVersions: '0+',
    fields: [
      { name: 'topic', type: 'string', versions: '0+' },
      { name: 'partitionIds', type: '[]int32', versions: '0+' },
    ],
  },
  { name: 'transactionLastUpdateTimestampMs', type: 'int64', versions: '0+' },
  { name: 'transactionStartTimestampMs', type: 'int64', versions: '0+' },
  {
    name: 'clientTransactionVersion',
    type: 'int16',
    versions: 'none',
    taggedVersions: '1+',
    tag: 2,
    default: 0,
  },
]);

export interface TransactionLogValueData {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly transactionTimeoutMs: number;
  readonly transactionStatus: number;
  /** Partitions of the transaction by topic; null for the Empty state. */
  readonly transactionPartitions: readonly { topic: string; partitionIds: readonly number[] }[] | null;
  readonly transactionLastUpdateTimestampMs: bigint;
  readonly transactionStartTimestampMs: bigint;
}

export function encodeTransactionLogKey(transactionalId: string): Buffer {
  return encodeVersionedRecord(TransactionLogKey, TRANSACTION_LOG_KEY_VERSION, { transactionalId });
}

export function encodeTransactionLogValue(value: TransactionLogValueData): Buffer {
  return encodeVersionedRecord(TransactionLogValue, TRANSACTION_LOG_VALUE_VERSION, {
    ...value,
    transactionPartitions:
      value.transactionPartitions === null
        ? null
        : value.transactionPartitions.map((p) => ({ topic: p.topic, partitionIds: [...p.partitionIds] })),
  });
}

/** The transactional id of a key, or null for a key version this broker does not know. */
export function decodeTransactionLogKey(buf: Buffer): string | null {
  if (recordVersionOf(buf) !== TRANSACTION_LOG_KEY_VERSION) return null;
  const s = decodeVersionedRecord(TransactionLogKey, buf);
  return s.transactionalId as string;
}

export function decodeTransactionLogValue(buf: Buffer): TransactionLogValueData {
  const s = decodeVersionedRecord(TransactionLogValue, buf);
  const partitions = s.transactionPartitions as RecordStruct[] | null;
  return {
    producerId: s.producerId as bigint,
    producerEpoch: s.producerEpoch as number,
    transactionTimeoutMs: s.transactionTimeoutMs as number,
    transactionStatus: s.transactionStatus as number,
    transactionPartitions:
      partitions === null
        ? null
        : partitions.map((p) => ({ topic: p.topic as string, partitionIds: p.partitionIds as number[] })),
    transactionLastUpdateTimestampMs: s.transactionLastUpdateTimestampMs as bigint,
    transactionStartTimestampMs: s.transactionStartTimestampMs as bigint,
  };
}
