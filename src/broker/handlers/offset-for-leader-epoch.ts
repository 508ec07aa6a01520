import { ErrorCode } from '../../protocol/errors.js';
import { OffsetForLeaderEpoch } from '../../protocol/messages/offset-for-leader-epoch.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { authorizedNames, clusterAuthorized } from './authorize.js';
import { errorCodeFor } from './error-code.js';
import type { Handler } from './handler.js';

interface OffsetForLeaderEpochRequest {
  replicaId?: number;
  topics: {
    topic: string;
    partitions: { partition: number; currentLeaderEpoch?: number; leaderEpoch: number }[];
  }[];
}

/**
 * OffsetForLeaderEpoch: for each partition this broker leads, the largest leader epoch <= the
 * requested one and the offset where it ends (the log end for the current epoch); -1/-1 when the
 * log knows no such epoch. Followers ask it before fetching, to truncate what diverged; consumers
 * (v3+) to validate their position after a leader change. UNKNOWN_TOPIC_OR_PARTITION,
 * NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH and UNKNOWN_LEADER_EPOCH as Kafka answers them.
 * ClusterAction (a broker) may ask about any partition; others need Describe on the topic (KIP-320).
 */
export const offsetForLeaderEpochHandler: Handler<OffsetForLeaderEpochRequest> = {
  api: OffsetForLeaderEpoch,
  minVersion: 0,
  maxVersion: 4,
  handle(request, _version, context) {
    const { replicas } = context.services;
    const describable = clusterAuthorized(context, AclOperation.CLUSTER_ACTION)
      ? () => true
      : authorizedNames(context, AclOperation.DESCRIBE);
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => {
          if (!describable(t.topic)) {
            return {
              errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
              partition: p.partition,
              leaderEpoch: -1,
              endOffset: -1n,
            };
          }
          const outcome = replicas.lastOffsetForLeaderEpoch(
            t.topic,
            p.partition,
            p.currentLeaderEpoch ?? -1,
            p.leaderEpoch,
          );
          return outcome.ok
            ? {
                errorCode: ErrorCode.NONE,
                partition: p.partition,
                leaderEpoch: outcome.leaderEpoch,
                endOffset: outcome.endOffset,
              }
            : {
                errorCode: errorCodeFor(outcome.error),
                partition: p.partition,
                leaderEpoch: -1,
                endOffset: -1n,
              };
        }),
      })),
    };
  },
};
