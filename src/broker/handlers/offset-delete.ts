import { coordinatorOrUnavailable } from '../../group/group-coordinator.js';
import type { TopicPartitionKey } from '../../group/types.js';
import { errorCodeOf } from '../../protocol/errors.js';
import { OffsetDelete } from '../../protocol/messages/offset-delete.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { authorizedNames, groupAuthorized } from './authorize.js';
import type { Handler } from './handler.js';
import { PartitionErrors } from './per-partition.js';

interface RequestTopic {
  name: string;
  partitions: { partitionIndex: number }[];
}

/**
 * OffsetDelete (v0, KIP-496): removes committed offsets of an Empty group, or of topics a consumer
 * group no longer subscribes to (GROUP_SUBSCRIBED_TO_TOPIC otherwise). Unknown topics get
 * UNKNOWN_TOPIC_OR_PARTITION; group-level errors leave the topic list empty. As Kafka: Delete on the
 * group (GROUP_AUTHORIZATION_FAILED otherwise), Read on each topic (TOPIC_AUTHORIZATION_FAILED).
 */
export const offsetDeleteHandler: Handler = {
  api: OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, _version, context) {
    const { topics } = context.services;
    const groups = coordinatorOrUnavailable(context.services.groups);
    if (!groupAuthorized(context, request.groupId, AclOperation.DELETE)) {
      return { errorCode: errorCodeOf('GROUP_AUTHORIZATION_FAILED'), throttleTimeMs: 0, topics: [] };
    }
    const readable = authorizedNames(context, AclOperation.READ);
    const errors = new PartitionErrors();
    const known: TopicPartitionKey[] = [];
    const requested: RequestTopic[] = request.topics ?? [];
    for (const t of requested) {
      const count = topics.partitionCount(t.name);
      for (const p of t.partitions ?? []) {
        if (!readable(t.name)) errors.set(t.name, p.partitionIndex, 'TOPIC_AUTHORIZATION_FAILED');
        else if (count === undefined) errors.set(t.name, p.partitionIndex, 'UNKNOWN_TOPIC_OR_PARTITION');
        else known.push({ topic: t.name, partition: p.partitionIndex });
      }
    }
    const result = await groups.deleteOffsets(request.groupId, known);
    if (result.error !== 'NONE')
      return { errorCode: errorCodeOf(result.error), throttleTimeMs: 0, topics: [] };
    errors.setAll(result.partitions);
    return {
      errorCode: 0,
      throttleTimeMs: 0,
      topics: requested.map((t) => ({
        name: t.name,
        partitions: (t.partitions ?? []).map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: errorCodeOf(errors.get(t.name, p.partitionIndex) ?? 'NONE'),
        })),
      })),
    };
  },
};
