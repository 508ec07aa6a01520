import { ErrorCode } from '../../protocol/errors.js';
import { DeleteRecords } from '../../protocol/messages/delete-records.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { OffsetOutOfRangeError } from '../../util/errors.js';
import { authorizedNames, topicAuthorizationFailed } from './authorize.js';
import type { Handler } from './handler.js';
import { answerEachPartition } from './per-partition.js';

/** Offset -1 in DeleteRecords means "up to the high watermark". */
const HIGH_WATERMARK = -1n;

interface DeleteRecordsRequest {
  topics: { name: string; partitions: { partitionIndex: number; offset: bigint }[] }[];
  timeoutMs: number;
}

/**
 * DeleteRecords moves the log start offset forward; whole segments below it are removed. As Kafka,
 * a topic needs Delete (TOPIC_AUTHORIZATION_FAILED otherwise).
 */
export const deleteRecordsHandler: Handler<DeleteRecordsRequest> = {
  api: DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  handle(request, _version, context) {
    const { topics } = context.services;
    const deletable = authorizedNames(context, AclOperation.DELETE);
    return {
      throttleTimeMs: 0,
      topics: answerEachPartition(
        request.topics,
        (topic, p) => {
          if (!deletable(topic)) throw topicAuthorizationFailed(topic, 'delete records of');
          const log = topics.logFor(topic, p.partitionIndex);
          const offset = p.offset === HIGH_WATERMARK ? log.highWatermark : p.offset;
          if (offset < 0n || offset > log.highWatermark) {
            throw new OffsetOutOfRangeError(
              `offset ${offset} is beyond the high watermark ${log.highWatermark}`,
            );
          }
          if (offset > log.logStartOffset) log.deleteRecordsBefore(offset);
          return {
            partitionIndex: p.partitionIndex,
            lowWatermark: log.logStartOffset,
            errorCode: ErrorCode.NONE,
          };
        },
        (p, errorCode) => ({ partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode }),
      ),
    };
  },
};
