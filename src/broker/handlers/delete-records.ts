import { ErrorCode } from '../../protocol/errors.js';
import { DeleteRecords } from '../../protocol/messages/delete-records.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { authorizedNames } from './authorize.js';
import { errorCodeFor } from './error-code.js';
import type { Handler } from './handler.js';

interface DeleteRecordsRequest {
  topics: { name: string; partitions: { partitionIndex: number; offset: bigint }[] }[];
  timeoutMs: number;
}

/**
 * DeleteRecords moves a partition's log start offset forward (offset -1: to the high watermark);
 * whole segments below it are removed. The leader answers once its in-sync replicas have moved
 * their log start too (or the request's timeout ran out). A topic needs Delete
 * (TOPIC_AUTHORIZATION_FAILED otherwise), as in Kafka.
 */
export const deleteRecordsHandler: Handler<DeleteRecordsRequest> = {
  api: DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, _version, context) {
    const deletable = authorizedNames(context, AclOperation.DELETE);
    const wanted = request.topics.flatMap((t) =>
      deletable(t.name)
        ? t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: p.offset }))
        : [],
    );
    const outcomes = await context.services.replicas.deleteRecords(wanted, request.timeoutMs);
    let next = 0;
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => {
        const allowed = deletable(t.name);
        return {
          name: t.name,
          partitions: t.partitions.map((p) => {
            if (!allowed) {
              return {
                partitionIndex: p.partitionIndex,
                lowWatermark: -1n,
                errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
              };
            }
            const outcome = outcomes[next++]!;
            return outcome.ok
              ? {
                  partitionIndex: p.partitionIndex,
                  lowWatermark: outcome.lowWatermark,
                  errorCode: ErrorCode.NONE,
                }
              : {
                  partitionIndex: p.partitionIndex,
                  lowWatermark: -1n,
                  errorCode: errorCodeFor(outcome.error),
                };
          }),
        };
      }),
    };
  },
};
