import { coordinatorOrUnavailable } from '../../group/group-coordinator.js';
import type { OffsetCommitPartition } from '../../group/types.js';
import { errorCodeOf } from '../../protocol/errors.js';
import { OffsetCommit } from '../../protocol/messages/offset-commit.js';
import type { Handler } from './handler.js';

interface RequestPartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  commitTimestamp: bigint;
  committedMetadata: string | null;
}

/**
 * OffsetCommit (v0-v9). v0 has no generation or member (a commit outside group management); v1 a
 * per-partition commit timestamp; v2-v4 a retention time; v6+ the leader epoch; v7+ static members.
 * Partitions of unknown topics get UNKNOWN_TOPIC_OR_PARTITION; the rest go to the coordinator,
 * which answers only once their records are written.
 */
export const offsetCommitHandler: Handler = {
  api: OffsetCommit,
  minVersion: 0,
  maxVersion: 9,
  async handle(request, version, context) {
    const { topics } = context.services;
    const groups = coordinatorOrUnavailable(context.services.groups);
    const errors = new Map<string, string>();
    const partitions: OffsetCommitPartition[] = [];
    for (const t of request.topics ?? []) {
      const count = topics.partitionCount(t.name);
      for (const p of (t.partitions ?? []) as RequestPartition[]) {
        if (count === undefined || p.partitionIndex < 0 || p.partitionIndex >= count) {
          errors.set(`${t.name}\u0000${p.partitionIndex}`, 'UNKNOWN_TOPIC_OR_PARTITION');
          continue;
        }
        partitions.push({
          topic: t.name,
          partition: p.partitionIndex,
          offset: p.committedOffset,
          leaderEpoch: version >= 6 ? p.committedLeaderEpoch : -1,
          metadata: p.committedMetadata,
          commitTimestampMs: version === 1 ? Number(p.commitTimestamp) : -1,
        });
      }
    }
    const results =
      partitions.length === 0
        ? []
        : await groups.commitOffsets({
            groupId: request.groupId,
            generationId: version >= 1 ? request.generationIdOrMemberEpoch : -1,
            memberId: version >= 1 ? request.memberId : '',
            groupInstanceId: request.groupInstanceId ?? null,
            retentionTimeMs: version >= 2 && version <= 4 ? Number(request.retentionTimeMs) : -1,
            partitions,
          });
    for (const r of results) errors.set(`${r.topic}\u0000${r.partition}`, r.error);
    return {
      throttleTimeMs: 0,
      topics: (request.topics ?? []).map((t: { name: string; partitions: RequestPartition[] }) => ({
        name: t.name,
        partitions: (t.partitions ?? []).map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: errorCodeOf(errors.get(`${t.name}\u0000${p.partitionIndex}`) ?? 'UNKNOWN_SERVER_ERROR'),
        })),
      })),
    };
  },
};
