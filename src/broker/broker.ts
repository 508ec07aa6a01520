import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { LocalClusterMetadata } from '../cluster/cluster-metadata.js';
import { ClusterMode, clusterSettings } from '../cluster/cluster-mode.js';
import { coordinatorPartitionLog } from '../cluster/coordinator-partition-log.js';
import { singleNodeBrokers } from '../cluster/known-brokers.js';
import { LocalMetadataStore } from '../cluster/local-metadata-store.js';
import type { IsrWriter, ReplicaStateApplier } from '../cluster/partition-state.js';
import { ReplicaManager } from '../cluster/replica-manager.js';
import { GroupCoordinator } from '../group/group-coordinator.js';
import { PartitionLogOffsetsLog } from '../group/offsets-log.js';
import { type AdminHttp, startAdminHttp } from '../http/admin.js';
import { BrokerMetrics } from '../metrics/broker-metrics.js';
import { serviceMetricsSources } from '../metrics/service-sources.js';
import { BrokerEndpoints } from '../net/endpoints.js';
import { Listener } from '../net/listener.js';
import { type ResolvedListeners, resolveListeners } from '../net/listener-config.js';
import { AuthenticationGate } from '../security/authentication-gate.js';
import { AclAuthorizer, type AclStore, FileAclStore } from '../security/authorizer/acl-authorizer.js';
import { type CredentialStore, FileCredentialStore } from '../security/credential-store.js';
import { createListenerSecurity } from '../security/listener-security.js';
import { ClientQuotas } from '../security/quotas/client-quotas.js';
import { LocalQuotaStore, type QuotaStore } from '../security/quotas/quota-store.js';
import type { OAuthBearerValidator } from '../security/sasl/oauthbearer.js';
import { DataDirLock } from '../storage/data-dir-lock.js';
import { logFiles } from '../storage/file-handle-cache.js';
import { LogManager } from '../storage/log-manager.js';
import { ProducerIdManager } from '../txn/producer-id-manager.js';
import { TransactionCoordinator } from '../txn/transaction-coordinator.js';
import { LocalTxnMarkerWriter } from '../txn/transaction-marker-writer.js';
import {
  PartitionLogTransactionStateLog,
  TRANSACTION_STATE_TOPIC_NAME,
} from '../txn/transaction-state-log.js';
import { type Clock, systemClock } from '../util/clock.js';
import { InvalidConfigError } from '../util/errors.js';
import { createLogger, type LogFormat, type Logger, moduleLogger, silentLogger } from '../util/logger.js';
import { SAMSA_VERSION } from '../version.js';
import { type BrokerConfig, configFromEnv, loadPropertiesFile, resolveBrokerConfig } from './config.js';
import {
  type ConfigNameProblem,
  checkBrokerConfigNames,
  describeConfigNameProblem,
  isStrictConfigError,
} from './config-names.js';
import { createApiVersionsHandler } from './handlers/api-versions.js';
import { groupHandlers } from './handlers/group-handlers.js';
import { BROKER_HANDLERS } from './handlers/index.js';
import { HandlerRegistry } from './handlers/registry.js';
import { txnHandlers } from './handlers/txn-handlers.js';
import { ensureMetaProperties } from './meta-properties.js';
import { RequestPipeline } from './request-pipeline.js';
import { AUTHORIZER_CLASS_NAMES } from './security-config.js';
import type { BrokerServices } from './services.js';
import { TopicRegistry } from './topic-registry.js';

const OFFSETS_TOPIC = '__consumer_offsets';

export interface BrokerOptions {
  /** Address to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Port to bind; 0 picks a free one (default 9092). */
  readonly port?: number;
  /** Host name clients are told to connect to (default: the bind host). */
  readonly advertisedHost?: string;
  /** Data directory (default ./data). */
  readonly dataDir?: string;
  /** A server.properties file. */
  readonly configFile?: string;
  /** Kafka config names and values; these win over the file and the environment. */
  readonly config?: Record<string, string>;
  /** Read SAMSA_* environment variables (default true for the CLI, false when embedded). */
  readonly readEnv?: boolean;
  /** pino level, or 'silent', optionally with per-module levels: `info,storage=debug`. */
  readonly logLevel?: string;
  /** Default: pretty on a terminal, JSON lines otherwise. */
  readonly logFormat?: LogFormat;
  readonly logger?: Logger;
  readonly clock?: Clock;
  /**
   * Refuse to start when the file or `config` holds a name that is not a broker config, or is a
   * topic-level one (`--strict-config`). Either way each such name is logged with a warning.
   */
  readonly strictConfig?: boolean;
  /**
   * Cluster mode fed by the caller: partition states are applied through `broker.replicaStates`
   * (a controller, or a test with a static layout) and ISR changes go to `isrWriter`. Without it
   * the broker is a single node leading every partition.
   */
  readonly replication?: { readonly isrWriter: IsrWriter };
  /** Validates OAUTHBEARER tokens instead of Kafka's unsecured (development) validator. */
  readonly oauthValidator?: OAuthBearerValidator;
}

/**
 * A Samsa broker: builds the services, binds the listener, and shuts everything down in order.
 *
 * ```ts
 * const broker = new Broker({ port: 0, dataDir: tmp });
 * await broker.start();
 * // clients connect to broker.bootstrap
 * await broker.stop();
 * ```
 */
/** How long a transaction marker may wait for the ISR: Kafka's default `request.timeout.ms`. */
const MARKER_REPLICATION_TIMEOUT_MS = 30_000;

export class Broker {
  readonly config: BrokerConfig;
  readonly logger: Logger;
  private readonly clock: Clock;
  private readonly isrWriter: IsrWriter | undefined;
  private listeners: Listener[] = [];
  private readonly boundPorts = new Map<string, number>();
  private readonly listenerConfig: ResolvedListeners;
  private readonly oauthValidator: OAuthBearerValidator | undefined;
  private services: BrokerServices | undefined;
  private admin: AdminHttp | undefined;
  /** Set in cluster mode (`zookeeper.connect`). */
  private cluster: ClusterMode | undefined;
  private state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';
  /** Config names that would be ignored; those from the file or `config` fail a strict start. */
  private readonly configProblems: { problem: ConfigNameProblem; fromEnv: boolean }[];
  private readonly strictConfig: boolean;
  private dataDirLock: DataDirLock | undefined;

  constructor(options: BrokerOptions = {}) {
    const flags: Record<string, string> = { ...options.config };
    if (options.host !== undefined) flags.host = options.host;
    if (options.port !== undefined) flags.port = String(options.port);
    if (options.advertisedHost !== undefined) flags['advertised.host.name'] = options.advertisedHost;
    if (options.dataDir !== undefined) flags['log.dirs'] = options.dataDir;
    const file = options.configFile ? loadPropertiesFile(options.configFile) : {};
    const env = options.readEnv ? configFromEnv(process.env) : {};
    this.config = resolveBrokerConfig(file, env, flags);
    this.listenerConfig = resolveListeners(this.config.values, this.config);
    this.oauthValidator = options.oauthValidator;
    this.logger =
      options.logger ??
      (options.logLevel === 'silent'
        ? silentLogger()
        : createLogger({ level: options.logLevel, format: options.logFormat }));
    this.clock = options.clock ?? systemClock;
    this.strictConfig = options.strictConfig === true;
    const given = new Set([...Object.keys(file), ...Object.keys(options.config ?? {})]);
    this.configProblems = [
      ...checkBrokerConfigNames(given).map((problem) => ({ problem, fromEnv: false })),
      ...checkBrokerConfigNames(Object.keys(env).filter((name) => !given.has(name))).map((problem) => ({
        problem,
        fromEnv: true,
      })),
    ];
    this.isrWriter = options.replication?.isrWriter;
  }

  /** Where LeaderAndIsr / StopReplica land (cluster mode); available once started. */
  get replicaStates(): ReplicaStateApplier {
    if (!this.services) throw new Error('the broker is not started');
    return this.services.replicas;
  }

  /** Warns about each config name that is ignored; under strictConfig, refuses the wrong ones. */
  private checkConfigNames(): void {
    for (const { problem, fromEnv } of this.configProblems) {
      this.logger.warn(
        {
          config: problem.name,
          ...(problem.kind === 'topic-level' ? { brokerName: problem.brokerName } : {}),
        },
        `${describeConfigNameProblem(problem)}${fromEnv ? ' (from a SAMSA_* environment variable)' : ''}`,
      );
    }
    if (!this.strictConfig) return;
    const refused = this.configProblems.filter((p) => !p.fromEnv && isStrictConfigError(p.problem));
    if (refused.length > 0) {
      throw new InvalidConfigError(
        `--strict-config: ${refused.map((p) => describeConfigNameProblem(p.problem)).join('; ')}`,
      );
    }
  }

  /** Advertised host of the first listener. */
  get host(): string {
    return this.firstEndpoint().host;
  }

  /** Advertised port of the first listener (the bound one when it was 0). */
  get port(): number {
    return this.firstEndpoint().port;
  }

  /** The admin HTTP port (metrics, health, REST, console) once started, or null when disabled. */
  get adminPort(): number | null {
    return this.admin?.port ?? null;
  }

  /** The admin HTTP base URL, or null when the admin port is disabled. */
  get adminUrl(): string | null {
    const listener = this.config.adminListener;
    return this.admin && listener
      ? `${listener.tls ? 'https' : 'http'}://${listener.host}:${this.admin.port}`
      : null;
  }

  /** `host:port` of the first listener, for a client's bootstrap servers. */
  get bootstrap(): string {
    return `${this.host}:${this.port}`;
  }

  /** The bound port of every listener, by listener name (with port 0, known once started). */
  get listenerPorts(): ReadonlyMap<string, number> {
    return this.boundPorts;
  }

  /** `host:port` to bootstrap from through the listener `name`. */
  bootstrapFor(name: string): string {
    const endpoint = this.endpoints().advertised(name.toUpperCase());
    if (!endpoint) throw new Error(`no listener named ${name}`);
    return `${endpoint.host}:${endpoint.port}`;
  }

  /** This broker's advertised endpoints per listener (what cluster mode registers). */
  endpoints(): BrokerEndpoints {
    if (this.services) return this.services.endpoints;
    return new BrokerEndpoints(this.listenerConfig.listeners, this.listenerConfig.interBrokerListenerName);
  }

  /** The SCRAM credential store (once started). */
  credentialStore(): CredentialStore {
    if (!this.services) throw new Error('the broker is not started');
    return this.services.credentials;
  }

  private firstEndpoint() {
    return this.endpoints().all()[0]!;
  }

  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`broker cannot start from state ${this.state}`);
    this.checkConfigNames();
    this.state = 'starting';
    try {
      await this.startServices();
    } catch (error) {
      // A failed start (ZooKeeper unreachable, broker id taken) releases what it opened.
      this.state = 'stopped';
      await Promise.all(this.listeners.map((l) => l.close(0)));
      this.services?.txn?.shutdown();
      this.services?.groups?.shutdown();
      this.services?.logs.shutdown();
      this.cluster?.close();
      throw error;
    }
  }

  private async startServices(): Promise<void> {
    const config = this.config;
    const dataDir = resolve(config.dataDir);
    mkdirSync(dataDir, { recursive: true });
    // One broker per data directory (Kafka's .lock); a second one stops here with the reason.
    this.dataDirLock = await DataDirLock.acquire(dataDir);
    try {
      await this.startWithDataDir(dataDir);
    } catch (error) {
      this.dataDirLock.release();
      throw error;
    }
  }

  /** Everything of `start` once the data directory is ours. */
  private async startWithDataDir(dataDir: string): Promise<void> {
    const config = this.config;
    const settings = clusterSettings(config, this.listenerConfig);
    const cluster = settings ? await ClusterMode.connect(settings, this.logger) : undefined;
    this.cluster = cluster;
    const store = cluster?.store ?? new LocalMetadataStore(dataDir);
    if (!cluster) await store.load();
    ensureMetaProperties(dataDir, config.brokerId, store.clusterId);

    const logs = new LogManager({
      dataDir,
      defaults: config.logDefaults,
      logger: this.moduleLog('storage'),
      clock: this.clock,
      retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
      flushSchedulerIntervalMs: config.logFlushSchedulerIntervalMs,
      checkpointIntervalMs: config.logFlushOffsetCheckpointIntervalMs,
      producerIdExpirationMs: config.producerIdExpirationMs,
      producerIdExpirationCheckIntervalMs: config.producerIdExpirationCheckIntervalMs,
      cleaner: config.cleaner,
    });
    const setting = (name: string) => Number(config.values.get(name));
    logFiles.setMaxOpenFiles(setting('log.max.open.files'));
    await logs.startup();
    const topics = new TopicRegistry(store, logs, {
      logDefaults: config.logDefaults,
      numPartitions: config.numPartitions,
      defaultReplicationFactor: config.defaultReplicationFactor,
      brokers: cluster
        ? { brokerIds: () => cluster.store.liveBrokers().map((b) => b.id) }
        : singleNodeBrokers(config.brokerId),
      logger: this.moduleLog('broker'),
      maxPartitions: setting('max.partitions'),
      maxBrokerPartitions: setting('max.broker.partitions'),
      hostsEveryPartition: !cluster,
    });
    await topics.startup();
    const replicaOptions = {
      topics,
      clock: this.clock,
      logger: this.moduleLog('broker'),
      brokerId: config.brokerId,
      config: config.replication,
      isrWriter: cluster?.isrWriter ?? this.isrWriter,
      offloadThresholdBytes: config.produceValidationOffloadBytes,
    };
    // In a cluster the replica manager also refuses partitions ZooKeeper does not give this broker
    // (and everything while its session is lost), and the controller's states reach it.
    const replicas = cluster
      ? cluster.replicaManager(logs, replicaOptions)
      : new ReplicaManager(replicaOptions);
    replicas.startup();
    const groups = await this.startGroupCoordinator(topics, replicas, cluster);
    const { txn, txnMarkers } = await this.startTransactionCoordinator(
      dataDir,
      topics,
      replicas,
      groups,
      cluster,
    );
    // Metrics are kept only when the admin port that serves them is on.
    const metrics = config.adminListener
      ? new BrokerMetrics({ perPartition: config.metricsPerPartition })
      : undefined;
    // In a cluster, credentials, quotas and ACLs are ZooKeeper's, shared by every broker.
    const credentials = cluster?.credentialStore() ?? new FileCredentialStore(dataDir);
    await credentials.load();
    const authorizer = await this.startAuthorizer(() => cluster?.aclStore() ?? new FileAclStore(dataDir));
    const endpoints = new BrokerEndpoints(
      this.listenerConfig.listeners,
      this.listenerConfig.interBrokerListenerName,
    );
    this.services = {
      metrics,
      config,
      clock: this.clock,
      logs,
      topics,
      replicas,
      groups,
      txn,
      txnMarkers,
      clusterId: store.clusterId,
      quotas: await this.loadClientQuotas(cluster?.quotaStore() ?? new LocalQuotaStore(dataDir)),
      controller: cluster,
      cluster:
        cluster?.store ??
        new LocalClusterMetadata(
          config.brokerId,
          () => ({
            id: config.brokerId,
            host: config.advertisedHost,
            port: config.advertisedPort,
            rack: null,
            listeners: new Map(endpoints.all().map((e) => [e.listenerName, e])),
          }),
          store,
        ),
      endpoints,
      credentials,
      authorizer,
    };
    logs.startBackgroundTasks();

    const registry: HandlerRegistry = new HandlerRegistry([
      createApiVersionsHandler(() => registry.supported()),
      ...BROKER_HANDLERS,
      ...groupHandlers,
      ...txnHandlers,
    ]);
    const processor = new AuthenticationGate(
      new RequestPipeline(registry, this.services, this.moduleLog('broker')),
      config.socketRequestMaxBytes,
      this.moduleLog('security'),
    );
    for (const listenerConfig of this.listenerConfig.listeners) {
      const listener = new Listener(processor, {
        name: listenerConfig.name,
        security: createListenerSecurity(listenerConfig, {
          values: config.values,
          credentials,
          logger: this.moduleLog('security'),
          now: () => this.clock.nowMs(),
          oauthValidator: this.oauthValidator,
        }),
        host: listenerConfig.bindHost,
        port: listenerConfig.bindPort,
        maxFrameBytes: config.socketRequestMaxBytes,
        maxInflightBytesPerConnection: config.connectionMaxInflightBytes,
        maxInflightBytes: config.queuedMaxRequestBytes,
        logger: this.moduleLog('net'),
        onConnection: metrics ? () => metrics.connectionCreated(listenerConfig.name) : undefined,
        idleTimeoutMs: config.connectionLimits.idleTimeoutMs,
        requestReceiveTimeoutMs: config.connectionLimits.requestReceiveTimeoutMs,
        quotas: config.connectionLimits,
        listenBacklog: config.connectionLimits.listenBacklog,
      });
      this.listeners.push(listener);
      const port = await listener.listen();
      this.boundPorts.set(listenerConfig.name, port);
      endpoints.bound(listenerConfig.name, port);
    }
    const first = endpoints.all()[0]!;
    // Older code reads the one advertised address from the config.
    config.advertisedHost = first.host;
    config.advertisedPort = first.port;
    if (cluster) {
      await cluster.start(endpoints.all(), coordinatorHooks(groups, txn, this.logger));
    }
    if (metrics) {
      const bound = this.listeners.map((listener, i) => ({
        listener,
        name: this.listenerConfig.listeners[i]!.name,
      }));
      metrics.attach(
        serviceMetricsSources(this.services, {
          connections: () => bound.map((b) => ({ listener: b.name, count: b.listener.connectionCount })),
        }),
      );
    }
    if (config.adminListener) {
      this.admin = await startAdminHttp(this.services, {
        address: config.adminListener,
        maxBodyBytes: config.adminRequestMaxBytes,
        requestTimeoutMs: config.adminRequestTimeoutMs,
        readiness: () => this.readiness(),
        listeners: this.listenerConfig.listeners,
        bootstrapFor: (name) => this.bootstrapFor(name),
        logger: this.moduleLog('http'),
      });
    }
    this.state = 'running';
    const listeners = endpoints.all().map((e) => `${e.listenerName}://${e.host}:${e.port}`);
    const admin = this.adminUrl ?? 'none';
    // The first line a person sees: what runs, where to connect, where the data and console are.
    this.logger.info(
      {
        banner: `Samsa ${SAMSA_VERSION} · ${listeners.join(', ')} · admin ${admin} · data ${dataDir} · cluster ${store.clusterId}`,
        version: SAMSA_VERSION,
        listeners,
        host: this.listenerConfig.listeners[0]!.bindHost,
        port: this.boundPorts.get(first.listenerName),
        advertised: this.bootstrap,
        admin,
        dataDir,
        clusterId: store.clusterId,
        cleanShutdown: logs.hadCleanShutdown,
      },
      'listening',
    );
  }

  /** Client quota configs (data directory or ZooKeeper), and the managers that enforce them. */
  private async loadClientQuotas(store: QuotaStore): Promise<ClientQuotas> {
    await store.load();
    const setting = (name: string) => {
      const value = Number(this.config.values.get(name));
      if (value < 1) throw new InvalidConfigError(`${name} must be at least 1, got ${value}`);
      return value;
    };
    return new ClientQuotas(store, {
      windowNum: setting('quota.window.num'),
      windowSizeSeconds: setting('quota.window.size.seconds'),
    });
  }

  /** The logger of one part of the broker, at its own level when `--log-level` names one. */
  private moduleLog(module: string): Logger {
    return moduleLogger(this.logger, module);
  }

  /** What /v1/ready reports: each part of start-up that must have finished before clients are served. */
  private readiness(): Record<string, boolean> {
    const services = this.services;
    return {
      logsLoaded: services !== undefined,
      groupCoordinatorLoaded: services?.groups?.isActive ?? false,
      transactionCoordinatorLoaded: services?.txn?.isActive ?? false,
      listenerBound: this.state === 'running' && this.listeners.length > 0,
    };
  }

  /** The ACL authorizer (ACLs in `<data>/samsa-acls.json` or ZooKeeper) when `authorizer.class.name` names Kafka's. */
  private async startAuthorizer(aclStore: () => AclStore): Promise<AclAuthorizer | undefined> {
    const values = this.config.values;
    const className = (values.get('authorizer.class.name') ?? '').trim();
    if (className === '') return undefined;
    if (!AUTHORIZER_CLASS_NAMES.includes(className)) {
      throw new InvalidConfigError(
        `authorizer.class.name ${className} is not supported (use ${AUTHORIZER_CLASS_NAMES.join(' or ')})`,
      );
    }
    const authorizer = new AclAuthorizer(aclStore(), {
      superUsers: (values.get('super.users') ?? '')
        .split(';')
        .map((u) => u.trim())
        .filter((u) => u !== ''),
      allowEveryoneIfNoAclFound: values.get('allow.everyone.if.no.acl.found') === 'true',
    });
    await authorizer.load();
    return authorizer;
  }

  /**
   * The group coordinator over `__consumer_offsets` (created on first start, compacted, as Kafka's),
   * loaded by replaying that log before any client is served.
   */
  private async startGroupCoordinator(
    topics: TopicRegistry,
    replicas: ReplicaManager,
    cluster: ClusterMode | undefined,
  ): Promise<GroupCoordinator> {
    const config = this.config;
    // In a cluster the topic is created on first use (FindCoordinator), as Kafka does.
    if (!cluster && !topics.get(OFFSETS_TOPIC)) {
      await topics.create({
        name: OFFSETS_TOPIC,
        partitions: config.offsetsTopicNumPartitions,
        replicationFactor: 1,
        configs: { 'cleanup.policy': 'compact', 'segment.bytes': String(config.offsetsTopicSegmentBytes) },
      });
    }
    const groups = new GroupCoordinator({
      config: { ...config, offsetsRetentionMs: config.offsetsRetentionMinutes * 60_000 },
      offsetsLog: new PartitionLogOffsetsLog(
        (p) => coordinatorPartitionLog(replicas, topics, OFFSETS_TOPIC, p),
        this.clock,
        0,
        config.offsetsCommitTimeoutMs,
      ),
      clock: this.clock,
      logger: this.moduleLog('group'),
    });
    // In a cluster, partitions are loaded as this broker becomes their leader.
    await groups.startup(cluster ? [] : undefined);
    return groups;
  }

  /**
   * The transaction coordinator over `__transaction_state` (created on first start, compacted, as
   * Kafka's). Loading it finishes transactions a crash left prepared, so it starts after the group
   * coordinator, which takes the markers that reach `__consumer_offsets`.
   */
  private async startTransactionCoordinator(
    dataDir: string,
    topics: TopicRegistry,
    replicas: ReplicaManager,
    groups: GroupCoordinator,
    cluster: ClusterMode | undefined,
  ): Promise<{ txn: TransactionCoordinator; txnMarkers: LocalTxnMarkerWriter }> {
    const config = this.config;
    const setting = (name: string) => Number(config.values.get(name));
    const partitions = setting('transaction.state.log.num.partitions');
    if (!cluster && !topics.get(TRANSACTION_STATE_TOPIC_NAME)) {
      await topics.create({
        name: TRANSACTION_STATE_TOPIC_NAME,
        partitions,
        replicationFactor: 1,
        configs: {
          'cleanup.policy': 'compact',
          'segment.bytes': String(setting('transaction.state.log.segment.bytes')),
        },
      });
    }
    const txnMarkers = new LocalTxnMarkerWriter({
      // In a cluster a marker is written only where this broker leads the partition.
      logFor: (topic, partition) => {
        const notLeader = cluster?.leaderError(topic, partition);
        if (notLeader) throw notLeader;
        return replicas.markerLog(topic, partition);
      },
      onAppended: (topic, partition) => replicas.wake(topic, partition),
      // In a cluster a marker counts once the ISR has it (Kafka's acks=-1, request.timeout.ms).
      awaitReplicated: cluster
        ? (appended) =>
            replicas.awaitHighWatermark(
              appended.map((a) => ({ topic: a.topic, partition: a.partition, requiredOffset: a.nextOffset })),
              MARKER_REPLICATION_TIMEOUT_MS,
            )
        : undefined,
      onOffsetsTxnCompleted: (producerId, offsetsPartitions, committed) =>
        groups.handleTxnCompletion(producerId, offsetsPartitions, committed),
      offsetsTopic: OFFSETS_TOPIC,
      clock: this.clock,
      logger: this.moduleLog('txn'),
    });
    const txn = new TransactionCoordinator({
      config: {
        transactionStateLogNumPartitions: topics.partitionCount(TRANSACTION_STATE_TOPIC_NAME) ?? partitions,
        transactionMaxTimeoutMs: setting('transaction.max.timeout.ms'),
        transactionalIdExpirationMs: setting('transactional.id.expiration.ms'),
        abortTimedOutTransactionCleanupIntervalMs: setting(
          'transaction.abort.timed.out.transaction.cleanup.interval.ms',
        ),
        removeExpiredTransactionalIdCleanupIntervalMs: setting(
          'transaction.remove.expired.transaction.cleanup.interval.ms',
        ),
      },
      log: new PartitionLogTransactionStateLog(
        (p) => coordinatorPartitionLog(replicas, topics, TRANSACTION_STATE_TOPIC_NAME, p),
        this.clock,
      ),
      producerIds: cluster ? await cluster.producerIds() : new ProducerIdManager(dataDir, config.brokerId),
      markers: cluster ? cluster.markerWriter(txnMarkers) : txnMarkers,
      clock: this.clock,
      logger: this.moduleLog('txn'),
    });
    await txn.startup(cluster ? [] : undefined);
    return { txn, txnMarkers };
  }

  /** Graceful stop: no new connections, in-flight requests answered, logs flushed and checkpointed. */
  async stop(): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'stopping';
    const services = this.services!;
    if (this.cluster) {
      await services.replicas.stopFollowing();
      await this.cluster.shutdown();
    }
    services.replicas.stop();
    await this.admin?.close();
    // Closing stops reading requests at once, then waits for those in flight. Parked JoinGroup and
    // SyncGroup requests would wait for their rebalance (up to its timeout): the coordinator gives
    // up its groups now and answers them NOT_COORDINATOR, as Kafka's does when it resigns.
    const drained = Promise.all(this.listeners.map((l) => l.close(this.config.shutdownTimeoutMs)));
    services.groups?.shutdown();
    await drained;
    services.txn?.shutdown();
    try {
      services.logs.shutdown();
      services.metrics?.close();
      this.cluster?.close();
    } catch (error) {
      // Logs are closed either way; without the clean-shutdown marker the next start recovers them.
      this.state = 'stopped';
      this.logger.error({ err: error }, 'stopped without a clean shutdown');
      throw error;
    } finally {
      this.dataDirLock?.release();
    }
    this.state = 'stopped';
    this.logger.info('stopped');
  }
}

/** Cluster mode: coordinator partitions follow leadership of the internal topics. */
function coordinatorHooks(groups: GroupCoordinator, txn: TransactionCoordinator, logger: Logger) {
  const failed = (err: unknown) => logger.error({ err }, 'loading coordinator partition failed');
  return {
    onElection(topic: string, partition: number) {
      if (topic === OFFSETS_TOPIC) groups.onElection(partition).catch(failed);
      else if (topic === TRANSACTION_STATE_TOPIC_NAME) txn.loadPartition(partition).catch(failed);
    },
    onResignation(topic: string, partition: number) {
      if (topic === OFFSETS_TOPIC) groups.onResignation(partition);
      else if (topic === TRANSACTION_STATE_TOPIC_NAME) txn.unloadPartition(partition);
    },
  };
}
