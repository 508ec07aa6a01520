/** What the controller decided for one partition: Kafka's LeaderAndIsr partition state. */
export interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  readonly leader: number; // broker id, -1 = none
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  readonly replicas: readonly number[];
  readonly partitionEpoch: number; // the ZooKeeper version of the partition state znode (zkVersion)
  readonly controllerEpoch: number;
}
export interface BrokerEndpoint {
  readonly id: number;
  /** The inter-broker listener's address: what followers and peer brokers connect to. */
  readonly host: string;
  readonly port: number;
  readonly rack: string | null;
  /** Every advertised listener by name: a client is answered with the one it came in on. */
  readonly listeners: ReadonlyMap<string, { readonly host: string; readonly port: number }>;
}
/** Implemented by the replication side (ReplicaManager): applies LeaderAndIsr / StopReplica. */
export interface ReplicaStateApplier {
  applyPartitionStates(states: readonly PartitionState[], brokers: readonly BrokerEndpoint[]): Promise<void>;
  stopReplicas(partitions: readonly { topic: string; partition: number; delete: boolean }[]): Promise<void>;
}
/** Implemented by the cluster side: a leader writes an ISR change (Kafka's AlterPartition/ZK conditional update). Resolves with the new partition epoch (zk version), or null when the write was refused (stale version: the leader must wait for new state). */
export interface IsrWriter {
  writeIsr(
    topic: string,
    partition: number,
    leader: number,
    leaderEpoch: number,
    isr: readonly number[],
    partitionEpoch: number,
  ): Promise<number | null>;
}
