import { coordinatorOrUnavailable } from '../../group/group-coordinator.js';
import { errorCodeOf } from '../../protocol/errors.js';
import { OffsetCommit } from '../../protocol/messages/offset-commit.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { authorizedNames, groupAuthorized } from './authorize.js';
import { commitRequestedOffsets } from './commit-offsets.js';
import type { Handler } from './handler.js';

interface RequestPartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  commitTimestamp: bigint;
  committedMetadata: string | null;
}

interface RequestTopic {
  name: string;
  partitions: RequestPartition[];
}

/**
 * OffsetCommit (v0-v9). v0 has no generation or member (a commit outside group management); v1 a
 * per-partition commit timestamp; v2-v4 a retention time; v6+ the leader epoch; v7+ static members.
 * As Kafka: without Read on the group every partition gets GROUP_AUTHORIZATION_FAILED; partitions
 * of topics without Read get TOPIC_AUTHORIZATION_FAILED, of unknown topics
 * UNKNOWN_TOPIC_OR_PARTITION; the rest go to the coordinator, which answers only once their
 * records are written.
 */
export const offsetCommitHandler: Handler = {
  api: OffsetCommit,
  minVersion: 0,
  maxVersion: 9,
  async handle(request, version, context) {
    const groups = coordinatorOrUnavailable(context.services.groups);
    const requested = ((request.topics ?? []) as RequestTopic[]).map((t) => ({
      name: t.name,
      partitions: t.partitions ?? [],
    }));
    return {
      throttleTimeMs: 0,
      topics: await commitRequestedOffsets(
        requested,
        context.services.topics,
        {
          refused: groupAuthorized(context, request.groupId) ? undefined : 'GROUP_AUTHORIZATION_FAILED',
          readable: authorizedNames(context, AclOperation.READ),
        },
        (topic, p) => ({
          topic,
          partition: p.partitionIndex,
          offset: p.committedOffset,
          leaderEpoch: version >= 6 ? p.committedLeaderEpoch : -1,
          metadata: p.committedMetadata,
          commitTimestampMs: version === 1 ? Number(p.commitTimestamp) : -1,
        }),
        (partitions) =>
          groups.commitOffsets({
            groupId: request.groupId,
            generationId: version >= 1 ? request.generationIdOrMemberEpoch : -1,
            memberId: version >= 1 ? request.memberId : '',
            groupInstanceId: request.groupInstanceId ?? null,
            retentionTimeMs: version >= 2 && version <= 4 ? Number(request.retentionTimeMs) : -1,
            partitions,
          }),
        errorCodeOf,
      ),
    };
  },
};
