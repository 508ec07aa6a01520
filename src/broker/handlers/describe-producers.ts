import { errorCodeOf } from '../../protocol/errors.js';
import { DescribeProducers } from '../../protocol/messages/describe-producers.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { authorizedNames } from './authorize.js';
import type { Handler } from './handler.js';

interface DescribeProducersRequest {
  topics: { name: string; partitionIndexes: number[] }[];
}

/**
 * DescribeProducers (v0, KIP-664): the producer state of each partition (ids, epochs, open
 * transactions). As Kafka, a topic needs Read (TOPIC_AUTHORIZATION_FAILED otherwise).
 */
export const describeProducersHandler: Handler<DescribeProducersRequest> = {
  api: DescribeProducers,
  minVersion: 0,
  maxVersion: 0,
  handle(request, _version, context) {
    const { topics } = context.services;
    const readable = authorizedNames(context, AclOperation.READ);
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => {
        const count = topics.partitionCount(t.name);
        const allowed = readable(t.name);
        return {
          name: t.name,
          partitions: t.partitionIndexes.map((p) => {
            if (!allowed || count === undefined || p < 0 || p >= count) {
              return {
                partitionIndex: p,
                errorCode: errorCodeOf(allowed ? 'UNKNOWN_TOPIC_OR_PARTITION' : 'TOPIC_AUTHORIZATION_FAILED'),
                errorMessage: null,
                activeProducers: [],
              };
            }
            const state = topics.logFor(t.name, p).txns.producerState;
            return {
              partitionIndex: p,
              errorCode: 0,
              errorMessage: null,
              activeProducers: [...state.producers.values()].map((e) => ({
                producerId: e.producerId,
                producerEpoch: e.producerEpoch,
                lastSequence: e.lastSeq,
                lastTimestamp: e.lastTimestamp,
                coordinatorEpoch: e.coordinatorEpoch,
                currentTxnStartOffset: e.currentTxnFirstOffset,
              })),
            };
          }),
        };
      }),
    };
  },
};
