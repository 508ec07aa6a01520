/**
 * Cluster metadata kept in ZooKeeper, in Kafka's layout (`zookeeper/zk-data.ts`). Every broker
 * holds a cache of it, refreshed by watches: topics with their assignment and configs, the state
 * of every partition (leader, leader epoch, ISR, zk version), the registered brokers and the
 * controller. A topic change made here is written to ZooKeeper the way Kafka's `AdminZkClient`
 * does (config first, then the assignment; deletion by marking `/admin/delete_topics/<t>`), and
 * the controller reacts to it.
 */
import { EventEmitter } from 'node:events';
import { SamsaError, TopicExistsError, UnknownTopicOrPartitionError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { ClusterMetadata } from './cluster-metadata.js';
import { assignReplicasToBrokers } from './controller/replica-assignment.js';
import { newClusterId } from './local-metadata-store.js';
import type { MetadataStore, ReplicaPlacement, TopicMetadata } from './metadata-store.js';
import type { BrokerEndpoint, PartitionState } from './partition-state.js';
import { isZkError, type ZkClient, ZkErrorCode, type ZNode } from './zookeeper/zk-client.js';
import {
  BROKER_IDS_PATH,
  type BrokerRegistration,
  brokerIdPath,
  CLUSTER_ID_PATH,
  CONFIG_CHANGE_PREFIX,
  CONTROLLER_PATH,
  decodeBrokerRegistration,
  decodeClusterId,
  decodeController,
  decodeLeaderAndIsr,
  decodeTopicAssignment,
  decodeTopicConfig,
  deleteTopicPath,
  encodeClusterId,
  encodeConfigChange,
  encodeTopicAssignment,
  encodeTopicConfig,
  PERSISTENT_PATHS,
  partitionStatePath,
  TOPICS_PATH,
  topicConfigPath,
  topicPath,
} from './zookeeper/zk-data.js';

interface CachedTopic {
  meta: TopicMetadata;
  assignment: readonly (readonly number[])[];
  assignmentVersion: number;
  readonly states: Map<number, PartitionState>;
  readonly unwatch: (() => void)[];
}

export interface ZkMetadataEvents {
  /** Partition states that changed (new, or a new leader, epoch, ISR or zk version). */
  states: [states: PartitionState[]];
  /** A topic whose assignment znode is gone (deleted by the controller). */
  topicRemoved: [name: string, partitions: number];
  /** A topic's config overrides changed. */
  configs: [meta: TopicMetadata];
  brokers: [];
  controller: [id: number];
}

export interface ZkMetadataStoreOptions {
  readonly logger: Logger;
  /** How long a CreateTopics waits for leaders, and a DeleteTopics for the deletion. */
  readonly operationTimeoutMs?: number;
  /** The listener brokers reach each other on (`inter.broker.listener.name`); PLAINTEXT by default. */
  readonly interBrokerListenerName?: string;
}

/**
 * A registered broker as replication and clients see it: its inter-broker address (or, when it
 * lacks that listener, its first one) and every listener's address by name.
 */
export function brokerEndpoint(b: BrokerRegistration, interBrokerListenerName: string): BrokerEndpoint {
  const listeners = new Map(b.endpoints.map((e) => [e.listenerName, { host: e.host, port: e.port }]));
  const interBroker = listeners.get(interBrokerListenerName) ?? b.endpoints[0] ?? { host: '', port: -1 };
  return { id: b.id, host: interBroker.host, port: interBroker.port, rack: b.rack, listeners };
}

export class ZkMetadataStore
  extends EventEmitter<ZkMetadataEvents>
  implements MetadataStore, ClusterMetadata
{
  private readonly topics = new Map<string, CachedTopic>();
  private readonly brokers = new Map<number, BrokerRegistration>();
  private readonly brokerUnwatch = new Map<number, () => void>();
  private controller = -1;
  private id = '';
  private readonly unwatch: (() => void)[] = [];
  private readonly timeoutMs: number;
  private readonly interBrokerListenerName: string;

  constructor(
    private readonly zk: ZkClient,
    readonly brokerId: number,
    private readonly options: ZkMetadataStoreOptions,
  ) {
    super();
    this.timeoutMs = options.operationTimeoutMs ?? 30_000;
    this.interBrokerListenerName = options.interBrokerListenerName ?? 'PLAINTEXT';
  }

  get clusterId(): string {
    return this.id;
  }

  /** Creates Kafka's persistent paths and the cluster id if missing, then reads and watches everything. */
  async load(): Promise<void> {
    for (const path of PERSISTENT_PATHS) await this.zk.ensurePath(path);
    this.id = await this.loadClusterId();
    await Promise.all([
      this.firstOf((done) =>
        this.zk.watchChildren(TOPICS_PATH, (names) => void this.onTopics(names ?? []).then(done, done)),
      ),
      this.firstOf((done) =>
        this.zk.watchChildren(BROKER_IDS_PATH, (ids) => void this.onBrokerIds(ids ?? []).then(done, done)),
      ),
      this.firstOf((done) =>
        this.zk.watchData(CONTROLLER_PATH, (node) => {
          const id = node ? decodeController(node.data) : -1;
          if (id !== this.controller) {
            this.controller = id;
            this.emit('controller', id);
          }
          done();
        }),
      ),
    ]);
  }

  close(): void {
    for (const u of this.unwatch) u();
    for (const t of this.topics.values()) for (const u of t.unwatch) u();
    for (const u of this.brokerUnwatch.values()) u();
  }

  /** Runs `arm` (which sets up a watch) and resolves once its first callback has run. */
  private firstOf(arm: (done: () => void) => () => void): Promise<void> {
    return new Promise((resolve) => {
      let first = true;
      this.unwatch.push(
        arm(() => {
          if (first) {
            first = false;
            resolve();
          }
        }),
      );
    });
  }

  private async loadClusterId(): Promise<string> {
    const existing = await this.zk.get(CLUSTER_ID_PATH);
    if (existing) return decodeClusterId(existing.data);
    const id = newClusterId();
    try {
      await this.zk.ensurePath('/cluster');
      await this.zk.create(CLUSTER_ID_PATH, encodeClusterId(id));
      return id;
    } catch (err) {
      if (!isZkError(err, ZkErrorCode.NODE_EXISTS)) throw err;
      return decodeClusterId((await this.zk.get(CLUSTER_ID_PATH))!.data);
    }
  }

  // ------------------------------------------------------------------------------- brokers

  private async onBrokerIds(ids: string[]): Promise<void> {
    const live = new Set(ids.map(Number));
    for (const [id, unwatch] of this.brokerUnwatch) {
      if (live.has(id)) continue;
      unwatch();
      this.brokerUnwatch.delete(id);
      this.brokers.delete(id);
    }
    const reads: Promise<void>[] = [];
    for (const id of live) {
      if (this.brokerUnwatch.has(id)) continue;
      reads.push(
        new Promise((resolve) => {
          this.brokerUnwatch.set(
            id,
            this.zk.watchData(brokerIdPath(id), (node) => {
              if (node) this.brokers.set(id, decodeBrokerRegistration(id, node.data, node.czxid));
              else this.brokers.delete(id);
              this.emit('brokers');
              resolve();
            }),
          );
        }),
      );
    }
    await Promise.all(reads);
    this.emit('brokers');
  }

  liveBrokers(): readonly BrokerEndpoint[] {
    return [...this.brokers.values()]
      .sort((a, b) => a.id - b.id)
      .map((b) => brokerEndpoint(b, this.interBrokerListenerName));
  }

  registration(id: number): BrokerRegistration | undefined {
    return this.brokers.get(id);
  }

  controllerId(): number {
    return this.controller;
  }

  // -------------------------------------------------------------------------------- topics

  private async onTopics(names: string[]): Promise<void> {
    const present = new Set(names);
    for (const [name, cached] of this.topics) {
      if (present.has(name)) continue;
      for (const u of cached.unwatch) u();
      this.topics.delete(name);
      this.emit('topicRemoved', name, cached.meta.partitions);
    }
    await Promise.all(names.filter((n) => !this.topics.has(n)).map((n) => this.watchTopic(n)));
  }

  private watchTopic(name: string): Promise<void> {
    return new Promise((resolve) => {
      let configs: Record<string, string> | undefined;
      let assignment: ZNode | undefined;
      const settle = () => {
        if (configs === undefined || assignment === undefined) return;
        resolve();
      };
      const unwatchAssignment = this.zk.watchData(topicPath(name), (node) => {
        if (!node) return; // deletion is seen through the children of /brokers/topics
        assignment = node;
        this.onAssignment(name, node, configs ?? {}, [unwatchAssignment, unwatchConfig]);
        settle();
      });
      const unwatchConfig = this.zk.watchData(topicConfigPath(name), (node) => {
        configs = node ? decodeTopicConfig(node.data) : {};
        const cached = this.topics.get(name);
        if (cached) {
          cached.meta = { ...cached.meta, configs };
          this.emit('configs', cached.meta);
        }
        settle();
      });
    });
  }

  private onAssignment(
    name: string,
    node: ZNode,
    configs: Record<string, string>,
    unwatch: (() => void)[],
  ): void {
    const { topicId, partitions } = decodeTopicAssignment(node.data);
    let cached = this.topics.get(name);
    if (!cached) {
      cached = {
        meta: { name, topicId, partitions: 0, replicationFactor: 0, configs },
        assignment: [],
        assignmentVersion: -1,
        states: new Map(),
        unwatch,
      };
      this.topics.set(name, cached);
    }
    if (node.version < cached.assignmentVersion) return;
    const before = cached.assignment.length;
    cached.assignment = partitions;
    cached.assignmentVersion = node.version;
    cached.meta = {
      ...cached.meta,
      topicId,
      partitions: partitions.length,
      replicationFactor: partitions[0]?.length ?? 0,
    };
    for (let p = before; p < partitions.length; p++) this.watchPartition(name, p, cached);
  }

  private watchPartition(name: string, partition: number, cached: CachedTopic): void {
    cached.unwatch.push(
      this.zk.watchData(partitionStatePath(name, partition), (node) => {
        if (!node || this.topics.get(name) !== cached) return;
        const s = decodeLeaderAndIsr(node.data);
        const state: PartitionState = {
          topic: name,
          partition,
          leader: s.leader,
          leaderEpoch: s.leaderEpoch,
          isr: s.isr,
          replicas: cached.assignment[partition] ?? [],
          partitionEpoch: node.version,
          controllerEpoch: s.controllerEpoch,
        };
        const previous = cached.states.get(partition);
        if (previous && previous.partitionEpoch >= state.partitionEpoch) return;
        cached.states.set(partition, state);
        this.emit('states', [state]);
      }),
    );
  }

  listTopics(): TopicMetadata[] {
    return [...this.topics.values()].map((t) => t.meta);
  }

  getTopic(name: string): TopicMetadata | undefined {
    return this.topics.get(name)?.meta;
  }

  /** Replicas of each partition of a topic (preferred leader first). */
  replicaAssignment(topic: string): readonly (readonly number[])[] | undefined {
    return this.topics.get(topic)?.assignment;
  }

  partitionState(topic: string, partition: number): PartitionState | undefined {
    return this.topics.get(topic)?.states.get(partition);
  }

  /** Every known partition state (for applying them all at start or after re-registration). */
  allPartitionStates(): PartitionState[] {
    return [...this.topics.values()].flatMap((t) => [...t.states.values()]);
  }

  /**
   * New topic: assigns replicas over the live brokers, writes `/config/topics/<t>` then
   * `/brokers/topics/<t>`, and waits (bounded) for the controller to elect leaders.
   * Existing topic: more partitions (assigned like Kafka's `addPartitions`) and/or new configs.
   */
  async putTopic(topic: TopicMetadata, placement?: ReplicaPlacement): Promise<void> {
    const cached = this.topics.get(topic.name);
    if (!cached) return this.createTopic(topic, placement);
    if (topic.partitions > cached.meta.partitions) {
      await this.addPartitions(cached, topic.partitions, placement);
    }
    if (JSON.stringify(topic.configs) !== JSON.stringify(cached.meta.configs)) {
      await this.writeConfigs(topic.name, topic.configs);
      cached.meta = { ...cached.meta, configs: { ...topic.configs } };
    }
  }

  private async createTopic(topic: TopicMetadata, placement?: ReplicaPlacement): Promise<void> {
    const assignment =
      placement?.map((replicas) => [...replicas]) ??
      assignReplicasToBrokers(this.liveBrokers(), topic.partitions, topic.replicationFactor);
    await this.writeConfigs(topic.name, topic.configs, false);
    try {
      await this.zk.create(
        topicPath(topic.name),
        encodeTopicAssignment({ topicId: topic.topicId, partitions: assignment }),
      );
    } catch (err) {
      if (isZkError(err, ZkErrorCode.NODE_EXISTS)) {
        throw new TopicExistsError(`topic '${topic.name}' already exists`);
      }
      throw err;
    }
    this.options.logger.info({ topic: topic.name, assignment }, 'wrote topic assignment to ZooKeeper');
    await this.waitForLeaders(topic.name, topic.partitions);
  }

  private async addPartitions(
    cached: CachedTopic,
    total: number,
    placement?: ReplicaPlacement,
  ): Promise<void> {
    const existing = cached.assignment;
    const first = existing[0] ?? [];
    const brokers = this.liveBrokers();
    const startIndex = Math.max(
      0,
      brokers.findIndex((b) => b.id >= (first[0] ?? 0)),
    );
    const added =
      placement?.map((replicas) => [...replicas]) ??
      assignReplicasToBrokers(brokers, total - existing.length, first.length || 1, {
        fixedStartIndex: startIndex,
        startPartitionId: existing.length,
      });
    try {
      await this.zk.set(
        topicPath(cached.meta.name),
        encodeTopicAssignment({ topicId: cached.meta.topicId, partitions: [...existing, ...added] }),
        cached.assignmentVersion,
      );
    } catch (err) {
      if (isZkError(err, ZkErrorCode.BAD_VERSION)) {
        throw new SamsaError('REASSIGNMENT_IN_PROGRESS', 'the topic assignment changed meanwhile; retry');
      }
      throw err;
    }
    await this.waitForLeaders(cached.meta.name, total);
  }

  private async writeConfigs(name: string, configs: Record<string, string>, notify = true): Promise<void> {
    const path = topicConfigPath(name);
    const data = encodeTopicConfig(configs);
    try {
      await this.zk.set(path, data, -1);
    } catch (err) {
      if (!isZkError(err, ZkErrorCode.NO_NODE)) throw err;
      await this.zk.create(path, data);
    }
    if (notify)
      await this.zk.create(CONFIG_CHANGE_PREFIX, encodeConfigChange(`topics/${name}`), { sequential: true });
  }

  /** Marks the topic for deletion and waits (bounded) for the controller to remove it. */
  async deleteTopic(name: string): Promise<void> {
    if (!this.topics.has(name)) throw new UnknownTopicOrPartitionError(`topic '${name}' does not exist`);
    try {
      await this.zk.create(deleteTopicPath(name), Buffer.alloc(0));
    } catch (err) {
      if (!isZkError(err, ZkErrorCode.NODE_EXISTS)) throw err;
    }
    await this.waitUntil(() => !this.topics.has(name));
  }

  private waitForLeaders(name: string, partitions: number): Promise<boolean> {
    return this.waitUntil(() => {
      const t = this.topics.get(name);
      if (!t) return false;
      for (let p = 0; p < partitions; p++) if ((t.states.get(p)?.leader ?? -1) < 0) return false;
      return true;
    });
  }

  /** Resolves true once `done()` holds (checked on every metadata change), false after the timeout. */
  waitUntil(done: () => boolean, timeoutMs = this.timeoutMs): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (!done()) return;
        finish(true);
      };
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        this.off('states', check);
        this.off('topicRemoved', check);
        resolve(ok);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.on('states', check);
      this.on('topicRemoved', check);
    });
  }
}
