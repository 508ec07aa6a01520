import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { LocalMetadataStore } from '../cluster/local-metadata-store.js';
import { GroupCoordinator } from '../group/group-coordinator.js';
import { PartitionLogOffsetsLog } from '../group/offsets-log.js';
import { BrokerEndpoints } from '../net/endpoints.js';
import { Listener } from '../net/listener.js';
import { type ResolvedListeners, resolveListeners } from '../net/listener-config.js';
import { AuthenticationGate } from '../security/authentication-gate.js';
import { AclAuthorizer, FileAclStore } from '../security/authorizer/acl-authorizer.js';
import { type CredentialStore, FileCredentialStore } from '../security/credential-store.js';
import { createListenerSecurity } from '../security/listener-security.js';
import type { OAuthBearerValidator } from '../security/sasl/oauthbearer.js';
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
import { createLogger, type Logger, silentLogger } from '../util/logger.js';
import { type BrokerConfig, configFromEnv, loadPropertiesFile, resolveBrokerConfig } from './config.js';
import { createApiVersionsHandler } from './handlers/api-versions.js';
import { groupHandlers } from './handlers/group-handlers.js';
import { BROKER_HANDLERS } from './handlers/index.js';
import { HandlerRegistry } from './handlers/registry.js';
import { txnHandlers } from './handlers/txn-handlers.js';
import { ensureMetaProperties } from './meta-properties.js';
import { ReplicaManager } from './replica-manager.js';
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
  /** pino level, or 'silent'. */
  readonly logLevel?: string;
  readonly logger?: Logger;
  readonly clock?: Clock;
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
export class Broker {
  readonly config: BrokerConfig;
  readonly logger: Logger;
  private readonly clock: Clock;
  private listeners: Listener[] = [];
  private readonly boundPorts = new Map<string, number>();
  private readonly listenerConfig: ResolvedListeners;
  private readonly oauthValidator: OAuthBearerValidator | undefined;
  private services: BrokerServices | undefined;
  private state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';

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
      (options.logLevel === 'silent' ? silentLogger() : createLogger({ level: options.logLevel }));
    this.clock = options.clock ?? systemClock;
  }

  /** Advertised host of the first listener. */
  get host(): string {
    return this.firstEndpoint().host;
  }

  /** Advertised port of the first listener (the bound one when it was 0). */
  get port(): number {
    return this.firstEndpoint().port;
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
    this.state = 'starting';
    const config = this.config;
    const dataDir = resolve(config.dataDir);
    mkdirSync(dataDir, { recursive: true });

    const store = new LocalMetadataStore(dataDir);
    await store.load();
    ensureMetaProperties(dataDir, config.brokerId, store.clusterId);

    const logs = new LogManager({
      dataDir,
      defaults: config.logDefaults,
      logger: this.logger,
      clock: this.clock,
      retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
      flushSchedulerIntervalMs: config.logFlushSchedulerIntervalMs,
      checkpointIntervalMs: config.logFlushOffsetCheckpointIntervalMs,
      producerIdExpirationMs: config.producerIdExpirationMs,
      producerIdExpirationCheckIntervalMs: config.producerIdExpirationCheckIntervalMs,
    });
    logs.startup();
    const topics = new TopicRegistry(store, logs, {
      logDefaults: config.logDefaults,
      numPartitions: config.numPartitions,
      defaultReplicationFactor: config.defaultReplicationFactor,
      liveBrokers: () => 1,
      logger: this.logger,
    });
    topics.startup();
    const replicas = new ReplicaManager(topics, this.clock, this.logger);
    const groups = await this.startGroupCoordinator(topics);
    const { txn, txnMarkers } = await this.startTransactionCoordinator(dataDir, topics, replicas, groups);
    const credentials = new FileCredentialStore(dataDir);
    await credentials.load();
    const authorizer = await this.startAuthorizer(dataDir);
    const endpoints = new BrokerEndpoints(
      this.listenerConfig.listeners,
      this.listenerConfig.interBrokerListenerName,
    );
    this.services = {
      config,
      clock: this.clock,
      logs,
      topics,
      replicas,
      groups,
      txn,
      txnMarkers,
      clusterId: store.clusterId,
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
      new RequestPipeline(registry, this.services, this.logger),
      config.socketRequestMaxBytes,
      this.logger,
    );
    for (const listenerConfig of this.listenerConfig.listeners) {
      const listener = new Listener(processor, {
        name: listenerConfig.name,
        security: createListenerSecurity(listenerConfig, {
          values: config.values,
          credentials,
          logger: this.logger,
          now: () => this.clock.nowMs(),
          oauthValidator: this.oauthValidator,
        }),
        host: listenerConfig.bindHost,
        port: listenerConfig.bindPort,
        maxFrameBytes: config.socketRequestMaxBytes,
        maxInflightBytesPerConnection: config.connectionMaxInflightBytes,
        maxInflightBytes: config.queuedMaxRequestBytes,
        logger: this.logger,
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
    this.state = 'running';
    this.logger.info(
      {
        host: this.listenerConfig.listeners[0]!.bindHost,
        port: this.boundPorts.get(first.listenerName),
        advertised: this.bootstrap,
        listeners: endpoints
          .all()
          .map((e) => `${e.listenerName}://${e.host}:${e.port} (${e.securityProtocol})`),
        dataDir,
        clusterId: store.clusterId,
      },
      'listening',
    );
  }

  /** The ACL authorizer over `<data>/samsa-acls.json` when `authorizer.class.name` names Kafka's. */
  private async startAuthorizer(dataDir: string): Promise<AclAuthorizer | undefined> {
    const values = this.config.values;
    const className = (values.get('authorizer.class.name') ?? '').trim();
    if (className === '') return undefined;
    if (!AUTHORIZER_CLASS_NAMES.includes(className)) {
      throw new InvalidConfigError(
        `authorizer.class.name ${className} is not supported (use ${AUTHORIZER_CLASS_NAMES.join(' or ')})`,
      );
    }
    const authorizer = new AclAuthorizer(new FileAclStore(dataDir), {
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
  private async startGroupCoordinator(topics: TopicRegistry): Promise<GroupCoordinator> {
    const config = this.config;
    if (!topics.get(OFFSETS_TOPIC)) {
      await topics.create({
        name: OFFSETS_TOPIC,
        partitions: config.offsetsTopicNumPartitions,
        replicationFactor: 1,
        configs: { 'cleanup.policy': 'compact', 'segment.bytes': String(config.offsetsTopicSegmentBytes) },
      });
    }
    const groups = new GroupCoordinator({
      config: { ...config, offsetsRetentionMs: config.offsetsRetentionMinutes * 60_000 },
      offsetsLog: new PartitionLogOffsetsLog((p) => topics.logFor(OFFSETS_TOPIC, p), this.clock),
      clock: this.clock,
      logger: this.logger,
    });
    await groups.startup();
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
  ): Promise<{ txn: TransactionCoordinator; txnMarkers: LocalTxnMarkerWriter }> {
    const config = this.config;
    const setting = (name: string) => Number(config.values.get(name));
    const partitions = setting('transaction.state.log.num.partitions');
    if (!topics.get(TRANSACTION_STATE_TOPIC_NAME)) {
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
      logFor: (topic, partition) => topics.logFor(topic, partition),
      onAppended: (topic, partition) => replicas.wake(topic, partition),
      onOffsetsTxnCompleted: (producerId, offsetsPartitions, committed) =>
        groups.handleTxnCompletion(producerId, offsetsPartitions, committed),
      offsetsTopic: OFFSETS_TOPIC,
      clock: this.clock,
      logger: this.logger,
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
        (p) => topics.logFor(TRANSACTION_STATE_TOPIC_NAME, p),
        this.clock,
      ),
      producerIds: new ProducerIdManager(dataDir, config.brokerId),
      markers: txnMarkers,
      clock: this.clock,
      logger: this.logger,
    });
    await txn.startup();
    return { txn, txnMarkers };
  }

  /** Graceful stop: no new connections, in-flight requests answered, logs flushed and checkpointed. */
  async stop(): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'stopping';
    const services = this.services!;
    services.replicas.stop();
    await Promise.all(this.listeners.map((l) => l.close(this.config.shutdownTimeoutMs)));
    services.txn?.shutdown();
    services.groups?.shutdown();
    services.logs.shutdown();
    this.state = 'stopped';
    this.logger.info('stopped');
  }
}
