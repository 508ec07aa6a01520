import { coordinatorOrUnavailable } from '../../group/group-coordinator.js';
import type { OffsetCommitPartition } from '../../group/types.js';
import { TxnOffsetCommit } from '../../protocol/messages/txn-offset-commit.js';
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
 * visible to OffsetFetch only when the transaction commits.
 */
export const txnOffsetCommitHandler: Handler<TxnOffsetCommitRequest> = {
  api: TxnOffsetCommit,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, version, context) {
    const { topics } = context.services;
    const groups = coordinatorOrUnavailable(context.services.groups);
    const errors = new Map<string, string>();
    const partitions: OffsetCommitPartition[] = [];
    for (const t of request.topics) {
      const count = topics.partitionCount(t.name);
      for (const p of t.partitions) {
        if (count === undefined || p.partitionIndex < 0 || p.partitionIndex >= count) {
          errors.set(`${t.name}\u0000${p.partitionIndex}`, 'UNKNOWN_TOPIC_OR_PARTITION');
          continue;
        }
        partitions.push({
          topic: t.name,
          partition: p.partitionIndex,
          offset: p.committedOffset,
          leaderEpoch: version >= 2 ? p.committedLeaderEpoch : -1,
          metadata: p.committedMetadata,
          commitTimestampMs: -1,
        });
      }
    }
    const results =
      partitions.length === 0
        ? []
        : await groups.commitTransactionalOffsets({
            groupId: request.groupId,
            generationId: request.generationId ?? -1,
            memberId: request.memberId ?? '',
            groupInstanceId: request.groupInstanceId ?? null,
            retentionTimeMs: -1,
            producerId: request.producerId,
            producerEpoch: request.producerEpoch,
            partitions,
          });
    for (const r of results) errors.set(`${r.topic}\u0000${r.partition}`, r.error);
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: txnErrorCode(
            errors.get(`${t.name}\u0000${p.partitionIndex}`) ?? 'UNKNOWN_SERVER_ERROR',
            version,
            2,
          ),
        })),
      })),
    };
  },
};
