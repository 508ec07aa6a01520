import { coordinatorOrUnavailable } from '../../group/group-coordinator.js';
import { errorCodeOf, errorMessageOf } from '../../protocol/errors.js';
import { FindCoordinator } from '../../protocol/messages/find-coordinator.js';
import { advertisedEndpoint } from './advertised-endpoint.js';
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

/**
 * FindCoordinator (v0-v6). The coordinator of a group (or transactional id) is the leader of its
 * `__consumer_offsets` (`__transaction_state`) partition; on a single node that is this broker.
 * v4+ (KIP-699) looks up a batch of keys of one type.
 */
function lookup(key: string, keyType: number, context: RequestContext): Coordinator {
  const { config } = context.services;
  const groups = coordinatorOrUnavailable(context.services.groups);
  let error = 'NONE';
  if (keyType !== CoordinatorType.GROUP && keyType !== CoordinatorType.TRANSACTION) error = 'INVALID_REQUEST';
  else if (keyType === CoordinatorType.GROUP && !groups.isActive) error = 'COORDINATOR_NOT_AVAILABLE';
  if (error !== 'NONE') {
    const code = errorCodeOf(error);
    return { key, nodeId: -1, host: '', port: -1, errorCode: code, errorMessage: errorMessageOf(code) };
  }
  const { host, port } = advertisedEndpoint(context);
  return {
    key,
    nodeId: config.brokerId,
    host,
    port,
    errorCode: 0,
    errorMessage: null,
  };
}

export const findCoordinatorHandler: Handler = {
  api: FindCoordinator,
  minVersion: 0,
  maxVersion: 6,
  handle(request, version, context) {
    const keyType: number = version >= 1 ? request.keyType : CoordinatorType.GROUP;
    if (version >= 4) {
      const keys: string[] = request.coordinatorKeys ?? [];
      return { throttleTimeMs: 0, coordinators: keys.map((k) => lookup(k, keyType, context)) };
    }
    const c = lookup(request.key ?? '', keyType, context);
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
