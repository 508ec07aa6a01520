/**
 * Brokers replicating without ZooKeeper: a static layout where the test plays the controller. Each
 * broker runs with `replication.isrWriter` pointing at the shared StaticController, which keeps the
 * partition states, accepts ISR changes by compare-and-set on the partition epoch (as a ZooKeeper
 * conditional write would), and pushes LeaderAndIsr states to brokers when told to elect. The
 * brokers run in-process here (StaticCluster); bench/replication.ts also runs them as processes.
 */
import { Admin } from '../../src/client/admin.js';
import { ClusterClient } from '../../src/client/cluster-client.js';
import type { BrokerEndpoint, IsrWriter, PartitionState } from '../../src/cluster/partition-state.js';
import { Broker } from '../../src/index.js';
import { TEST_BROKER_CONFIG } from './broker.js';
import { makeTempDir } from './temp-dir.js';

/** A broker of a static layout, wherever it runs: its address and how LeaderAndIsr reaches it. */
export interface LayoutMember {
  readonly host: string;
  readonly port: number;
  apply(state: PartitionState, brokers: readonly BrokerEndpoint[]): Promise<void>;
}

export class StaticController implements IsrWriter {
  readonly states = new Map<string, PartitionState>();
  readonly isrWrites: { topic: string; partition: number; isr: readonly number[] }[] = [];

  constructor(private readonly layout: StaticLayout) {}

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
    for (const id of to) await this.layout.members.get(id)?.apply(state, this.layout.endpoints());
  }
}

/** Brokers by id, the controller over them, and topics created on each (local metadata per broker). */
export class StaticLayout {
  readonly members = new Map<number, LayoutMember>();
  readonly controller = new StaticController(this);

  bootstrap(id: number): string {
    const m = this.members.get(id)!;
    return `${m.host}:${m.port}`;
  }

  endpoints(): BrokerEndpoint[] {
    return [...this.members].map(([id, m]) => ({
      id,
      host: m.host,
      port: m.port,
      rack: null,
      listeners: new Map([['PLAINTEXT', { host: m.host, port: m.port }]]),
    }));
  }

  /**
   * Creates the topic on each of `replicas` (default: every broker; each keeps its own metadata in
   * this layout) and elects `leader` (default: round-robin) with all of them in the ISR.
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
    const replicas = options.replicas ?? [...this.members.keys()];
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
}

/** The static layout over in-process brokers. */
export class StaticCluster extends StaticLayout {
  readonly brokers = new Map<number, Broker>();
  readonly dataDirs = new Map<number, string>();
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
        cluster.members.set(id, {
          host: broker.host,
          port: broker.port,
          apply: (state, brokers) => broker.replicaStates.applyPartitionStates([state], brokers),
        });
        cluster.dataDirs.set(id, dir.path);
      }
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Stops one broker (the others see it stop fetching). */
  async stopBroker(id: number): Promise<void> {
    const broker = this.brokers.get(id);
    this.brokers.delete(id);
    this.members.delete(id);
    await broker?.stop();
  }

  async stop(): Promise<void> {
    for (const broker of this.brokers.values()) await broker.stop();
    this.brokers.clear();
    this.members.clear();
    for (const cleanup of this.cleanups) cleanup();
  }
}
