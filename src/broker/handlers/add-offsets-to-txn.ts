import { AddOffsetsToTxn } from '../../protocol/messages/add-offsets-to-txn.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { groupAuthorized, transactionalIdAuthorized } from './authorize.js';
import type { Handler } from './handler.js';
import { txnErrorCode } from './txn-errors.js';

const OFFSETS_TOPIC = '__consumer_offsets';

interface AddOffsetsToTxnRequest {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  groupId: string;
}

/**
 * AddOffsetsToTxn (v0-v3): adds the group's `__consumer_offsets` partition to the transaction,
 * so the commit marker also reaches the offsets the producer commits with TxnOffsetCommit. As Kafka:
 * Write on the transactional id, then Read on the group.
 */
export const addOffsetsToTxnHandler: Handler<AddOffsetsToTxnRequest> = {
  api: AddOffsetsToTxn,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, version, context) {
    const { txn, groups } = context.services;
    let error: string;
    if (!transactionalIdAuthorized(context, AclOperation.WRITE, request.transactionalId)) {
      error = 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED';
    } else if (!groupAuthorized(context, request.groupId)) error = 'GROUP_AUTHORIZATION_FAILED';
    else if (txn === undefined || groups === undefined) error = 'COORDINATOR_NOT_AVAILABLE';
    else if (request.groupId === '') error = 'INVALID_GROUP_ID';
    else {
      error = await txn.addPartitions(request.transactionalId, request.producerId, request.producerEpoch, [
        { topic: OFFSETS_TOPIC, partition: groups.partitionFor(request.groupId) },
      ]);
    }
    return { throttleTimeMs: 0, errorCode: txnErrorCode(error, version, 2) };
  },
};
