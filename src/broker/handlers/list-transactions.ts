import { errorCodeOf } from '../../protocol/errors.js';
import { ListTransactions } from '../../protocol/messages/list-transactions.js';
import { AclOperation, ResourceType } from '../../security/authorizer/acl.js';
import { authorizedNames } from './authorize.js';
import type { Handler } from './handler.js';

interface ListTransactionsRequest {
  stateFilters: string[];
  producerIdFilters: bigint[];
  durationFilter?: bigint;
}

/**
 * ListTransactions (v0-v1, KIP-664; v1 adds the duration filter of KIP-994). As Kafka, only the
 * transactional ids the principal may Describe are listed.
 */
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
    const describable = authorizedNames(context, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID);
    return {
      throttleTimeMs: 0,
      errorCode: errorCodeOf(result.error),
      unknownStateFilters: result.unknownStateFilters,
      transactionStates: result.transactions
        .filter((t) => describable(t.transactionalId))
        .map((t) => ({
          transactionalId: t.transactionalId,
          producerId: t.producerId,
          transactionState: t.state,
        })),
    };
  },
};
