/**
 * A broker in a ZooKeeper cluster: the session, the metadata store over it, the broker's
 * registration, the controller it may become, and the loop that applies the controller's decisions
 * locally (which partitions to lead or follow, which logs to delete, which coordinator partitions to
 * load). The Broker calls in at three points: `connect` before building its services,
 * `start` once its listener is bound, `shutdown` before it closes the listener.
 *
 * Roles are learnt by watching ZooKeeper rather than from LeaderAndIsr requests: every broker
 * watches the partition state znodes, so a new controller has nothing to resend. A broker whose
 * session is lost (disconnected longer than the session timeout, or expired) stops acting as
 * leader and controller until it has registered again in a new session.
 */
import type { BrokerConfig } from '../broker/config.js';
import type { TopicRegistry } from '../broker/topic-registry.js';
import type { ClientSecurity } from '../client/security.js';
import type { ResolvedListeners } from '../net/listener-config.js';
import { errorNameOf } from '../protocol/errors.js';
import { ControlledShutdown } from '../protocol/messages/controlled-shutdown.js';
import { interBrokerClientSecurity } from '../security/inter-broker-security.js';
import type { LogManager } from '../storage/log-manager.js';
import type { LocalTxnMarkerWriter } from '../txn/transaction-marker-writer.js';
import type { SamsaError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { BrokerConnections } from './broker-connections.js';
import { ClusterTxnMarkerWriter } from './cluster-txn-marker-writer.js';
import {
  Controller,
  type ElectionResult,
  type ElectionType,
  type TopicPartitionRef,
} from './controller/controller.js';
import { LeaderGatedReplicaManager, type Leadership, notLeaderError } from './leader-gate.js';
import type { IsrWriter, PartitionState, ReplicaStateApplier } from './partition-state.js';
import type { ReplicaManagerOptions } from './replica-manager.js';
import { ZkAclStore } from './zk-acl-store.js';
import { ZkCredentialStore } from './zk-credential-store.js';
import { ZkEntityConfigs } from './zk-entity-configs.js';
import { ZkMetadataStore } from './zk-metadata-store.js';
import { ZkIsrWriter } from './zk-partition-state.js';
import { ZkProducerIdManager } from './zk-producer-id-manager.js';
import { ZkQuotaStore } from './zk-quota-store.js';
import { isZkError, ZkClient, ZkErrorCode } from './zookeeper/zk-client.js';
import {
  brokerIdPath,
  CONTROLLER_PATH,
  encodeBrokerRegistration,
  type RegisteredEndpoint,
  uuidToString,
} from './zookeeper/zk-data.js';

export interface ClusterSettings {
  readonly zookeeperConnect: string;
  readonly brokerId: number;
  readonly rack: string | null;
  readonly sessionTimeoutMs: number;
  readonly connectionTimeoutMs: number;
  readonly uncleanLeaderElectionEnable: boolean;
  readonly controlledShutdownEnable: boolean;
  readonly controlledShutdownMaxRetries: number;
  readonly controlledShutdownRetryBackoffMs: number;
  readonly autoLeaderRebalanceEnable: boolean;
  readonly leaderImbalanceCheckIntervalMs: number;
  readonly leaderImbalancePerBrokerPercentage: number;
  /** The listener other brokers reach this one on, and how this one secures its own calls to them. */
  readonly interBrokerListenerName: string;
  readonly interBrokerSecurity: ClientSecurity;
}

/** Cluster settings from the broker config, or undefined for single-node mode. */
export function clusterSettings(
  config: BrokerConfig,
  listeners: ResolvedListeners,
): ClusterSettings | undefined {
  const get = (name: string) => config.values.get(name) ?? '';
  const connect = get('zookeeper.connect').trim();
  if (connect === '') return undefined;
  const sessionTimeoutMs = Number(get('zookeeper.session.timeout.ms'));
  const connectionTimeoutMs = Number(get('zookeeper.connection.timeout.ms')) || sessionTimeoutMs;
  return {
    zookeeperConnect: connect,
    brokerId: config.brokerId,
    rack: get('broker.rack') || null,
    sessionTimeoutMs,
    connectionTimeoutMs,
    uncleanLeaderElectionEnable: config.logDefaults.uncleanLeaderElectionEnable,
    controlledShutdownEnable: get('controlled.shutdown.enable') === 'true',
    controlledShutdownMaxRetries: Number(get('controlled.shutdown.max.retries')),
    controlledShutdownRetryBackoffMs: Number(get('controlled.shutdown.retry.backoff.ms')),
    autoLeaderRebalanceEnable: get('auto.leader.rebalance.enable') === 'true',
    leaderImbalanceCheckIntervalMs: Number(get('leader.imbalance.check.interval.seconds')) * 1000,
    leaderImbalancePerBrokerPercentage: Number(get('leader.imbalance.per.broker.percentage')),
    interBrokerListenerName: listeners.interBrokerListenerName,
    interBrokerSecurity: interBrokerClientSecurity(
      config.values,
      listeners.listeners.find((l) => l.name === listeners.interBrokerListenerName)!,
    ),
  };
}

/** Whom the cluster tells when this broker gains or loses a coordinator partition. */
export interface CoordinatorHooks {
  /** `__consumer_offsets` / `__transaction_state` partition led here now (load it). */
  onElection(topic: string, partition: number): void;
  /** Led elsewhere now (unload it). */
  onResignation(topic: string, partition: number): void;
}

/** The controller's answer to a ControlledShutdown request. */
export interface ControlledShutdownService {
  controlledShutdown(
    brokerId: number,
    brokerEpoch: bigint,
  ): Promise<{ error: string; remaining: readonly TopicPartitionRef[] }>;
}

/** The controller's side of ElectLeaders. */
export interface ElectLeadersService {
  electLeaders(
    partitions: readonly TopicPartitionRef[],
    type: ElectionType,
    timeoutMs: number,
  ): Promise<readonly ElectionResult[]>;
}

/** What a handler asks of this broker's controller. */
export type ControllerService = ControlledShutdownService & ElectLeadersService;

export class ClusterMode implements Leadership, ControllerService {
  readonly store: ZkMetadataStore;
  readonly controller: Controller;
  readonly isrWriter: IsrWriter;
  /** Requests to the other brokers (ControlledShutdown, WriteTxnMarkers). */
  readonly peers: BrokerConnections;
  private applier: ReplicaStateApplier | undefined;
  private topics: TopicRegistry | undefined;
  private logs: LogManager | undefined;
  private coordinators: CoordinatorHooks | undefined;
  private endpoints: readonly RegisteredEndpoint[] = [];
  private registered = false;
  private fenced = false;
  private fenceTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  /** Partitions this broker led, as last applied (to tell coordinators about changes). */
  private readonly led = new Set<string>();
  private applying: Promise<void> = Promise.resolve();
  private pending: PartitionState[] = [];
  /** `/config/users|clients|ips` and their change notifications (credentials and quotas). */
  private readonly entityConfigs: ZkEntityConfigs;
  private aclStoreInstance: ZkAclStore | undefined;

  private constructor(
    private readonly zk: ZkClient,
    readonly settings: ClusterSettings,
    private readonly logger: Logger,
  ) {
    this.store = new ZkMetadataStore(zk, settings.brokerId, {
      logger,
      interBrokerListenerName: settings.interBrokerListenerName,
    });
    this.controller = new Controller(zk, {
      brokerId: settings.brokerId,
      uncleanLeaderElectionEnable: settings.uncleanLeaderElectionEnable,
      autoLeaderRebalance: settings.autoLeaderRebalanceEnable
        ? {
            checkIntervalMs: settings.leaderImbalanceCheckIntervalMs,
            imbalancePerBrokerPercentage: settings.leaderImbalancePerBrokerPercentage,
          }
        : undefined,
      logger,
    });
    this.isrWriter = new ZkIsrWriter(zk);
    this.entityConfigs = new ZkEntityConfigs(zk, logger);
    this.peers = new BrokerConnections(
      `broker-${settings.brokerId}`,
      (id) => this.store.liveBrokers().find((b) => b.id === id),
      settings.sessionTimeoutMs,
      settings.interBrokerSecurity,
    );
  }

  /** Opens the ZooKeeper session (creating the chroot) and loads the metadata; throws a one-line reason. */
  static async connect(settings: ClusterSettings, logger: Logger): Promise<ClusterMode> {
    const zk = new ZkClient({
      connect: settings.zookeeperConnect,
      sessionTimeoutMs: settings.sessionTimeoutMs,
      connectionTimeoutMs: settings.connectionTimeoutMs,
      logger,
    });
    await zk.start();
    const cluster = new ClusterMode(zk, settings, logger);
    try {
      await cluster.store.load();
    } catch (err) {
      zk.close();
      throw err;
    }
    logger.info(
      { zookeeper: settings.zookeeperConnect, clusterId: cluster.store.clusterId },
      'connected to ZooKeeper',
    );
    return cluster;
  }

  /**
   * The replica manager of cluster mode: the replication engine, which the controller's partition
   * states drive, behind a gate that refuses partitions ZooKeeper does not give this broker.
   */
  replicaManager(logs: LogManager, options: ReplicaManagerOptions): LeaderGatedReplicaManager {
    this.topics = options.topics;
    this.logs = logs;
    const replicas = new LeaderGatedReplicaManager(this, {
      ...options,
      interBrokerSecurity: this.settings.interBrokerSecurity,
    });
    this.applier = replicas;
    return replicas;
  }

  /** Producer ids from `/latest_producer_id_block`, unique across the cluster. */
  async producerIds(): Promise<ZkProducerIdManager> {
    const manager = new ZkProducerIdManager(this.zk, this.settings.brokerId, this.logger);
    await manager.startup();
    return manager;
  }

  // ------------------------------------------------ security state shared through ZooKeeper

  /** SCRAM credentials in `/config/users/<user>` (load() reads them and follows changes). */
  credentialStore(): ZkCredentialStore {
    return new ZkCredentialStore(this.entityConfigs);
  }

  /** Client quotas in `/config/users|clients|ips` (load() reads them and follows changes). */
  quotaStore(): ZkQuotaStore {
    return new ZkQuotaStore(this.entityConfigs);
  }

  /** ACLs in `/kafka-acl` and `/kafka-acl-extended` (load() reads them and follows changes). */
  aclStore(): ZkAclStore {
    this.aclStoreInstance ??= new ZkAclStore(this.zk, this.logger);
    return this.aclStoreInstance;
  }

  /** Replaces the local applier (the replication engine's ReplicaManager implements the contract). */
  useApplier(applier: ReplicaStateApplier): void {
    this.applier = applier;
  }

  /** Leadership as ZooKeeper has it, and only while this broker's session is good. */
  leaderError(topic: string, partition: number): SamsaError | undefined {
    const state = this.store.partitionState(topic, partition);
    if (!this.fenced && this.registered && state?.leader === this.settings.brokerId) return undefined;
    return notLeaderError(topic, partition, state !== undefined || this.store.getTopic(topic) !== undefined);
  }

  /** Registers this broker, starts competing for controller and applies the current states. */
  async start(endpoints: readonly RegisteredEndpoint[], coordinators: CoordinatorHooks): Promise<void> {
    this.endpoints = endpoints;
    this.coordinators = coordinators;
    this.deleteStrayLogs();
    await this.register();
    this.store.on('states', (states) => this.enqueueStates(states));
    this.store.on('configs', (meta) => {
      const config = this.topics!.configOf(meta);
      for (let p = 0; p < meta.partitions; p++) this.logs!.get(meta.name, p)?.updateConfig(config);
    });
    this.store.on('topicRemoved', (name, partitions) => void this.onTopicRemoved(name, partitions));
    this.zk.on('disconnected', () => this.onDisconnected());
    this.zk.on('connected', () => this.onReconnected());
    this.zk.on('expired', () => this.fence('ZooKeeper session expired'));
    this.zk.on('session', (initial) => {
      if (!initial) void this.onNewSession();
    });
    this.controller.start();
    this.enqueueStates(this.store.allPartitionStates());
    await this.applying;
  }

  /**
   * Creates the ephemeral `/brokers/ids/<id>`. A registration left by a previous run of this broker
   * (its session not yet expired) is waited out for up to a session timeout; a registration that
   * stays is another live broker with the same id, and this one refuses to start.
   */
  private async register(): Promise<void> {
    const { brokerId, rack, sessionTimeoutMs } = this.settings;
    const path = brokerIdPath(brokerId);
    const data = encodeBrokerRegistration(
      { id: brokerId, endpoints: this.endpoints, rack, epoch: 0n },
      Date.now(),
    );
    const deadline = Date.now() + sessionTimeoutMs + 2000;
    for (;;) {
      try {
        await this.zk.create(path, data, { ephemeral: true });
        break;
      } catch (err) {
        if (!isZkError(err, ZkErrorCode.NODE_EXISTS)) throw err;
        if (Date.now() > deadline) {
          throw new Error(
            `broker id ${brokerId} is already registered in ZooKeeper at ${path} by another live broker`,
          );
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    this.registered = true;
    this.fenced = false;
    // Registered in a live session: a fence pending from the previous one no longer applies.
    clearTimeout(this.fenceTimer);
    const listeners = this.endpoints.map((e) => `${e.listenerName}://${e.host}:${e.port}`);
    this.logger.info({ brokerId, rack, listeners }, 'registered broker in ZooKeeper');
  }

  /**
   * Logs this broker must not keep: of topics deleted (or deleted and created again) while it was
   * down, and of partitions no longer assigned to it.
   */
  private deleteStrayLogs(): void {
    const self = this.settings.brokerId;
    for (const log of [...this.logs!.all()]) {
      const meta = this.store.getTopic(log.topic);
      const sameTopic = meta && (!log.topicId || log.topicId === uuidToString(meta.topicId));
      const assigned = this.store.replicaAssignment(log.topic)?.[log.partition]?.includes(self) ?? false;
      if (sameTopic && assigned) continue;
      this.logger.info(
        { topic: log.topic, partition: log.partition },
        'deleting log of a replica this broker no longer hosts',
      );
      this.logs!.delete(log.topic, log.partition);
    }
  }

  // ------------------------------------------------------------------------ session loss

  private onDisconnected(): void {
    clearTimeout(this.fenceTimer);
    // Past the session timeout the session is gone as far as the others know: stop leading.
    this.fenceTimer = setTimeout(
      () => this.fence('disconnected from ZooKeeper longer than the session timeout'),
      this.settings.sessionTimeoutMs,
    );
    this.fenceTimer.unref();
  }

  private onReconnected(): void {
    clearTimeout(this.fenceTimer);
    if (this.fenced && !this.stopping) void this.recoverSession();
  }

  /**
   * Back after being fenced, in the same session (ZooKeeper did not expire it): still registered,
   * so this broker serves again. If it still holds `/controller` (it resigned when fenced), it lets
   * go so that a controller is elected afresh. An expired session takes the other path
   * (`onNewSession`).
   */
  private async recoverSession(): Promise<void> {
    try {
      const session = this.zk.sessionId();
      const own = await this.zk.get(brokerIdPath(this.settings.brokerId));
      if (!own || own.ephemeralOwner !== session) return;
      const controller = await this.zk.get(CONTROLLER_PATH);
      if (controller && controller.ephemeralOwner === session)
        await this.zk.delete(CONTROLLER_PATH, controller.version);
      this.fenced = false;
      this.registered = true;
      this.logger.info('ZooKeeper session still valid; serving again');
      this.enqueueStates(this.store.allPartitionStates());
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'could not recover the ZooKeeper session');
    }
  }

  private fence(reason: string): void {
    clearTimeout(this.fenceTimer);
    if (this.fenced) return;
    this.fenced = true;
    this.registered = false;
    this.controller.fence();
    // Coordinators stop too; re-applying the states after re-registration loads them again.
    for (const key of this.led) {
      const [topic, partition] = key.split('\u0000');
      this.coordinators?.onResignation(topic!, Number(partition));
    }
    this.led.clear();
    this.logger.warn({ reason }, 'fenced: not acting as leader or controller until registered again');
  }

  private async onNewSession(): Promise<void> {
    if (this.stopping) return;
    try {
      await this.register();
      this.enqueueStates(this.store.allPartitionStates());
    } catch (err) {
      this.logger.error({ err: (err as Error).message }, 'could not register again after session loss');
    }
  }

  // -------------------------------------------------------------------- applying states

  private enqueueStates(states: readonly PartitionState[]): void {
    const mine = states.filter((s) => s.replicas.includes(this.settings.brokerId));
    if (mine.length === 0) return;
    const first = this.pending.length === 0;
    this.pending.push(...mine);
    if (!first) return;
    // Batch what arrives in one tick, and apply batches one after another.
    this.applying = this.applying.then(async () => {
      await new Promise((r) => setImmediate(r));
      const batch = this.pending;
      this.pending = [];
      try {
        await this.applier!.applyPartitionStates(batch, this.store.liveBrokers());
      } catch (err) {
        this.logger.error({ err }, 'applying partition states failed');
      }
      this.notifyCoordinators(batch);
    });
  }

  private notifyCoordinators(states: readonly PartitionState[]): void {
    for (const s of states) {
      if (!s.topic.startsWith('__')) continue;
      const key = `${s.topic}\u0000${s.partition}`;
      const leads = s.leader === this.settings.brokerId;
      if (leads && !this.led.has(key)) {
        this.led.add(key);
        this.coordinators?.onElection(s.topic, s.partition);
      } else if (!leads && this.led.delete(key)) {
        this.coordinators?.onResignation(s.topic, s.partition);
      }
    }
  }

  private async onTopicRemoved(name: string, partitions: number): Promise<void> {
    const stops = Array.from({ length: partitions }, (_, partition) => ({
      topic: name,
      partition,
      delete: true,
    }));
    await this.applying;
    try {
      await this.applier!.stopReplicas(stops);
    } catch (err) {
      this.logger.error({ err, topic: name }, 'deleting replicas failed');
    }
  }

  // ----------------------------------------------------------------------------- shutdown

  /**
   * Controlled shutdown (Kafka's `controlledShutdown`): asks the controller to move leadership off
   * this broker, retrying while partitions remain, then leaves the cluster by closing the session.
   */
  async shutdown(): Promise<void> {
    this.stopping = true;
    if (this.settings.controlledShutdownEnable && this.registered && !this.fenced) {
      for (let attempt = 1; attempt <= this.settings.controlledShutdownMaxRetries; attempt++) {
        try {
          const remaining = await this.requestControlledShutdown();
          // Worth retrying only where another live in-sync replica could take over.
          const live = new Set(this.store.liveBrokers().map((b) => b.id));
          const movable = remaining.filter((tp) =>
            (this.store.partitionState(tp.topic, tp.partition)?.isr ?? []).some(
              (id) => id !== this.settings.brokerId && live.has(id),
            ),
          );
          if (movable.length === 0) break;
          this.logger.warn(
            { attempt, remaining: movable.length },
            'controlled shutdown incomplete; retrying',
          );
        } catch (err) {
          this.logger.warn({ attempt, err: (err as Error).message }, 'controlled shutdown failed');
        }
        await new Promise((r) => setTimeout(r, this.settings.controlledShutdownRetryBackoffMs));
      }
    }
    await this.controller.stop();
  }

  /** Served on the controller: fences a stale broker epoch (KIP-380), then moves leadership. */
  async controlledShutdown(
    brokerId: number,
    brokerEpoch: bigint,
  ): Promise<{ error: string; remaining: readonly TopicPartitionRef[] }> {
    if (!this.controller.isActive || this.fenced) return { error: 'NOT_CONTROLLER', remaining: [] };
    const registered = this.store.registration(brokerId);
    if (brokerEpoch >= 0n && registered && registered.epoch !== brokerEpoch) {
      return { error: 'STALE_BROKER_EPOCH', remaining: [] };
    }
    try {
      return { error: 'NONE', remaining: await this.controller.controlledShutdown(brokerId) };
    } catch {
      return { error: 'NOT_CONTROLLER', remaining: [] };
    }
  }

  /**
   * Served on the controller: elects leaders, then waits (up to `timeoutMs`, as Kafka's
   * DelayedElectLeader does) until this broker's metadata shows each elected leader, so that a
   * Metadata request right after the answer sees the move.
   */
  async electLeaders(
    partitions: readonly TopicPartitionRef[],
    type: ElectionType,
    timeoutMs: number,
  ): Promise<readonly ElectionResult[]> {
    const notController = () => partitions.map((tp) => ({ ...tp, error: 'NOT_CONTROLLER' as const }));
    if (!this.controller.isActive || this.fenced) return notController();
    let results: ElectionResult[];
    try {
      results = await this.controller.electLeaders(partitions, type);
    } catch {
      return notController();
    }
    const elected = results.filter((r) => r.error === 'NONE');
    await this.store.waitUntil(
      () => elected.every((r) => this.store.partitionState(r.topic, r.partition)?.leader === r.leader),
      timeoutMs,
    );
    return results;
  }

  /** This broker's epoch: the zxid that created its registration. */
  get brokerEpoch(): bigint {
    return this.store.registration(this.settings.brokerId)?.epoch ?? -1n;
  }

  /** Asks the controller (this broker, or another over ControlledShutdown) to move leadership off. */
  private async requestControlledShutdown(): Promise<readonly TopicPartitionRef[]> {
    const controllerId = this.store.controllerId();
    if (controllerId === this.settings.brokerId && this.controller.isActive) {
      return this.controller.controlledShutdown(this.settings.brokerId);
    }
    if (controllerId < 0) throw new Error('no controller');
    const response = await this.peers.send<{
      errorCode: number;
      remainingPartitions: { topicName: string; partitionIndex: number }[];
    }>(controllerId, ControlledShutdown, { brokerId: this.settings.brokerId, brokerEpoch: this.brokerEpoch });
    if (response.errorCode !== 0)
      throw new Error(`controlled shutdown refused: ${errorNameOf(response.errorCode)}`);
    return response.remainingPartitions.map((p) => ({ topic: p.topicName, partition: p.partitionIndex }));
  }

  /** Transaction markers to each partition's leader, wherever it is. */
  markerWriter(local: LocalTxnMarkerWriter): ClusterTxnMarkerWriter {
    return new ClusterTxnMarkerWriter(local, this.store, this.peers, this.logger);
  }

  /** Closes the session: the registration (and `/controller`, if held) disappear at once. */
  close(): void {
    clearTimeout(this.fenceTimer);
    this.peers.close();
    this.store.close();
    this.entityConfigs.close();
    this.aclStoreInstance?.close();
    this.zk.close();
  }
}
