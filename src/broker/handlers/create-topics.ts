import { ErrorCode } from '../../protocol/errors.js';
import { CreateTopics } from '../../protocol/messages/create-topics.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { SamsaError } from '../../util/errors.js';
import { describeTopicConfigs } from '../config-describer.js';
import { checkPartitionsPerRequest } from '../topic-registry.js';
import { authorizedNames, clusterAuthorized } from './authorize.js';
import { errorCodeFor, errorMessageFor } from './error-code.js';
import type { Handler } from './handler.js';
import { repeatedNames } from './repeated-names.js';

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

/** The request's configs; Kafka refuses null values (ZkAdminManager.createTopics). */
function configsOf(topic: CreatableTopic): Record<string, string> {
  const nulls = topic.configs.filter((c) => c.value === null).map((c) => c.name);
  if (nulls.length > 0) {
    throw new SamsaError(
      'INVALID_REQUEST',
      `Null value not supported for topic configs : ${nulls.join(',')}`,
    );
  }
  return Object.fromEntries(topic.configs.map((c) => [c.name, c.value!]));
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

/**
 * CreateTopics (v0-v7). As Kafka: a topic needs Create on the cluster or on the topic
 * (TOPIC_AUTHORIZATION_FAILED otherwise); its configs, partitions and replication factor are
 * answered only with DescribeConfigs on the topic (topicConfigErrorCode TOPIC_AUTHORIZATION_FAILED
 * otherwise).
 */
export const createTopicsHandler: Handler<CreateTopicsRequest> = {
  api: CreateTopics,
  minVersion: 0,
  maxVersion: 7,
  async handle(request, _version, context) {
    const { topics, config } = context.services;
    const repeated = repeatedNames(request.topics);
    const creatable = clusterAuthorized(context, AclOperation.CREATE)
      ? () => true
      : authorizedNames(context, AclOperation.CREATE);
    const configsVisible = authorizedNames(context, AclOperation.DESCRIBE_CONFIGS);
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
        if (repeated.has(t.name))
          throw new SamsaError('INVALID_REQUEST', 'Found multiple entries for this topic.');
        if (!creatable(t.name)) throw new SamsaError('TOPIC_AUTHORIZATION_FAILED', 'Authorization failed.');
        // A partition named twice keeps its last list, as Kafka's assignment map does.
        const assignments = new Map(t.assignments.map((a) => [a.partitionIndex, a.brokerIds] as const));
        const spec = {
          name: t.name,
          partitions: t.numPartitions,
          replicationFactor: t.replicationFactor,
          configs: configsOf(t),
          assignments,
        };
        const meta = request.validateOnly ? topics.validateNew(spec) : await topics.create(spec);
        if (!configsVisible(t.name)) {
          results.push({
            name: t.name,
            topicId: meta.topicId,
            errorCode: ErrorCode.NONE,
            errorMessage: null,
            topicConfigErrorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
            numPartitions: -1,
            replicationFactor: -1,
            configs: null,
          });
          continue;
        }
        results.push({
          name: t.name,
          topicId: meta.topicId,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          numPartitions: meta.partitions,
          replicationFactor: meta.replicationFactor,
          configs: describeTopicConfigs(meta.configs, config).map((c) => ({
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
