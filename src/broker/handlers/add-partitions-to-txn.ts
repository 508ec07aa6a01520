import { errorCodeOf } from '../../protocol/errors.js';
import { AddPartitionsToTxn } from '../../protocol/messages/add-partitions-to-txn.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import type { TopicPartition } from '../../txn/transaction-metadata.js';
import { authorizedNames, transactionalIdAuthorized } from './authorize.js';
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
 * the coordinator's answer. Authorization as Kafka's: without Write on the transactional id every
 * partition gets TRANSACTIONAL_ID_AUTHORIZATION_FAILED; a topic without Write (an internal topic is
 * never writable) TOPIC_AUTHORIZATION_FAILED, failing the request as an unknown partition does.
 */
export const addPartitionsToTxnHandler: Handler<AddPartitionsToTxnRequest> = {
  api: AddPartitionsToTxn,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, version, context) {
    const { topics, txn } = context.services;
    const partitions: TopicPartition[] = [];
    const failed = new Map<string, string>();
    const txnIdAllowed = transactionalIdAuthorized(
      context,
      AclOperation.WRITE,
      request.v3AndBelowTransactionalId,
    );
    const writable = authorizedNames(context, AclOperation.WRITE);
    for (const t of request.v3AndBelowTopics) {
      const count = topics.partitionCount(t.name);
      const topicError = !txnIdAllowed
        ? 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED'
        : topics.isInternal(t.name) || !writable(t.name)
          ? 'TOPIC_AUTHORIZATION_FAILED'
          : undefined;
      for (const p of t.partitions) {
        const key = `${t.name}\u0000${p}`;
        if (topicError !== undefined) failed.set(key, topicError);
        else if (count === undefined || p < 0 || p >= count) failed.set(key, 'UNKNOWN_TOPIC_OR_PARTITION');
        else partitions.push({ topic: t.name, partition: p });
      }
    }
    let error: string;
    if (!txnIdAllowed) error = 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED';
    else if (failed.size > 0) error = 'OPERATION_NOT_ATTEMPTED';
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
        resultsByPartition: t.partitions.map((p) => {
          const failure = failed.get(`${t.name}\u0000${p}`);
          return {
            partitionIndex: p,
            partitionErrorCode: failure === undefined ? code : errorCodeOf(failure),
          };
        }),
      })),
    };
  },
};
