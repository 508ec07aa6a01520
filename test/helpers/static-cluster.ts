/**
 * Brokers replicating without ZooKeeper: a static layout where the test plays the controller. Each
 * broker runs in-process with `replication.isrWriter` set to the shared StaticController, which keeps
 * the partition states, accepts ISR changes by compare-and-set on the partition epoch (as a
 * ZooKeeper conditional write would), and pushes LeaderAndIsr states to brokers when told to elect.
 */
import { Admin } from '../../src/client/admin.js';
import { ClusterClient } from '../../src/client/cluster-client.js';
import type { BrokerEndpoint, IsrWriter, PartitionState } from '../../src/cluster/partition-state.js';
import { Broker } from '../../src/index.js';
import { TEST_BROKER_CONFIG } from './broker.js';
import { makeTempDir } from './temp-dir.js';

export class StaticController implements IsrWriter {
  readonly states = new Map<string, PartitionState>();
  readonly isrWrites: { topic: string; partition: number; isr: readonly number[] }[] = [];

  constructor(private readonly cluster: StaticCluster) {}

  async writeIsr(
    topic: string,
    partition: number,
    leader: number,
    leaderEpoch: number,
    isr: readonly number[],
    partitionEpoch: number,
  ): Promise<number | null> {
    const current = this.states.get(`${topic}-${partition}`);
    if (
      !current ||
      current.leader !== leader ||
      current.leaderEpoch !== leaderEpoch ||
      current.partitionEpoch !== partitionEpoch
    ) {
      return null;
    }
    const next = { ...current, isr: [...isr], partitionEpoch: partitionEpoch + 1 };
    this.states.set(`${topic}-${partition}`, next);
    this.isrWrites.push({ topic, partition, isr: [...isr] });
    return next.partitionEpoch;
  }

  state(topic: string, partition: number): PartitionState | undefined {
    return this.states.get(`${topic}-${partition}`);
  }

  /**
   * Elects `leader` with a new leader epoch and sends the state to `notify` (default: every live
   * broker among the replicas), as the controller's LeaderAndIsr would.
   */
  async elect(
    topic: string,
    partition: number,
    layout: { leader: number; isr: readonly number[]; replicas: readonly number[] },
    notify?: readonly number[],
  ): Promise<PartitionState> {
    const previous = this.states.get(`${topic}-${partition}`);
    const state: PartitionState = {
      topic,
      partition,
      leader: layout.leader,
      leaderEpoch: (previous?.leaderEpoch ?? -1) + 1,
      isr: [...layout.isr],
      replicas: [...layout.replicas],
      partitionEpoch: (previous?.partitionEpoch ?? -1) + 1,
      controllerEpoch: 1,
    };
    this.states.set(`${topic}-${partition}`, state);
    await this.send(state, notify ?? layout.replicas);
    return state;
  }

  /** Sends the current state again to some brokers (one that missed it while cut off). */
  async resend(topic: string, partition: number, to: readonly number[]): Promise<void> {
    await this.send(this.states.get(`${topic}-${partition}`)!, to);
  }

  private async send(state: PartitionState, to: readonly number[]): Promise<void> {
    for (const id of to) {
      const broker = this.cluster.brokers.get(id);
      if (broker) await broker.replicaStates.applyPartitionStates([state], this.cluster.endpoints());
    }
  }
}

export class StaticCluster {
  readonly brokers = new Map<number, Broker>();
  readonly dataDirs = new Map<number, string>();
  readonly controller = new StaticController(this);
  private readonly cleanups: (() => void)[] = [];

  /** Starts `count` brokers with ids 0..count-1 on ephemeral ports. */
  static async start(count: number, config: Record<string, string> = {}): Promise<StaticCluster> {
    const cluster = new StaticCluster();
    try {
      for (let id = 0; id < count; id++) {
        const dir = makeTempDir(`samsa-replica-${id}-`);
        cluster.cleanups.push(dir.cleanup);
        const broker = new Broker({
          host: '127.0.0.1',
          port: 0,
          dataDir: dir.path,
          config: { ...TEST_BROKER_CONFIG, 'broker.id': String(id), ...config },
          logLevel: process.env.SAMSA_TEST_LOG_LEVEL ?? 'silent',
          replication: { isrWriter: cluster.controller },
        });
        await broker.start();
        cluster.brokers.set(id, broker);
        cluster.dataDirs.set(id, dir.path);
      }
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  bootstrap(id: number): string {
    return this.brokers.get(id)!.bootstrap;
  }

  endpoints(): BrokerEndpoint[] {
    return [...this.brokers].map(([id, b]) => ({ id, host: b.host, port: b.port, rack: null }));
  }

  /**
   * Creates the topic on every broker (each keeps its own metadata in this layout) and elects
   * broker `leaders[p]` for partition p with every broker as replica and in the ISR.
   */
  async createTopic(
    name: string,
    options: {
      partitions?: number;
      configs?: Record<string, string>;
      replicas?: number[];
      leader?: number;
    } = {},
  ): Promise<void> {
    const partitions = options.partitions ?? 1;
    const replicas = options.replicas ?? [...this.brokers.keys()];
    await this.createTopicOn(name, replicas, { partitions, configs: options.configs });
    for (let p = 0; p < partitions; p++) {
      const leader = options.leader ?? replicas[p % replicas.length]!;
      await this.controller.elect(name, p, { leader, isr: replicas, replicas });
    }
  }

  /** Creates the topic in the local metadata of brokers `ids`, electing nobody. */
  async createTopicOn(
    name: string,
    ids: readonly number[],
    options: { partitions?: number; configs?: Record<string, string> } = {},
  ): Promise<void> {
    const partitions = options.partitions ?? 1;
    for (const id of ids) {
      const client = new ClusterClient({ brokers: this.bootstrap(id) });
      try {
        await new Admin(client).createTopics([
          { name, numPartitions: partitions, replicationFactor: 1, configs: options.configs ?? {} },
        ]);
      } finally {
        await client.close();
      }
    }
  }

  /** Stops one broker (the others see it stop fetching). */
  async stopBroker(id: number): Promise<void> {
    const broker = this.brokers.get(id);
    this.brokers.delete(id);
    await broker?.stop();
  }

  async stop(): Promise<void> {
    for (const broker of this.brokers.values()) await broker.stop();
    this.brokers.clear();
    for (const cleanup of this.cleanups) cleanup();
  }
}
