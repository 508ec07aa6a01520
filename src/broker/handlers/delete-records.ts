import { ErrorCode } from '../../protocol/errors.js';
import { DeleteRecords } from '../../protocol/messages/delete-records.js';
import { OffsetOutOfRangeError } from '../../util/errors.js';
import { errorCodeFor } from './error-code.js';
import type { Handler } from './handler.js';

/** Offset -1 in DeleteRecords means "up to the high watermark". */
const HIGH_WATERMARK = -1n;

interface DeleteRecordsRequest {
  topics: { name: string; partitions: { partitionIndex: number; offset: bigint }[] }[];
  timeoutMs: number;
}

/** DeleteRecords moves the log start offset forward; whole segments below it are removed. */
export const deleteRecordsHandler: Handler<DeleteRecordsRequest> = {
  api: DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  handle(request, _version, context) {
    const { topics } = context.services;
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          try {
            const log = topics.logFor(t.name, p.partitionIndex);
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
          } catch (error) {
            return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: errorCodeFor(error) };
          }
        }),
      })),
    };
  },
};
