import { ErrorCode } from '../../protocol/errors.js';
import { CreateTopics } from '../../protocol/messages/create-topics.js';
import { SamsaError } from '../../util/errors.js';
import { describeTopicConfigs } from '../config-describer.js';
import { checkPartitionsPerRequest } from '../topic-registry.js';
import { errorCodeFor, errorMessageFor } from './error-code.js';
import type { Handler } from './handler.js';

interface CreatableTopic {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: { partitionIndex: number; brokerIds: number[] }[];
  configs: { name: string; value: string | null }[];
}

interface CreateTopicsRequest {
  topics: CreatableTopic[];
  timeoutMs: number;
  validateOnly?: boolean;
}

/** Partition count and replication factor implied by manual assignments, checked as Kafka does. */
function fromAssignments(
  topic: CreatableTopic,
  brokerId: number,
): { partitions: number; replicationFactor: number } {
  if (topic.numPartitions !== -1 || topic.replicationFactor !== -1) {
    throw new SamsaError(
      'INVALID_REQUEST',
      'both numPartitions or replicationFactor and replicasAssignments were set; only one is allowed',
    );
  }
  const sorted = [...topic.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
  sorted.forEach((a, i) => {
    if (a.partitionIndex !== i)
      throw new SamsaError('INVALID_REPLICA_ASSIGNMENT', 'partitions must be 0..n-1');
    if (a.brokerIds.length === 0 || a.brokerIds.some((id) => id !== brokerId)) {
      throw new SamsaError(
        'INVALID_REPLICA_ASSIGNMENT',
        `replica assignment names unknown brokers: ${a.brokerIds}`,
      );
    }
  });
  return { partitions: sorted.length, replicationFactor: sorted[0]?.brokerIds.length ?? 1 };
}

/** Partitions the request asks for in all, counted as Kafka's controller does. */
function requestedPartitions(topics: CreatableTopic[], numPartitions: number): number {
  let total = 0;
  for (const t of topics) {
    if (t.assignments.length > 0) total += t.assignments.length;
    else if (t.numPartitions === -1) total += numPartitions;
    else if (t.numPartitions > 0) total += t.numPartitions;
  }
  return total;
}

export const createTopicsHandler: Handler<CreateTopicsRequest> = {
  api: CreateTopics,
  minVersion: 0,
  maxVersion: 7,
  async handle(request, _version, context) {
    const { topics, config } = context.services;
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const results = [];
    let requestError: unknown;
    try {
      checkPartitionsPerRequest(requestedPartitions(request.topics, config.numPartitions));
    } catch (error) {
      requestError = error; // the whole request fails, every topic with this error
    }
    for (const t of request.topics) {
      try {
        if (requestError !== undefined) throw requestError;
        if (counts.get(t.name)! > 1)
          throw new SamsaError('INVALID_REQUEST', `topic '${t.name}' appears twice`);
        const shape =
          t.assignments.length > 0
            ? fromAssignments(t, config.brokerId)
            : { partitions: t.numPartitions, replicationFactor: t.replicationFactor };
        const configs: Record<string, string> = {};
        for (const c of t.configs) if (c.value !== null) configs[c.name] = c.value;
        const spec = { name: t.name, ...shape, configs };
        const meta = request.validateOnly ? topics.validateNew(spec) : await topics.create(spec);
        results.push({
          name: t.name,
          topicId: meta.topicId,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          numPartitions: meta.partitions,
          replicationFactor: meta.replicationFactor,
          configs: describeTopicConfigs(meta, config).map((c) => ({
            name: c.name,
            value: c.value,
            readOnly: c.readOnly,
            configSource: c.configSource,
            isSensitive: c.isSensitive,
          })),
        });
      } catch (error) {
        results.push({
          name: t.name,
          topicId: Buffer.alloc(16),
          errorCode: errorCodeFor(error),
          errorMessage: errorMessageFor(error),
          numPartitions: -1,
          replicationFactor: -1,
          configs: null,
        });
      }
    }
    return { throttleTimeMs: 0, topics: results };
  },
};
