import { InitProducerId } from '../../protocol/messages/init-producer-id.js';
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
 * caller's current id and epoch (KIP-360).
 */
export const initProducerIdHandler: Handler<InitProducerIdRequest> = {
  api: InitProducerId,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, version, context) {
    const txn = context.services.txn;
    const result =
      txn === undefined
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
