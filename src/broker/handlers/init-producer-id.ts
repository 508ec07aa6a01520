import { InitProducerId } from '../../protocol/messages/init-producer-id.js';
import { AclOperation, ResourceType } from '../../security/authorizer/acl.js';
import { authorizedOnAny, clusterAuthorized, transactionalIdAuthorized } from './authorize.js';
import type { Handler } from './handler.js';
import { txnErrorCode } from './txn-errors.js';

interface InitProducerIdRequest {
  transactionalId: string | null;
  transactionTimeoutMs: number;
  producerId?: bigint;
  producerEpoch?: number;
}

/**
 * InitProducerId (v0-v4): a producer id and epoch for an idempotent producer (no transactional
 * id) or a transactional one, whose epoch is bumped to fence older instances. v3+ carries the
 * caller's current id and epoch (KIP-360). As Kafka: a transactional id needs Write on it; an
 * idempotent producer IdempotentWrite on the cluster or Write on some topic (KIP-679).
 */
function refusal(
  request: InitProducerIdRequest,
  context: Parameters<Handler['handle']>[2],
): string | undefined {
  if (request.transactionalId !== null && request.transactionalId !== undefined) {
    return transactionalIdAuthorized(context, AclOperation.WRITE, request.transactionalId)
      ? undefined
      : 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED';
  }
  if (clusterAuthorized(context, AclOperation.IDEMPOTENT_WRITE)) return undefined;
  return authorizedOnAny(context, AclOperation.WRITE, ResourceType.TOPIC)
    ? undefined
    : 'CLUSTER_AUTHORIZATION_FAILED';
}

export const initProducerIdHandler: Handler<InitProducerIdRequest> = {
  api: InitProducerId,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, version, context) {
    const txn = context.services.txn;
    const refused = refusal(request, context);
    const result = refused
      ? { error: refused, producerId: -1n, producerEpoch: -1 }
      : txn === undefined
        ? { error: 'COORDINATOR_NOT_AVAILABLE', producerId: -1n, producerEpoch: -1 }
        : await txn.initProducerId(request.transactionalId, request.transactionTimeoutMs, {
            producerId: request.producerId ?? -1n,
            producerEpoch: request.producerEpoch ?? -1,
          });
    return {
      throttleTimeMs: 0,
      errorCode: txnErrorCode(result.error, version, 4),
      producerId: result.producerId,
      producerEpoch: result.producerEpoch,
    };
  },
};
