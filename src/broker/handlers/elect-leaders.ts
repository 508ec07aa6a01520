import type { ElectionResult, ElectionType, TopicPartitionRef } from '../../cluster/controller/controller.js';
import { errorCodeOf, errorMessageOf } from '../../protocol/errors.js';
import { ElectLeaders } from '../../protocol/messages/elect-leaders.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { groupByTopic } from '../../util/group-by-topic.js';
import type { TopicRegistry } from '../topic-registry.js';
import { clusterAuthorized } from './authorize.js';
import type { Handler } from './handler.js';

interface ElectLeadersRequest {
  electionType?: number;
  topicPartitions: { topic: string; partitionId: number[] }[] | null;
  timeoutMs: number;
}

interface PartitionOutcome extends TopicPartitionRef {
  readonly error: string;
}

const ELECTION_TYPES: readonly ElectionType[] = ['preferred', 'unclean'];

/**
 * ElectLeaders (v0-v2, KIP-183 and KIP-460), served by the controller: the preferred replica, or
 * (unclean) any live replica of a partition without a live leader, is made leader. Other brokers
 * answer NOT_CONTROLLER for every partition. A single node is its own controller and the only
 * replica of every partition, so there is never anything to elect. Needs Alter on the cluster.
 */
export const electLeadersHandler: Handler<ElectLeadersRequest> = {
  api: ElectLeaders,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, version, context) {
    const everyPartition = request.topicPartitions === null;
    const named = namedPartitions(request.topicPartitions ?? []);
    const type = ELECTION_TYPES[request.electionType ?? 0];
    const refuse = (error: string) =>
      response(
        version,
        error,
        named.map((tp) => ({ ...tp, error })),
      );
    if (!clusterAuthorized(context, AclOperation.ALTER)) return refuse('CLUSTER_AUTHORIZATION_FAILED');
    if (!type) return refuse('INVALID_REQUEST');
    // Null means every partition this broker's metadata knows, as in Kafka's KafkaApis.
    const wanted = everyPartition ? allPartitions(context.services.topics) : named;
    const controller = context.services.controller;
    const results = controller
      ? await controller.electLeaders(wanted, type, request.timeoutMs)
      : singleNodeElection(context.services.topics, wanted);
    // Asked for everything, the answer leaves out the partitions already led as they should be.
    const shown = everyPartition ? results.filter((r) => r.error !== 'ELECTION_NOT_NEEDED') : results;
    return response(version, 'NONE', shown);
  },
};

/** The named partitions, each once (Kafka takes them as a set). */
function namedPartitions(topics: readonly { topic: string; partitionId: number[] }[]): TopicPartitionRef[] {
  const seen = new Set<string>();
  const out: TopicPartitionRef[] = [];
  for (const { topic, partitionId } of topics) {
    for (const partition of partitionId) {
      const key = `${topic}\u0000${partition}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ topic, partition });
    }
  }
  return out;
}

function allPartitions(topics: TopicRegistry): TopicPartitionRef[] {
  return topics
    .list()
    .flatMap((t) => Array.from({ length: t.partitions }, (_, partition) => ({ topic: t.name, partition })));
}

/** On a single node every existing partition is already led by its only (preferred) replica. */
function singleNodeElection(topics: TopicRegistry, wanted: readonly TopicPartitionRef[]): ElectionResult[] {
  return wanted.map((tp) => {
    const count = topics.partitionCount(tp.topic);
    const exists = count !== undefined && tp.partition >= 0 && tp.partition < count;
    return { ...tp, error: exists ? 'ELECTION_NOT_NEEDED' : 'UNKNOWN_TOPIC_OR_PARTITION' };
  });
}

function response(version: number, error: string, outcomes: readonly PartitionOutcome[]) {
  const byTopic = groupByTopic(outcomes, (o) => ({
    partitionId: o.partition,
    errorCode: errorCodeOf(o.error),
    errorMessage: o.error === 'NONE' ? null : errorMessageOf(errorCodeOf(o.error)),
  }));
  return {
    throttleTimeMs: 0,
    ...(version >= 1 ? { errorCode: errorCodeOf(error) } : {}),
    replicaElectionResults: [...byTopic].map(([topic, partitionResult]) => ({ topic, partitionResult })),
  };
}
