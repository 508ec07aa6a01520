import { EndTxn } from '../../protocol/messages/end-txn.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { transactionalIdAuthorized } from './authorize.js';
import type { Handler } from './handler.js';
import { txnErrorCode } from './txn-errors.js';

interface EndTxnRequest {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  committed: boolean;
}

/**
 * EndTxn (v0-v3): commit or abort; answered once PrepareCommit/PrepareAbort is in
 * `__transaction_state`, with the markers written right after the answer (as Kafka does). Needs
 * Write on the transactional id.
 */
export const endTxnHandler: Handler<EndTxnRequest> = {
  api: EndTxn,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, version, context) {
    const txn = context.services.txn;
    const error = !transactionalIdAuthorized(context, AclOperation.WRITE, request.transactionalId)
      ? 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED'
      : txn === undefined
        ? 'COORDINATOR_NOT_AVAILABLE'
        : await txn.endTransaction(
            request.transactionalId,
            request.producerId,
            request.producerEpoch,
            request.committed,
            { answerWhenPrepared: true },
          );
    return { throttleTimeMs: 0, errorCode: txnErrorCode(error, version, 2) };
  },
};
