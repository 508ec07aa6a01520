import { errorCodeOf } from '../../protocol/errors.js';
import { DescribeTransactions } from '../../protocol/messages/describe-transactions.js';
import type { Handler } from './handler.js';

/** DescribeTransactions (v0, KIP-664): coordinator state per transactional id. */
export const describeTransactionsHandler: Handler<{ transactionalIds: string[] }> = {
  api: DescribeTransactions,
  minVersion: 0,
  maxVersion: 0,
  handle(request, _version, context) {
    const txn = context.services.txn;
    const described =
      txn?.describeTransactions(request.transactionalIds) ??
      request.transactionalIds.map((transactionalId) => ({
        error: 'COORDINATOR_NOT_AVAILABLE',
        transactionalId,
        state: '',
        transactionTimeoutMs: 0,
        transactionStartTimeMs: -1,
        producerId: -1n,
        producerEpoch: -1,
        topics: [],
      }));
    return {
      throttleTimeMs: 0,
      transactionStates: described.map((d) => ({
        errorCode: errorCodeOf(d.error),
        transactionalId: d.transactionalId,
        transactionState: d.state,
        transactionTimeoutMs: d.transactionTimeoutMs,
        transactionStartTimeMs: BigInt(d.transactionStartTimeMs),
        producerId: d.producerId,
        producerEpoch: d.producerEpoch,
        topics: d.topics,
      })),
    };
  },
};
