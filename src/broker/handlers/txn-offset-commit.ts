import { coordinatorOrUnavailable } from '../../group/group-coordinator.js';
import { TxnOffsetCommit } from '../../protocol/messages/txn-offset-commit.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { authorizedNames, groupAuthorized, transactionalIdAuthorized } from './authorize.js';
import { commitRequestedOffsets } from './commit-offsets.js';
import type { Handler } from './handler.js';
import { txnErrorCode } from './txn-errors.js';

interface RequestPartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  committedMetadata: string | null;
}

interface TxnOffsetCommitRequest {
  transactionalId: string;
  groupId: string;
  producerId: bigint;
  producerEpoch: number;
  generationId?: number;
  memberId?: string;
  groupInstanceId?: string | null;
  topics: { name: string; partitions: RequestPartition[] }[];
}

/**
 * TxnOffsetCommit (v0-v3): offsets committed inside a transaction (consume-transform-produce).
 * They are written to `__consumer_offsets` as part of the producer's transaction and become
 * visible to OffsetFetch only when the transaction commits. Kafka's checks: Write on the
 * transactional id, Read on the group (every partition gets the error otherwise), Read on each topic.
 */
export const txnOffsetCommitHandler: Handler<TxnOffsetCommitRequest> = {
  api: TxnOffsetCommit,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, version, context) {
    const groups = coordinatorOrUnavailable(context.services.groups);
    let refused: string | undefined;
    if (!transactionalIdAuthorized(context, AclOperation.WRITE, request.transactionalId)) {
      refused = 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED';
    } else if (!groupAuthorized(context, request.groupId)) refused = 'GROUP_AUTHORIZATION_FAILED';
    return {
      throttleTimeMs: 0,
      topics: await commitRequestedOffsets(
        request.topics,
        context.services.topics,
        { refused, readable: authorizedNames(context, AclOperation.READ) },
        (topic, p) => ({
          topic,
          partition: p.partitionIndex,
          offset: p.committedOffset,
          leaderEpoch: version >= 2 ? p.committedLeaderEpoch : -1,
          metadata: p.committedMetadata,
          commitTimestampMs: -1,
        }),
        (partitions) =>
          groups.commitTransactionalOffsets({
            groupId: request.groupId,
            generationId: request.generationId ?? -1,
            memberId: request.memberId ?? '',
            groupInstanceId: request.groupInstanceId ?? null,
            retentionTimeMs: -1,
            producerId: request.producerId,
            producerEpoch: request.producerEpoch,
            partitions,
          }),
        (error) => txnErrorCode(error, version, 2),
      ),
    };
  },
};
