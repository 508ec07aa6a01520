import {
  decodeTransactionLogKey,
  decodeTransactionLogValue,
} from '../../src/protocol/internal/transaction-log-records.js';
import {
  encodeTransactionLogRecord,
  fromLogValue,
  type TransactionLogRecord,
  type TransactionStateLog,
} from '../../src/txn/transaction-state-log.js';

/** An in-memory `TransactionStateLog` that keeps the encoded records (tests). */
export class MemoryTransactionStateLog implements TransactionStateLog {
  readonly records = new Map<number, { key: Buffer; value: Buffer | null }[]>();
  failNext: Error | undefined;

  async append(partition: number, record: TransactionLogRecord): Promise<void> {
    if (this.failNext !== undefined) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    let list = this.records.get(partition);
    if (list === undefined) this.records.set(partition, (list = []));
    list.push(encodeTransactionLogRecord(record));
  }

  *replay(partition: number): Iterable<TransactionLogRecord> {
    for (const r of this.records.get(partition) ?? []) {
      yield {
        transactionalId: decodeTransactionLogKey(r.key)!,
        value: r.value === null ? null : fromLogValue(decodeTransactionLogValue(r.value)),
      };
    }
  }
}
