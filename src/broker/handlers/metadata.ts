import type { TopicMetadata } from '../../cluster/metadata-store.js';
import { ErrorCode } from '../../protocol/errors.js';
import { Metadata } from '../../protocol/messages/metadata.js';
import type { BrokerServices } from '../services.js';
import { topicNameError } from '../topic-registry.js';
import { errorCodeFor } from './error-code.js';
import type { Handler, RequestContext } from './handler.js';

/** Kafka's "authorized operations were not requested" marker. */
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;
const ZERO_UUID = Buffer.alloc(16);

interface MetadataRequestTopic {
  topicId?: Buffer;
  name: string | null;
}

function topicEntry(meta: TopicMetadata, services: BrokerServices, internal: boolean) {
  const brokerId = services.config.brokerId;
  // Every partition has the same replicas here: one set of arrays serves them all.
  const replicas = [brokerId];
  const none: number[] = [];
  const partitions = new Array(meta.partitions);
  for (let p = 0; p < meta.partitions; p++) {
    partitions[p] = {
      errorCode: ErrorCode.NONE,
      partitionIndex: p,
      leaderId: brokerId,
      // Clients fence their fetches with this epoch (KIP-320), so it must be the replica's own.
      leaderEpoch: services.replicas.leaderEpochOf(meta.name, p) ?? 0,
      replicaNodes: replicas,
      isrNodes: replicas,
      offlineReplicas: none,
    };
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
    return topicEntry(meta, context.services, topics.isInternal(meta.name));
  }
  const name = request.name;
  if (topicNameError(name)) return errorEntry(name, ErrorCode.INVALID_TOPIC_EXCEPTION);
  let meta = topics.get(name);
  if (!meta && allowAutoCreate && config.autoCreateTopicsEnable && !topics.isInternal(name)) {
    try {
      meta = await topics.create({ name, partitions: -1, replicationFactor: -1, configs: {} });
    } catch (error) {
      // A concurrent request may have created it first.
      meta = topics.get(name);
      if (!meta) return errorEntry(name, errorCodeFor(error));
    }
  }
  if (!meta) return errorEntry(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  return topicEntry(meta, context.services, topics.isInternal(name));
}

/**
 * Before v12 topics cannot be looked up by id (the request's name is nullable from v10, the
 * response's only from v12): as Kafka's `handleTopicMetadataRequest`, a null name or a topic id is
 * an INVALID_REQUEST, answered by `MetadataRequest.getErrorResponse` — every requested topic with
 * that error, a null name as "".
 */
function topicIdLookupError(topics: MetadataRequestTopic[], version: number): string | undefined {
  if (version >= 12) return undefined;
  for (const t of topics) {
    if (t.name === null) return `Topic name can not be null for version ${version}`;
    if (t.topicId !== undefined && !t.topicId.equals(ZERO_UUID))
      return `Topic IDs are not supported in requests for version ${version}`;
  }
  return undefined;
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
    // v0 asks for every topic with an empty list; v1+ with null.
    const all = request.topics === null || (version === 0 && request.topics.length === 0);
    const invalid = all ? undefined : topicIdLookupError(request.topics!, version);
    if (invalid !== undefined) {
      context.logger.debug({ reason: invalid }, 'invalid metadata request');
      return {
        throttleTimeMs: 0,
        brokers: [],
        clusterId: null,
        controllerId: -1,
        topics: request.topics!.map((t) =>
          errorEntry(t.name ?? '', ErrorCode.INVALID_REQUEST, t.topicId ?? ZERO_UUID),
        ),
        clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
      };
    }
    const allowAutoCreate = version < 4 ? true : request.allowAutoTopicCreation !== false;
    const entries = all
      ? topics.list().map((meta) => topicEntry(meta, context.services, topics.isInternal(meta.name)))
      : await Promise.all(request.topics!.map((t) => describeTopic(t, allowAutoCreate, context)));
    return {
      throttleTimeMs: 0,
      brokers: [
        { nodeId: config.brokerId, host: config.advertisedHost, port: config.advertisedPort, rack: null },
      ],
      clusterId: context.services.clusterId,
      controllerId: config.brokerId,
      topics: entries,
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    };
  },
};
