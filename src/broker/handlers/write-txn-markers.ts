import { errorCodeOf } from '../../protocol/errors.js';
import { WriteTxnMarkers } from '../../protocol/messages/write-txn-markers.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { clusterAuthorized } from './authorize.js';
import type { Handler } from './handler.js';

interface WriteTxnMarkersRequest {
  markers: {
    producerId: bigint;
    producerEpoch: number;
    transactionResult: boolean;
    topics: { name: string; partitionIndexes: number[] }[];
    coordinatorEpoch: number;
  }[];
}

/**
 * WriteTxnMarkers (v0-v1): what a transaction coordinator sends partition leaders. Our own
 * coordinator writes its markers locally; the API is still served, with Kafka's answers: unknown
 * partitions get UNKNOWN_TOPIC_OR_PARTITION, a stale producer epoch INVALID_PRODUCER_EPOCH, a stale
 * coordinator epoch TRANSACTION_COORDINATOR_FENCED. A marker for a producer the partition has no
 * record of is written and changes nothing visible, as in Kafka. Only a principal with ClusterAction
 * (a broker) may send it: every partition gets CLUSTER_AUTHORIZATION_FAILED otherwise.
 */
export const writeTxnMarkersHandler: Handler<WriteTxnMarkersRequest> = {
  api: WriteTxnMarkers,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, _version, context) {
    const { topics, txnMarkers } = context.services;
    const permitted = clusterAuthorized(context, AclOperation.CLUSTER_ACTION);
    const markers = await Promise.all(
      request.markers.map(async (m) => {
        // Each partition's error before the write; those without one are written together.
        const errors = new Map<string, string>();
        const writable: { topic: string; partition: number }[] = [];
        for (const t of m.topics) {
          const count = topics.partitionCount(t.name);
          for (const p of t.partitionIndexes) {
            let error: string | undefined;
            if (!permitted) error = 'CLUSTER_AUTHORIZATION_FAILED';
            else if (count === undefined || p < 0 || p >= count) error = 'UNKNOWN_TOPIC_OR_PARTITION';
            else if (txnMarkers === undefined) error = 'COORDINATOR_NOT_AVAILABLE';
            if (error) errors.set(`${t.name}\u0000${p}`, error);
            else writable.push({ topic: t.name, partition: p });
          }
        }
        if (writable.length > 0 && txnMarkers !== undefined) {
          // Answered once the markers are on the in-sync replicas (Kafka appends them with acks=-1).
          const failed = await txnMarkers.writeMarkers({
            producerId: m.producerId,
            producerEpoch: m.producerEpoch,
            coordinatorEpoch: m.coordinatorEpoch,
            committed: m.transactionResult,
            partitions: writable,
          });
          for (const [key, error] of failed) errors.set(key, error);
        }
        return {
          producerId: m.producerId,
          topics: m.topics.map((t) => ({
            name: t.name,
            partitions: t.partitionIndexes.map((p) => ({
              partitionIndex: p,
              errorCode: errorCodeOf(errors.get(`${t.name}\u0000${p}`) ?? 'NONE'),
            })),
          })),
        };
      }),
    );
    return { markers };
  },
};
