import { errorCodeOf } from '../../protocol/errors.js';
import { DescribeTransactions } from '../../protocol/messages/describe-transactions.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import type { TransactionDescription } from '../../txn/transaction-coordinator.js';
import { authorizedNames, transactionalIdAuthorized } from './authorize.js';
import type { Handler } from './handler.js';

const failed = (error: string, transactionalId: string): TransactionDescription => ({
  error,
  transactionalId,
  state: '',
  transactionTimeoutMs: 0,
  transactionStartTimeMs: -1,
  producerId: -1n,
  producerEpoch: -1,
  topics: [],
});

/**
 * DescribeTransactions (v0, KIP-664): coordinator state per transactional id. As Kafka: an id needs
 * Describe (TRANSACTIONAL_ID_AUTHORIZATION_FAILED otherwise), and only the topics the principal may
 * Describe are listed.
 */
export const describeTransactionsHandler: Handler<{ transactionalIds: string[] }> = {
  api: DescribeTransactions,
  minVersion: 0,
  maxVersion: 0,
  handle(request, _version, context) {
    const txn = context.services.txn;
    const allowed = request.transactionalIds.filter((id) =>
      transactionalIdAuthorized(context, AclOperation.DESCRIBE, id),
    );
    const described = new Map(
      (
        txn?.describeTransactions(allowed) ?? allowed.map((id) => failed('COORDINATOR_NOT_AVAILABLE', id))
      ).map((d) => [d.transactionalId, d]),
    );
    const describable = authorizedNames(context, AclOperation.DESCRIBE);
    return {
      throttleTimeMs: 0,
      transactionStates: request.transactionalIds.map((id) => {
        const d = described.get(id) ?? failed('TRANSACTIONAL_ID_AUTHORIZATION_FAILED', id);
        return {
          errorCode: errorCodeOf(d.error),
          transactionalId: d.transactionalId,
          transactionState: d.state,
          transactionTimeoutMs: d.transactionTimeoutMs,
          transactionStartTimeMs: BigInt(d.transactionStartTimeMs),
          producerId: d.producerId,
          producerEpoch: d.producerEpoch,
          topics: d.topics.filter((t) => describable(t.topic)),
        };
      }),
    };
  },
};
