import { DescribeProducers } from '../../protocol/messages/describe-producers.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { authorizedNames, topicAuthorizationFailed } from './authorize.js';
import type { Handler } from './handler.js';
import { answerEachPartition } from './per-partition.js';

interface DescribeProducersRequest {
  topics: { name: string; partitionIndexes: number[] }[];
}

/**
 * DescribeProducers (v0, KIP-664): the producer state of each partition (ids, epochs, open
 * transactions), from its leader. A topic needs Read (TOPIC_AUTHORIZATION_FAILED otherwise), as in Kafka.
 */
export const describeProducersHandler: Handler<DescribeProducersRequest> = {
  api: DescribeProducers,
  minVersion: 0,
  maxVersion: 0,
  handle(request, _version, context) {
    const { replicas } = context.services;
    const readable = authorizedNames(context, AclOperation.READ);
    const topics = request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex })),
    }));
    return {
      throttleTimeMs: 0,
      topics: answerEachPartition(
        topics,
        (topic, p) => {
          if (!readable(topic)) throw topicAuthorizationFailed(topic, 'describe producers of');
          const state = replicas.leaderPartition(topic, p.partitionIndex).log.txns.producerState;
          return {
            partitionIndex: p.partitionIndex,
            errorCode: 0,
            errorMessage: null as string | null,
            activeProducers: [...state.producers.values()].map((e) => ({
              producerId: e.producerId,
              producerEpoch: e.producerEpoch,
              lastSequence: e.lastSeq,
              lastTimestamp: e.lastTimestamp,
              coordinatorEpoch: e.coordinatorEpoch,
              currentTxnStartOffset: e.currentTxnFirstOffset,
            })),
          };
        },
        (p, errorCode, message) => ({
          partitionIndex: p.partitionIndex,
          errorCode,
          errorMessage: message,
          activeProducers: [],
        }),
      ),
    };
  },
};
