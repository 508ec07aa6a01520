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
  handle(request, _version, context) {
    const { topics, txnMarkers } = context.services;
    const permitted = clusterAuthorized(context, AclOperation.CLUSTER_ACTION);
    return {
      markers: request.markers.map((m) => ({
        producerId: m.producerId,
        topics: m.topics.map((t) => {
          const count = topics.partitionCount(t.name);
          return {
            name: t.name,
            partitions: t.partitionIndexes.map((p) => {
              let error = 'NONE';
              if (!permitted) error = 'CLUSTER_AUTHORIZATION_FAILED';
              else if (count === undefined || p < 0 || p >= count) error = 'UNKNOWN_TOPIC_OR_PARTITION';
              else if (txnMarkers === undefined) error = 'COORDINATOR_NOT_AVAILABLE';
              else {
                const failed = txnMarkers.writeNow({
                  producerId: m.producerId,
                  producerEpoch: m.producerEpoch,
                  coordinatorEpoch: m.coordinatorEpoch,
                  committed: m.transactionResult,
                  partitions: [{ topic: t.name, partition: p }],
                });
                error = failed.values().next().value ?? 'NONE';
              }
              return { partitionIndex: p, errorCode: errorCodeOf(error) };
            }),
          };
        }),
      })),
    };
  },
};
