import { ensureInternalTopic, OFFSETS_TOPIC_NAME } from '../../cluster/internal-topics.js';
import { coordinatorOrUnavailable } from '../../group/group-coordinator.js';
import { partitionForKey } from '../../group/group-metadata-manager.js';
import { errorCodeOf, errorMessageOf } from '../../protocol/errors.js';
import { FindCoordinator } from '../../protocol/messages/find-coordinator.js';
import { AclOperation, ResourceType } from '../../security/authorizer/acl.js';
import { TRANSACTION_STATE_TOPIC_NAME } from '../../txn/transaction-state-log.js';
import { brokerAddress } from './advertised-endpoint.js';
import { authorized } from './authorize.js';
import { errorCodeFor } from './error-code.js';
import type { Handler, RequestContext } from './handler.js';

/** FindCoordinatorRequest.CoordinatorType */
const CoordinatorType = { GROUP: 0, TRANSACTION: 1 } as const;

interface Coordinator {
  key: string;
  nodeId: number;
  host: string;
  port: number;
  errorCode: number;
  errorMessage: string | null;
}

function failed(key: string, code: number, message: string | null = errorMessageOf(code)): Coordinator {
  return { key, nodeId: -1, host: '', port: -1, errorCode: code, errorMessage: message };
}

/**
 * FindCoordinator (v0-v6). The coordinator of a group (or transactional id) is the leader of its
 * `__consumer_offsets` (`__transaction_state`) partition: this broker on a single node, whichever
 * broker the controller chose in a cluster. A missing internal topic is created here, as Kafka
 * does; until it has a live leader the answer is COORDINATOR_NOT_AVAILABLE (clients retry).
 * v4+ (KIP-699) looks up a batch of keys of one type. As Kafka, the key needs Describe on the group
 * (GROUP_AUTHORIZATION_FAILED) or the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED).
 */
async function lookup(key: string, keyType: number, context: RequestContext): Promise<Coordinator> {
  const { config, topics, cluster } = context.services;
  if (keyType !== CoordinatorType.GROUP && keyType !== CoordinatorType.TRANSACTION) {
    return failed(key, errorCodeOf('INVALID_REQUEST'));
  }
  const group = keyType === CoordinatorType.GROUP;
  if (
    !authorized(
      context,
      AclOperation.DESCRIBE,
      group ? ResourceType.GROUP : ResourceType.TRANSACTIONAL_ID,
      key,
    )
  ) {
    return failed(
      key,
      errorCodeOf(group ? 'GROUP_AUTHORIZATION_FAILED' : 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED'),
    );
  }
  if (keyType === CoordinatorType.GROUP && !coordinatorOrUnavailable(context.services.groups).isActive) {
    return failed(key, errorCodeOf('COORDINATOR_NOT_AVAILABLE'));
  }
  const topic = keyType === CoordinatorType.GROUP ? OFFSETS_TOPIC_NAME : TRANSACTION_STATE_TOPIC_NAME;
  try {
    await ensureInternalTopic(topics, config, topic, cluster.liveBrokers().length);
  } catch (error) {
    return failed(key, errorCodeFor(error), (error as Error).message);
  }
  const partition = partitionForKey(key, topics.partitionCount(topic)!);
  const leader = cluster.partitionState(topic, partition)?.leader ?? -1;
  const broker = cluster.liveBrokers().find((b) => b.id === leader);
  // The coordinator's endpoint on the listener the client came in on.
  const address = broker && brokerAddress(context, broker);
  if (!address) return failed(key, errorCodeOf('COORDINATOR_NOT_AVAILABLE'));
  return { key, nodeId: leader, ...address, errorCode: 0, errorMessage: null };
}

export const findCoordinatorHandler: Handler = {
  api: FindCoordinator,
  minVersion: 0,
  maxVersion: 6,
  async handle(request, version, context) {
    const keyType: number = version >= 1 ? request.keyType : CoordinatorType.GROUP;
    if (version >= 4) {
      const keys: string[] = request.coordinatorKeys ?? [];
      return {
        throttleTimeMs: 0,
        coordinators: await Promise.all(keys.map((k) => lookup(k, keyType, context))),
      };
    }
    const c = await lookup(request.key ?? '', keyType, context);
    return {
      throttleTimeMs: 0,
      errorCode: c.errorCode,
      errorMessage: c.errorMessage,
      nodeId: c.nodeId,
      host: c.host,
      port: c.port,
    };
  },
};
