/**
 * What OffsetCommit and TxnOffsetCommit share: which requested partitions reach the group
 * coordinator, and how every requested partition is answered.
 */
import type { OffsetCommitPartition, PartitionResult } from '../../group/types.js';
import type { TopicRegistry } from '../topic-registry.js';
import { PartitionErrors, type RequestTopic } from './per-partition.js';

/** What the request's principal may do, as the commit APIs check it (KafkaApis). */
export interface CommitAuthorization {
  /** An error every partition gets when the request as a whole is refused (group or transactional id). */
  readonly refused?: string;
  /** Read on the topic (TOPIC_AUTHORIZATION_FAILED otherwise, before the topic is looked up). */
  readonly readable: (topic: string) => boolean;
}

/**
 * A partition of a topic the principal may not Read gets TOPIC_AUTHORIZATION_FAILED; of an unknown
 * topic, or past the topic's partition count, UNKNOWN_TOPIC_OR_PARTITION; the others are committed
 * in one `commit` call (none when there are none). Every requested partition is answered in
 * request order with `errorCode` of its error name, UNKNOWN_SERVER_ERROR where the coordinator
 * returned no result for it.
 */
export async function commitRequestedOffsets<P extends { readonly partitionIndex: number }>(
  requested: readonly RequestTopic<P>[],
  topics: Pick<TopicRegistry, 'partitionCount'>,
  authorization: CommitAuthorization,
  toCommit: (topic: string, partition: P) => OffsetCommitPartition,
  commit: (partitions: OffsetCommitPartition[]) => Promise<readonly PartitionResult[]>,
  errorCode: (error: string) => number,
): Promise<{ name: string; partitions: { partitionIndex: number; errorCode: number }[] }[]> {
  const errors = new PartitionErrors();
  const partitions: OffsetCommitPartition[] = [];
  for (const t of requested) {
    const count = topics.partitionCount(t.name);
    const topicError =
      authorization.refused ?? (authorization.readable(t.name) ? undefined : 'TOPIC_AUTHORIZATION_FAILED');
    for (const p of t.partitions) {
      if (topicError !== undefined) {
        errors.set(t.name, p.partitionIndex, topicError);
        continue;
      }
      if (count === undefined || p.partitionIndex < 0 || p.partitionIndex >= count) {
        errors.set(t.name, p.partitionIndex, 'UNKNOWN_TOPIC_OR_PARTITION');
        continue;
      }
      partitions.push(toCommit(t.name, p));
    }
  }
  if (partitions.length > 0) errors.setAll(await commit(partitions));
  return requested.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({
      partitionIndex: p.partitionIndex,
      errorCode: errorCode(errors.get(t.name, p.partitionIndex) ?? 'UNKNOWN_SERVER_ERROR'),
    })),
  }));
}
