/**
 * Reading and compare-and-set writing of `/brokers/topics/<t>/partitions/<p>/state`, shared by the
 * controller (whose writes are also fenced by the `/controller_epoch` version, so a deposed
 * controller cannot write) and by partition leaders changing their ISR (the `IsrWriter`).
 */
import type { IsrWriter } from './partition-state.js';
import { isZkError, type ZkClient, ZkErrorCode } from './zookeeper/zk-client.js';
import {
  decodeLeaderAndIsr,
  encodeIsrChange,
  encodeLeaderAndIsr,
  ISR_CHANGE_PREFIX,
  type LeaderAndIsr,
  partitionStatePath,
} from './zookeeper/zk-data.js';

export interface VersionedLeaderAndIsr extends LeaderAndIsr {
  /** zk version of the state znode (Kafka's partition epoch). */
  readonly version: number;
}

export async function readPartitionState(
  zk: ZkClient,
  topic: string,
  partition: number,
): Promise<VersionedLeaderAndIsr | undefined> {
  const node = await zk.get(partitionStatePath(topic, partition));
  return node ? { ...decodeLeaderAndIsr(node.data), version: node.version } : undefined;
}

/**
 * The leader's ISR write (ZooKeeper-era `Partition.updateIsr` → `conditionalUpdatePath`): succeeds
 * only if the znode is still at `partitionEpoch`, and then leaves an ISR change notification for
 * the controller, as Kafka's `ReplicaManager.maybePropagateIsrChanges` does.
 */
export class ZkIsrWriter implements IsrWriter {
  constructor(private readonly zk: ZkClient) {}

  async writeIsr(
    topic: string,
    partition: number,
    leader: number,
    leaderEpoch: number,
    isr: readonly number[],
    partitionEpoch: number,
  ): Promise<number | null> {
    const current = await readPartitionState(this.zk, topic, partition);
    if (!current || current.version !== partitionEpoch || current.leader !== leader) return null;
    if (current.leaderEpoch !== leaderEpoch) return null;
    try {
      const version = await this.zk.set(
        partitionStatePath(topic, partition),
        encodeLeaderAndIsr({ leader, leaderEpoch, isr, controllerEpoch: current.controllerEpoch }),
        partitionEpoch,
      );
      await this.zk.create(ISR_CHANGE_PREFIX, encodeIsrChange([{ topic, partition }]), { sequential: true });
      return version;
    } catch (err) {
      if (isZkError(err, ZkErrorCode.BAD_VERSION) || isZkError(err, ZkErrorCode.NO_NODE)) return null;
      throw err;
    }
  }
}
