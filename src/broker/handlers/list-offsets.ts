import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from '../../cluster/partition.js';
import { ErrorCode } from '../../protocol/errors.js';
import { ListOffsets } from '../../protocol/messages/list-offsets.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { SamsaError } from '../../util/errors.js';
import { authorizedNames } from './authorize.js';
import type { Handler } from './handler.js';
import { answerEachPartition } from './per-partition.js';

const READ_COMMITTED = 1;
/** ListOffsets from this replica id may read a follower (Kafka's DEBUGGING_REPLICA_ID). */
const DEBUGGING_REPLICA_ID = -2;

interface ListOffsetsRequest {
  replicaId: number;
  isolationLevel?: number;
  topics: {
    name: string;
    partitions: {
      partitionIndex: number;
      timestamp: bigint;
      currentLeaderEpoch?: number;
      maxNumOffsets?: number;
    }[];
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
 * ListOffsets, answered by the partition's leader (`ReplicaManager.fetchOffsetForTimestamp`):
 * earliest, latest (what a reader of the request's isolation level may fetch) or the first offset
 * at or after a timestamp. v4+ returns the leader epoch of the offset and fences stale epochs. Needs Describe on the topic.
 */
export const listOffsetsHandler: Handler<ListOffsetsRequest> = {
  api: ListOffsets,
  minVersion: 0,
  maxVersion: 6,
  handle(request, version, context) {
    const { replicas } = context.services;
    const isolation =
      request.isolationLevel === undefined
        ? undefined
        : request.isolationLevel === READ_COMMITTED
          ? 'read_committed'
          : 'read_uncommitted';
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
          if (p.timestamp < 0n && p.timestamp !== LATEST_TIMESTAMP && p.timestamp !== EARLIEST_TIMESTAMP) {
            return {
              partitionIndex: p.partitionIndex,
              errorCode: ErrorCode.UNSUPPORTED_VERSION,
              ...notFound,
            };
          }
          let found: ReturnType<typeof replicas.fetchOffsetForTimestamp>;
          try {
            found = replicas.fetchOffsetForTimestamp(topic, p.partitionIndex, {
              timestamp: p.timestamp,
              isolation,
              currentLeaderEpoch: p.currentLeaderEpoch ?? -1,
              fetchOnlyFromLeader: request.replicaId !== DEBUGGING_REPLICA_ID,
            });
          } catch (error) {
            // Before v5 a client knows no OFFSET_NOT_AVAILABLE; Kafka answers it LEADER_NOT_AVAILABLE.
            if (error instanceof SamsaError && error.kafkaError === 'OFFSET_NOT_AVAILABLE' && version < 5) {
              return {
                partitionIndex: p.partitionIndex,
                errorCode: ErrorCode.LEADER_NOT_AVAILABLE,
                ...notFound,
              };
            }
            throw error;
          }
          return {
            partitionIndex: p.partitionIndex,
            errorCode: ErrorCode.NONE,
            oldStyleOffsets: found ? [found.offset] : [],
            timestamp: found ? found.timestamp : -1n,
            offset: found ? found.offset : -1n,
            leaderEpoch: found ? found.leaderEpoch : -1,
          };
        },
        (p, errorCode) => ({ partitionIndex: p.partitionIndex, errorCode, ...notFound }),
      ),
    };
  },
};

const notFound = { oldStyleOffsets: [], timestamp: -1n, offset: -1n, leaderEpoch: -1 };
