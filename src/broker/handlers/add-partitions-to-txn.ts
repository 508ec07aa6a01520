import { errorCodeOf } from '../../protocol/errors.js';
import { AddPartitionsToTxn } from '../../protocol/messages/add-partitions-to-txn.js';
import type { TopicPartition } from '../../txn/transaction-metadata.js';
import type { Handler } from './handler.js';
import { txnErrorCode } from './txn-errors.js';

interface AddPartitionsToTxnRequest {
  v3AndBelowTransactionalId: string;
  v3AndBelowProducerId: bigint;
  v3AndBelowProducerEpoch: number;
  v3AndBelowTopics: { name: string; partitions: number[] }[];
}

/**
 * AddPartitionsToTxn (v0-v3, the client versions; v4+ is the brokers' batched form). As in
 * KafkaApis: if any partition is unknown, those get UNKNOWN_TOPIC_OR_PARTITION, the rest
 * OPERATION_NOT_ATTEMPTED, and the coordinator is not asked; otherwise every partition carries
 * the coordinator's answer.
 */
export const addPartitionsToTxnHandler: Handler<AddPartitionsToTxnRequest> = {
  api: AddPartitionsToTxn,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, version, context) {
    const { topics, txn } = context.services;
    const partitions: TopicPartition[] = [];
    const unknown = new Set<string>();
    for (const t of request.v3AndBelowTopics) {
      const count = topics.partitionCount(t.name);
      for (const p of t.partitions) {
        if (count === undefined || p < 0 || p >= count || topics.isInternal(t.name)) {
          unknown.add(`${t.name}\u0000${p}`);
        } else partitions.push({ topic: t.name, partition: p });
      }
    }
    let error: string;
    if (unknown.size > 0) error = 'OPERATION_NOT_ATTEMPTED';
    else if (txn === undefined) error = 'COORDINATOR_NOT_AVAILABLE';
    else {
      error = await txn.addPartitions(
        request.v3AndBelowTransactionalId,
        request.v3AndBelowProducerId,
        request.v3AndBelowProducerEpoch,
        partitions,
      );
    }
    const code = txnErrorCode(error, version, 2);
    return {
      throttleTimeMs: 0,
      resultsByTopicV3AndBelow: request.v3AndBelowTopics.map((t) => ({
        name: t.name,
        resultsByPartition: t.partitions.map((p) => ({
          partitionIndex: p,
          partitionErrorCode: unknown.has(`${t.name}\u0000${p}`)
            ? errorCodeOf('UNKNOWN_TOPIC_OR_PARTITION')
            : code,
        })),
      })),
    };
  },
};
