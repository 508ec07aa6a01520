import type { TopicRegistry } from '../broker/topic-registry.js';
import type { CoordinatorPartitionLog } from '../storage/coordinator-log.js';
import type { AppendInfo } from '../storage/log.js';
import { ACKS_ALL, NotLeaderOrFollowerError, type Partition } from './partition.js';
import type { ReplicaManager } from './replica-manager.js';

/**
 * A coordinator's partition of `__consumer_offsets` or `__transaction_state`: its records are
 * appended on the partition leader with acks=-1, as Kafka's GroupMetadataManager and
 * TransactionStateManager append them (`ReplicaManager.appendRecords` with `requiredAcks = -1`):
 * refused with NOT_ENOUGH_REPLICAS while the ISR is below min.insync.replicas, and acknowledged
 * only once the ISR has them (the produce purgatory's DelayedProduce), so an acknowledged commit
 * or transaction state survives a failover of the coordinator. A single replica is its own ISR:
 * the wait ends on the append. Replays read the local log, as Kafka's coordinator loader does.
 */
export function coordinatorPartitionLog(
  replicas: ReplicaManager,
  topics: TopicRegistry,
  topic: string,
  partition: number,
): CoordinatorPartitionLog<AppendInfo> {
  const log = topics.logFor(topic, partition);
  const leader = (): Partition => {
    const p = replicas.getPartition(topic, partition);
    if (p === undefined) {
      throw new NotLeaderOrFollowerError(
        `broker ${replicas.brokerId} holds no replica of ${topic}-${partition}`,
      );
    }
    return p;
  };
  return {
    // Only the coordinator writes here (clients cannot produce to internal topics).
    appendAsLeader: (records) => {
      const info = leader().appendAsLeader(records, ACKS_ALL, 'coordinator');
      // Followers parked in a long poll on this partition fetch the records now.
      replicas.wake(topic, partition);
      return info;
    },
    // The partition moves its high watermark as the ISR catches up.
    setHighWatermark: () => {},
    awaitReplication: (appended, timeoutMs) => {
      const check = replicas
        .getPartition(topic, partition)
        ?.checkEnoughReplicasReachOffset(appended.lastOffset + 1n);
      if (check?.done && check.error === undefined) return undefined;
      const entry = { topic, partition, records: Buffer.alloc(0) };
      return Promise.resolve(replicas.awaitReplication([entry], [{ ok: true, ...appended }], timeoutMs)).then(
        ([outcome]) => {
          if (!outcome!.ok) throw outcome!.error;
        },
      );
    },
    read: (offset, maxBytes, minOneMessage) => log.read(offset, maxBytes, minOneMessage),
    get logStartOffset() {
      return log.logStartOffset;
    },
    get logEndOffset() {
      return log.logEndOffset;
    },
  };
}
