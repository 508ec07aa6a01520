import { ErrorCode } from '../../protocol/errors.js';
import { ListOffsets } from '../../protocol/messages/list-offsets.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import type { Log } from '../../storage/log.js';
import { authorizedNames } from './authorize.js';
import type { Handler } from './handler.js';
import { answerEachPartition } from './per-partition.js';

/** ListOffsets' special timestamps (ListOffsetsRequest.java). */
const LATEST_TIMESTAMP = -1n;
const EARLIEST_TIMESTAMP = -2n;
const READ_COMMITTED = 1;

interface ListOffsetsRequest {
  replicaId: number;
  isolationLevel?: number;
  topics: {
    name: string;
    partitions: { partitionIndex: number; timestamp: bigint; maxNumOffsets?: number }[];
  }[];
}

interface ListOffsetsPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  oldStyleOffsets: bigint[];
  timestamp: bigint;
  offset: bigint;
  leaderEpoch: number;
}

/**
 * The last offset a client of this isolation level may read (Kafka's `lastFetchableOffset` in
 * `Partition.fetchOffsetForTimestamp`): the LSO for read_committed, the high watermark for
 * read_uncommitted; v0-v1 carry no isolation level and get the log end offset, as a replica would.
 */
function lastFetchableOffset(log: Log, isolationLevel: number | undefined): bigint {
  if (isolationLevel === undefined) return log.logEndOffset;
  return isolationLevel === READ_COMMITTED ? log.lastStableOffset : log.highWatermark;
}

/**
 * ListOffsets: earliest (log start offset), latest (the last fetchable offset: high watermark, or
 * the last stable offset for read_committed) and by timestamp (the first offset whose batch has a
 * timestamp at or after it, if below the last fetchable offset). Needs Describe on the topic.
 */
export const listOffsetsHandler: Handler<ListOffsetsRequest> = {
  api: ListOffsets,
  minVersion: 0,
  maxVersion: 6,
  handle(request, _version, context) {
    const { topics } = context.services;
    // Kafka: the partitions of a topic the principal may not Describe get TOPIC_AUTHORIZATION_FAILED.
    const describable = authorizedNames(context, AclOperation.DESCRIBE);
    return {
      throttleTimeMs: 0,
      topics: answerEachPartition(
        request.topics,
        (topic, p): ListOffsetsPartitionResponse => {
          if (!describable(topic)) {
            return {
              partitionIndex: p.partitionIndex,
              errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
              ...notFound,
            };
          }
          const log = topics.logFor(topic, p.partitionIndex);
          let found: { offset: bigint; timestamp: bigint } | null;
          const fetchable = lastFetchableOffset(log, request.isolationLevel);
          if (p.timestamp === LATEST_TIMESTAMP) found = { offset: fetchable, timestamp: -1n };
          else if (p.timestamp === EARLIEST_TIMESTAMP) found = { offset: log.logStartOffset, timestamp: -1n };
          else if (p.timestamp < 0n) {
            return {
              partitionIndex: p.partitionIndex,
              errorCode: ErrorCode.UNSUPPORTED_VERSION,
              ...notFound,
            };
          } else {
            found = log.offsetForTimestamp(p.timestamp);
            if (found !== null && found.offset >= fetchable) found = null;
          }
          return {
            partitionIndex: p.partitionIndex,
            errorCode: ErrorCode.NONE,
            oldStyleOffsets: found ? [found.offset] : [],
            timestamp: found ? found.timestamp : -1n,
            offset: found ? found.offset : -1n,
            leaderEpoch: found ? 0 : -1,
          };
        },
        (p, errorCode) => ({ partitionIndex: p.partitionIndex, errorCode, ...notFound }),
      ),
    };
  },
};

const notFound = { oldStyleOffsets: [], timestamp: -1n, offset: -1n, leaderEpoch: -1 };
