import type { TopicRegistry } from '../broker/topic-registry.js';
import type { CoordinatorPartitionLog } from '../storage/coordinator-log.js';
import type { ReplicaManager } from './replica-manager.js';

/**
 * A coordinator's partition of `__consumer_offsets` or `__transaction_state`: its records are
 * appended through the partition leader (leader epoch, high watermark from the ISR), so they
 * replicate to the followers like any other record and survive a failover of the coordinator.
 * Replays read the local log, as Kafka's coordinator loader does.
 */
export function coordinatorPartitionLog(
  replicas: ReplicaManager,
  topics: TopicRegistry,
  topic: string,
  partition: number,
): CoordinatorPartitionLog {
  const log = topics.logFor(topic, partition);
  return {
    // Only the coordinator writes here (clients cannot produce to internal topics).
    appendAsLeader: (records, leaderEpoch) =>
      replicas.markerLog(topic, partition).appendAsLeader(records, leaderEpoch, 'coordinator'),
    // The partition moves its high watermark as the ISR catches up.
    setHighWatermark: () => {},
    read: (offset, maxBytes, minOneMessage) => log.read(offset, maxBytes, minOneMessage),
    get logStartOffset() {
      return log.logStartOffset;
    },
    get logEndOffset() {
      return log.logEndOffset;
    },
  };
}
