import { errorCodeOf } from '../../protocol/errors.js';
import { ListTransactions } from '../../protocol/messages/list-transactions.js';
import type { Handler } from './handler.js';

interface ListTransactionsRequest {
  stateFilters: string[];
  producerIdFilters: bigint[];
  durationFilter?: bigint;
}

/** ListTransactions (v0-v1, KIP-664; v1 adds the duration filter of KIP-994). */
export const listTransactionsHandler: Handler<ListTransactionsRequest> = {
  api: ListTransactions,
  minVersion: 0,
  maxVersion: 1,
  handle(request, _version, context) {
    const txn = context.services.txn;
    const result = txn?.listTransactions(
      request.stateFilters,
      request.producerIdFilters,
      request.durationFilter ?? -1n,
    ) ?? { error: 'COORDINATOR_NOT_AVAILABLE', unknownStateFilters: [], transactions: [] };
    return {
      throttleTimeMs: 0,
      errorCode: errorCodeOf(result.error),
      unknownStateFilters: result.unknownStateFilters,
      transactionStates: result.transactions.map((t) => ({
        transactionalId: t.transactionalId,
        producerId: t.producerId,
        transactionState: t.state,
      })),
    };
  },
};
