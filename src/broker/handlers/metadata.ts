import type { TopicMetadata } from '../../cluster/metadata-store.js';
import { ErrorCode } from '../../protocol/errors.js';
import { Metadata } from '../../protocol/messages/metadata.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { topicNameError } from '../topic-registry.js';
import { advertisedEndpoint } from './advertised-endpoint.js';
import { clusterAuthorized, topicAuthorized } from './authorize.js';
import { errorCodeFor } from './error-code.js';
import type { Handler, RequestContext } from './handler.js';

/** Kafka's "authorized operations were not requested" marker. */
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;
const ZERO_UUID = Buffer.alloc(16);

interface MetadataRequestTopic {
  topicId?: Buffer;
  name: string | null;
}

function topicEntry(meta: TopicMetadata, brokerId: number, internal: boolean) {
  const partitions = [];
  for (let p = 0; p < meta.partitions; p++) {
    partitions.push({
      errorCode: ErrorCode.NONE,
      partitionIndex: p,
      leaderId: brokerId,
      leaderEpoch: 0,
      replicaNodes: [brokerId],
      isrNodes: [brokerId],
      offlineReplicas: [],
    });
  }
  return {
    errorCode: ErrorCode.NONE,
    name: meta.name,
    topicId: meta.topicId,
    isInternal: internal,
    partitions,
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

function errorEntry(name: string | null, errorCode: number, topicId: Buffer = ZERO_UUID) {
  return {
    errorCode,
    name,
    topicId,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

async function describeTopic(
  request: MetadataRequestTopic,
  allowAutoCreate: boolean,
  context: RequestContext,
): Promise<ReturnType<typeof topicEntry> | ReturnType<typeof errorEntry>> {
  const { topics, config } = context.services;
  if (request.name === null || request.name === undefined) {
    const meta = request.topicId ? topics.getById(request.topicId) : undefined;
    if (!meta) return errorEntry(null, ErrorCode.UNKNOWN_TOPIC_ID, request.topicId);
    return topicEntry(meta, config.brokerId, topics.isInternal(meta.name));
  }
  const name = request.name;
  if (topicNameError(name)) return errorEntry(name, ErrorCode.INVALID_TOPIC_EXCEPTION);
  if (!topicAuthorized(context, AclOperation.DESCRIBE, name)) {
    return errorEntry(name, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  }
  let meta = topics.get(name);
  // Auto-creation needs Create on the cluster or the topic, as Kafka's.
  const mayCreate = () =>
    clusterAuthorized(context, AclOperation.CREATE) || topicAuthorized(context, AclOperation.CREATE, name);
  if (!meta && allowAutoCreate && config.autoCreateTopicsEnable && !topics.isInternal(name)) {
    if (!mayCreate()) return errorEntry(name, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    try {
      meta = await topics.create({ name, partitions: -1, replicationFactor: -1, configs: {} });
    } catch (error) {
      // A concurrent request may have created it first.
      meta = topics.get(name);
      if (!meta) return errorEntry(name, errorCodeFor(error));
    }
  }
  if (!meta) return errorEntry(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  return topicEntry(meta, config.brokerId, topics.isInternal(name));
}

/**
 * Metadata: the one broker, and topics with their partitions (this broker leads them all in
 * single-node mode). Unknown topics are created when both the request (v4+) and
 * `auto.create.topics.enable` allow it.
 */
export const metadataHandler: Handler = {
  api: Metadata,
  minVersion: 0,
  maxVersion: 12,
  async handle(
    request: { topics: MetadataRequestTopic[] | null; allowAutoTopicCreation?: boolean },
    version,
    context,
  ) {
    const { topics, config } = context.services;
    const { host, port } = advertisedEndpoint(context);
    // v0 asks for every topic with an empty list; v1+ with null.
    const all = request.topics === null || (version === 0 && request.topics.length === 0);
    const allowAutoCreate = version < 4 ? true : request.allowAutoTopicCreation !== false;
    const entries = all
      ? topics
          .list()
          // Topics the principal may not Describe are left out, as Kafka does.
          .filter((meta) => topicAuthorized(context, AclOperation.DESCRIBE, meta.name))
          .map((meta) => topicEntry(meta, config.brokerId, topics.isInternal(meta.name)))
      : await Promise.all(request.topics!.map((t) => describeTopic(t, allowAutoCreate, context)));
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId: config.brokerId, host, port, rack: null }],
      clusterId: context.services.clusterId,
      controllerId: config.brokerId,
      topics: entries,
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    };
  },
};
