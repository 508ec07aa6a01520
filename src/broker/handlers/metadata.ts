import type { ClusterMetadata } from '../../cluster/cluster-metadata.js';
import type { TopicMetadata } from '../../cluster/metadata-store.js';
import type { PartitionState } from '../../cluster/partition-state.js';
import { ErrorCode } from '../../protocol/errors.js';
import { Metadata } from '../../protocol/messages/metadata.js';
import { AclOperation, ResourceType } from '../../security/authorizer/acl.js';
import { topicNameError } from '../topic-registry.js';
import { brokerAddress } from './advertised-endpoint.js';
import {
  AUTHORIZED_OPERATIONS_OMITTED,
  authorizedOperations,
  clusterAuthorized,
  clusterAuthorizedOperations,
  topicAuthorized,
} from './authorize.js';
import { errorCodeFor } from './error-code.js';
import type { Handler, RequestContext } from './handler.js';

const ZERO_UUID = Buffer.alloc(16);

interface MetadataRequestTopic {
  topicId?: Buffer;
  name: string | null;
}

/**
 * The cluster as a client on one listener sees it, Kafka's `ZkMetadataCache` view: the live
 * brokers, and the address of each live broker that has the listener the request came in on.
 */
interface ListenerView {
  readonly live: ReadonlySet<number>;
  readonly reachable: ReadonlyMap<number, { host: string; port: number; rack: string | null }>;
  /**
   * v0 only (Kafka's `errorUnavailableEndpoints`): replicas and ISR members without an endpoint
   * on the listener are left out, and a partition missing some answers REPLICA_NOT_AVAILABLE;
   * later versions list every replica and leave it to the `brokers` list.
   */
  readonly filterUnreachableReplicas: boolean;
  /**
   * v6+ (Kafka's `errorUnavailableListeners`): a live leader without the listener is
   * LISTENER_NOT_FOUND, a configuration error; before v6 it is LEADER_NOT_AVAILABLE as for a
   * leader that is down.
   */
  readonly listenerNotFound: boolean;
}

function listenerView(context: RequestContext, version: number): ListenerView {
  const brokers = context.services.cluster.liveBrokers();
  const reachable = new Map<number, { host: string; port: number; rack: string | null }>();
  for (const b of brokers) {
    const address = brokerAddress(context, b);
    if (address) reachable.set(b.id, { ...address, rack: b.rack });
  }
  return {
    live: new Set(brokers.map((b) => b.id)),
    reachable,
    filterUnreachableReplicas: version === 0,
    listenerNotFound: version >= 6,
  };
}

/**
 * One partition as Kafka's `ZkMetadataCache.getPartitionMetadata` answers it. A leader the client
 * cannot reach on its listener (none, down, or without that listener) is answered as leader -1
 * with an error the client retries after refreshing metadata.
 */
function partitionEntry(state: PartitionState | undefined, partitionIndex: number, view: ListenerView) {
  const replicas = state?.replicas ?? [];
  const isr = state?.isr ?? [];
  const shown = (ids: readonly number[]) =>
    view.filterUnreachableReplicas ? ids.filter((id) => view.reachable.has(id)) : ids;
  const replicaNodes = shown(replicas);
  const isrNodes = shown(isr);
  const leader = state?.leader ?? -1;
  const leaderReachable = view.reachable.has(leader);
  let errorCode: number = ErrorCode.NONE;
  if (!leaderReachable) {
    errorCode =
      view.live.has(leader) && view.listenerNotFound
        ? ErrorCode.LISTENER_NOT_FOUND
        : ErrorCode.LEADER_NOT_AVAILABLE;
  } else if (replicaNodes.length < replicas.length || isrNodes.length < isr.length) {
    errorCode = ErrorCode.REPLICA_NOT_AVAILABLE;
  }
  return {
    errorCode,
    partitionIndex,
    leaderId: leaderReachable ? leader : -1,
    leaderEpoch: state?.leaderEpoch ?? -1,
    replicaNodes,
    isrNodes,
    offlineReplicas: replicas.filter((id) => !view.live.has(id)),
  };
}

/** A topic's partitions as the controller decided them, seen from the request's listener. */
function topicEntry(meta: TopicMetadata, cluster: ClusterMetadata, view: ListenerView, internal: boolean) {
  const partitions = [];
  for (let p = 0; p < meta.partitions; p++) {
    partitions.push(partitionEntry(cluster.partitionState(meta.name, p), p, view));
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
  view: ListenerView,
  context: RequestContext,
): Promise<ReturnType<typeof topicEntry> | ReturnType<typeof errorEntry>> {
  const { topics, config, cluster } = context.services;
  if (request.name === null || request.name === undefined) {
    const meta = request.topicId ? topics.getById(request.topicId) : undefined;
    if (!meta) return errorEntry(null, ErrorCode.UNKNOWN_TOPIC_ID, request.topicId);
    // By id as by name, a topic the principal may not Describe is not shown (nor its name).
    if (!topicAuthorized(context, AclOperation.DESCRIBE, meta.name)) {
      return errorEntry(null, ErrorCode.TOPIC_AUTHORIZATION_FAILED, request.topicId);
    }
    return topicEntry(meta, cluster, view, topics.isInternal(meta.name));
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
  return topicEntry(meta, cluster, view, topics.isInternal(name));
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
 * Metadata: the live brokers, the controller, and topics with their partitions (this broker leads
 * them all in single-node mode). Unknown topics are created when both the request (v4+) and
 * `auto.create.topics.enable` allow it.
 */
export const metadataHandler: Handler = {
  api: Metadata,
  minVersion: 0,
  maxVersion: 12,
  async handle(
    request: {
      topics: MetadataRequestTopic[] | null;
      allowAutoTopicCreation?: boolean;
      includeClusterAuthorizedOperations?: boolean;
      includeTopicAuthorizedOperations?: boolean;
    },
    version,
    context,
  ) {
    const { topics, cluster } = context.services;
    const view = listenerView(context, version);
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
      ? topics
          .list()
          // Topics the principal may not Describe are left out, as Kafka does.
          .filter((meta) => topicAuthorized(context, AclOperation.DESCRIBE, meta.name))
          .map((meta) => topicEntry(meta, cluster, view, topics.isInternal(meta.name)))
      : await Promise.all(request.topics!.map((t) => describeTopic(t, allowAutoCreate, view, context)));
    // KIP-430 (v8+): what the principal may do on each topic it may see, and on the cluster (v8-v10).
    if (version >= 8 && request.includeTopicAuthorizedOperations === true) {
      for (const entry of entries) {
        if (entry.name !== null && entry.errorCode !== ErrorCode.TOPIC_AUTHORIZATION_FAILED) {
          entry.topicAuthorizedOperations = authorizedOperations(context, ResourceType.TOPIC, entry.name);
        }
      }
    }
    return {
      throttleTimeMs: 0,
      // Live brokers on the listener the client came in on; those without it are left out.
      brokers: [...view.reachable].map(([nodeId, address]) => ({ nodeId, ...address })),
      clusterId: context.services.clusterId,
      controllerId: cluster.controllerId(),
      topics: entries,
      clusterAuthorizedOperations: clusterAuthorizedOperations(
        context,
        version >= 8 && version <= 10 && request.includeClusterAuthorizedOperations === true,
      ),
    };
  },
};
