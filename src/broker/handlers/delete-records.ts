import { ErrorCode } from '../../protocol/errors.js';
import { DeleteRecords } from '../../protocol/messages/delete-records.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { authorizedNames, topicAuthorizationFailed } from './authorize.js';
import type { Handler } from './handler.js';
import { answerEachPartition } from './per-partition.js';

interface DeleteRecordsRequest {
  topics: { name: string; partitions: { partitionIndex: number; offset: bigint }[] }[];
  timeoutMs: number;
}

/**
 * DeleteRecords moves a partition's log start offset forward (offset -1: to the high watermark);
 * whole segments below it are removed. Only the leader answers; followers follow its log start.
 * A topic needs Delete (TOPIC_AUTHORIZATION_FAILED otherwise), as in Kafka.
 */
export const deleteRecordsHandler: Handler<DeleteRecordsRequest> = {
  api: DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  handle(request, _version, context) {
    const { replicas } = context.services;
    const deletable = authorizedNames(context, AclOperation.DELETE);
    return {
      throttleTimeMs: 0,
      topics: answerEachPartition(
        request.topics,
        (topic, p) => {
          if (!deletable(topic)) throw topicAuthorizationFailed(topic, 'delete records of');
          return {
            partitionIndex: p.partitionIndex,
            lowWatermark: replicas.deleteRecords(topic, p.partitionIndex, p.offset),
            errorCode: ErrorCode.NONE,
          };
        },
        (p, errorCode) => ({ partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode }),
      ),
    };
  },
};
