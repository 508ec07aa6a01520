/**
 * What a broker knows of the cluster: the live brokers, the controller, and the controller's
 * decision (leader, ISR, replicas) for each partition. Handlers answer Metadata, DescribeCluster
 * and FindCoordinator from it. Single-node mode has a trivial one: this broker is the cluster,
 * the controller and the only replica of every partition; cluster mode's is kept from ZooKeeper.
 */
import type { MetadataStore } from './metadata-store.js';
import type { BrokerEndpoint, PartitionState } from './partition-state.js';

export interface ClusterMetadata {
  readonly brokerId: number;
  /** Registered brokers, by id. */
  liveBrokers(): readonly BrokerEndpoint[];
  /** -1 while no broker is controller. */
  controllerId(): number;
  /** The partition's state as the controller last wrote it; undefined before it has one. */
  partitionState(topic: string, partition: number): PartitionState | undefined;
}

/** Single node: one broker, leader of everything at epoch 0. */
export class LocalClusterMetadata implements ClusterMetadata {
  constructor(
    readonly brokerId: number,
    private readonly endpoint: () => BrokerEndpoint,
    private readonly store: MetadataStore,
  ) {}

  liveBrokers(): readonly BrokerEndpoint[] {
    return [this.endpoint()];
  }

  controllerId(): number {
    return this.brokerId;
  }

  partitionState(topic: string, partition: number): PartitionState | undefined {
    const meta = this.store.getTopic(topic);
    if (!meta || partition < 0 || partition >= meta.partitions) return undefined;
    return localPartitionState(topic, partition, this.brokerId);
  }
}

/** The state single-node mode applies to every partition: led here, alone in its ISR. */
export function localPartitionState(topic: string, partition: number, brokerId: number): PartitionState {
  return {
    topic,
    partition,
    leader: brokerId,
    leaderEpoch: 0,
    isr: [brokerId],
    replicas: [brokerId],
    partitionEpoch: 0,
    controllerEpoch: 0,
  };
}
