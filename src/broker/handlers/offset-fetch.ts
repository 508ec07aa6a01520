import { coordinatorOrUnavailable } from '../../group/group-coordinator.js';
import type { OffsetFetchResult, TopicPartitionKey } from '../../group/types.js';
import { errorCodeOf } from '../../protocol/errors.js';
import { OffsetFetch } from '../../protocol/messages/offset-fetch.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { authorizedNames, groupAuthorized } from './authorize.js';
import type { Handler, RequestContext } from './handler.js';

interface RequestTopic {
  name: string;
  partitionIndexes: number[];
}

function wanted(topics: RequestTopic[] | null | undefined): TopicPartitionKey[] | null {
  if (topics === null || topics === undefined) return null;
  return topics.flatMap((t) => (t.partitionIndexes ?? []).map((partition) => ({ topic: t.name, partition })));
}

/**
 * Kafka's `fetchOffsets`: Describe on the group (GROUP_AUTHORIZATION_FAILED otherwise); of all
 * the group's offsets only those of topics the principal may Describe, and a requested partition
 * of any other topic answers TOPIC_AUTHORIZATION_FAILED without asking the coordinator.
 */
function fetchGroup(
  groupId: string,
  topics: RequestTopic[] | null | undefined,
  requireStable: boolean,
  context: RequestContext,
): OffsetFetchResult {
  if (!groupAuthorized(context, groupId, AclOperation.DESCRIBE)) {
    return { error: 'GROUP_AUTHORIZATION_FAILED', partitions: [] };
  }
  const describable = authorizedNames(context, AclOperation.DESCRIBE);
  const groups = coordinatorOrUnavailable(context.services.groups);
  const requested = wanted(topics);
  if (requested === null) {
    const all = groups.fetchOffsets(groupId, null, requireStable);
    return { error: all.error, partitions: all.partitions.filter((p) => describable(p.topic)) };
  }
  const allowed = requested.filter((p) => describable(p.topic));
  const result = groups.fetchOffsets(groupId, allowed, requireStable);
  if (result.error !== 'NONE' || allowed.length === requested.length) return result;
  const refused = requested
    .filter((p) => !describable(p.topic))
    .map((p) => ({ ...p, offset: -1n, leaderEpoch: -1, metadata: '', error: 'TOPIC_AUTHORIZATION_FAILED' }));
  return { error: result.error, partitions: [...result.partitions, ...refused] };
}

/** Groups partitions by topic, in first-seen order. */
function byTopic(result: OffsetFetchResult) {
  const topics = new Map<
    string,
    {
      partitionIndex: number;
      committedOffset: bigint;
      committedLeaderEpoch: number;
      metadata: string;
      errorCode: number;
    }[]
  >();
  for (const p of result.partitions) {
    let list = topics.get(p.topic);
    if (list === undefined) topics.set(p.topic, (list = []));
    list.push({
      partitionIndex: p.partition,
      committedOffset: p.offset,
      committedLeaderEpoch: p.leaderEpoch,
      metadata: p.metadata,
      errorCode: errorCodeOf(p.error),
    });
  }
  return [...topics].map(([name, partitions]) => ({ name, partitions }));
}

/**
 * OffsetFetch (v0-v9). v2+ a null topic list asks for all the group's offsets and a top-level error
 * exists; before v2 a group error is reported in every requested partition. v8+ (KIP-709) fetches
 * several groups at once. Partitions with nothing committed answer offset -1. v7+ `requireStable`
 * (KIP-447) answers UNSTABLE_OFFSET_COMMIT for partitions an open transaction has committed to.
 */
export const offsetFetchHandler: Handler = {
  api: OffsetFetch,
  minVersion: 0,
  maxVersion: 9,
  handle(request, version, context) {
    if (version >= 8) {
      return {
        throttleTimeMs: 0,
        groups: (request.groups ?? []).map((g: { groupId: string; topics: RequestTopic[] | null }) => {
          const result = fetchGroup(g.groupId, g.topics, request.requireStable === true, context);
          return { groupId: g.groupId, topics: byTopic(result), errorCode: errorCodeOf(result.error) };
        }),
      };
    }
    const topics: RequestTopic[] | null = version >= 2 ? (request.topics ?? null) : (request.topics ?? []);
    const result = fetchGroup(request.groupId, topics, request.requireStable === true, context);
    if (result.error !== 'NONE' && version < 2) {
      const code = errorCodeOf(result.error);
      return {
        throttleTimeMs: 0,
        topics: (topics ?? []).map((t) => ({
          name: t.name,
          partitions: t.partitionIndexes.map((partitionIndex) => ({
            partitionIndex,
            committedOffset: -1n,
            committedLeaderEpoch: -1,
            metadata: '',
            errorCode: code,
          })),
        })),
      };
    }
    return { throttleTimeMs: 0, topics: byTopic(result), errorCode: errorCodeOf(result.error) };
  },
};
