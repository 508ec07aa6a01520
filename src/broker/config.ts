import { readFileSync } from 'node:fs';
import type { ReplicationConfig } from '../cluster/replication-config.js';
import { type ConnectionQuotaLimits, parseConnectionOverrides } from '../net/connection-quotas.js';
import type { CleanerConfig } from '../storage/cleaner/cleaner-config.js';
import { DEFAULT_LOG_CONFIG, type LogConfig, logConfigFrom } from '../storage/log-config.js';
import { BROKER_SYNONYM_DEFS, topicDefaultsFromBroker } from '../storage/topic-config-defs.js';
import { InvalidConfigError } from '../util/errors.js';
import { ADMIN_CONFIG_DEFS, isAdminClientSetting } from './admin-config.js';
import { isListenerPrefixed, SECURITY_CONFIG_DEFS } from './security-config.js';

/**
 * Broker configuration under Kafka's names (`server.properties`), from three sources in rising
 * precedence: a properties file, `SAMSA_*` environment variables (`SAMSA_LOG_RETENTION_MS` →
 * `log.retention.ms`), and explicit overrides (`--set key=value`, or the embedded Broker's options).
 */
export interface BrokerConfigDef {
  readonly name: string;
  readonly type: 'int' | 'long' | 'string' | 'boolean' | 'list' | 'double' | 'password';
  readonly default: string;
  readonly doc: string;
}

/** Broker-only settings; topic-level defaults (`log.retention.ms`, ...) come from the storage table. */
export const BROKER_CONFIG_DEFS: readonly BrokerConfigDef[] = [
  { name: 'broker.id', type: 'int', default: '0', doc: 'This broker’s id in the cluster' },
  { name: 'host', type: 'string', default: '127.0.0.1', doc: 'Address the Kafka listener binds to' },
  { name: 'port', type: 'int', default: '9092', doc: 'Port the Kafka listener binds to (0 = any free port)' },
  { name: 'advertised.host.name', type: 'string', default: '', doc: 'Host clients are told to connect to' },
  { name: 'advertised.port', type: 'int', default: '0', doc: 'Port clients are told to connect to' },
  { name: 'log.dirs', type: 'string', default: './data', doc: 'Data directory' },
  { name: 'auto.create.topics.enable', type: 'boolean', default: 'true', doc: 'Create topics on first use' },
  { name: 'num.partitions', type: 'int', default: '1', doc: 'Partitions of an auto-created topic' },
  { name: 'default.replication.factor', type: 'int', default: '1', doc: 'Replicas of an auto-created topic' },
  { name: 'delete.topic.enable', type: 'boolean', default: 'true', doc: 'Allow DeleteTopics' },
  {
    name: 'socket.request.max.bytes',
    type: 'int',
    default: '104857600',
    doc: 'Largest request frame; larger ones close the connection',
  },
  {
    name: 'queued.max.request.bytes',
    type: 'long',
    default: '268435456',
    doc: 'Unanswered request bytes across all connections before reading pauses',
  },
  {
    name: 'connection.max.inflight.bytes',
    type: 'long',
    default: '33554432',
    doc: 'Unanswered request bytes on one connection before it pauses',
  },
  // Connection limits and timeouts (Kafka's SocketServer / ConnectionQuotas); see docs/limits.md.
  {
    name: 'connections.max.idle.ms',
    type: 'long',
    default: '600000',
    doc: 'Close a connection that has had no request outstanding and none received for this long',
  },
  {
    name: 'socket.request.receive.timeout.ms',
    type: 'long',
    default: '30000',
    doc: 'Close a connection whose request frame is not fully received within this long (Samsa)',
  },
  {
    name: 'max.connections',
    type: 'int',
    default: '2147483647',
    doc: 'Open connections at which new ones wait for a slot',
  },
  {
    name: 'max.connections.per.ip',
    type: 'int',
    default: '2147483647',
    doc: 'Connections from one address beyond which a new one is closed at once',
  },
  {
    name: 'max.connections.per.ip.overrides',
    type: 'string',
    default: '',
    doc: 'Per-address max.connections.per.ip, as address:count,address:count',
  },
  {
    name: 'max.connection.creation.rate',
    type: 'int',
    default: '2147483647',
    doc: 'New connections per second; faster ones wait',
  },
  {
    name: 'socket.listen.backlog.size',
    type: 'int',
    default: '511',
    doc: 'Accept backlog, and sockets that may wait for a connection slot (Kafka: 50; Node: 511)',
  },
  {
    name: 'message.max.bytes',
    type: 'int',
    default: '1048588',
    doc: 'Largest record batch (broker default)',
  },
  {
    name: 'log.retention.check.interval.ms',
    type: 'long',
    default: '300000',
    doc: 'How often retention runs',
  },
  {
    name: 'log.flush.scheduler.interval.ms',
    type: 'long',
    default: '1000',
    doc: 'How often flush.ms is checked',
  },
  {
    name: 'log.flush.offset.checkpoint.interval.ms',
    type: 'long',
    default: '60000',
    doc: 'How often the recovery point is checkpointed',
  },
  {
    name: 'offsets.topic.num.partitions',
    type: 'int',
    default: '50',
    doc: 'Partitions of __consumer_offsets',
  },
  {
    name: 'offsets.topic.segment.bytes',
    type: 'int',
    default: '104857600',
    doc: 'Segment size of __consumer_offsets',
  },
  {
    name: 'offsets.retention.minutes',
    type: 'int',
    default: '10080',
    doc: 'How long offsets of an empty group are kept',
  },
  {
    name: 'offsets.retention.check.interval.ms',
    type: 'long',
    default: '600000',
    doc: 'How often expired offsets are removed',
  },
  { name: 'offset.metadata.max.bytes', type: 'int', default: '4096', doc: 'Largest commit metadata' },
  {
    name: 'offsets.commit.timeout.ms',
    type: 'int',
    default: '5000',
    doc: 'How long an offset commit waits for the replicas of its __consumer_offsets partition',
  },
  {
    name: 'group.initial.rebalance.delay.ms',
    type: 'int',
    default: '3000',
    doc: 'Wait for more members before the first rebalance of an empty group',
  },
  { name: 'group.min.session.timeout.ms', type: 'int', default: '6000', doc: 'Smallest session timeout' },
  { name: 'group.max.session.timeout.ms', type: 'int', default: '1800000', doc: 'Largest session timeout' },
  { name: 'group.max.size', type: 'int', default: '2147483647', doc: 'Most members in one group' },
  {
    name: 'transaction.state.log.num.partitions',
    type: 'int',
    default: '50',
    doc: 'Partitions of __transaction_state',
  },
  {
    name: 'transaction.state.log.segment.bytes',
    type: 'int',
    default: '104857600',
    doc: 'Segment size of __transaction_state',
  },
  {
    name: 'transaction.max.timeout.ms',
    type: 'int',
    default: '900000',
    doc: 'Largest transaction.timeout.ms a producer may ask for',
  },
  {
    name: 'transactional.id.expiration.ms',
    type: 'int',
    default: '604800000',
    doc: 'How long an idle transactional id is kept',
  },
  {
    name: 'transaction.abort.timed.out.transaction.cleanup.interval.ms',
    type: 'int',
    default: '10000',
    doc: 'How often transactions past their timeout are aborted',
  },
  {
    name: 'transaction.remove.expired.transaction.cleanup.interval.ms',
    type: 'int',
    default: '3600000',
    doc: 'How often expired transactional ids are removed',
  },
  // Resource limits (docs/storage-limits.md). max.partitions and max.broker.partitions are KIP-578's
  // names (not in Kafka 3.9, which has no such bound); log.max.open.files is Samsa's own.
  {
    name: 'max.partitions',
    type: 'int',
    default: '2147483647',
    doc: 'Most partitions in the cluster; creates past it are refused with POLICY_VIOLATION',
  },
  {
    name: 'max.broker.partitions',
    type: 'int',
    default: '20000',
    doc: 'Most partition replicas on this broker; creates past it are refused with POLICY_VIOLATION',
  },
  {
    name: 'log.max.open.files',
    type: 'int',
    default: '500',
    doc: 'Most segment and index files kept open at once; the least recently used are closed',
  },
  // Replication (Kafka's names and defaults).
  {
    name: 'replica.lag.time.max.ms',
    type: 'long',
    default: '30000',
    doc: 'A follower that has not caught up for this long leaves the ISR',
  },
  { name: 'replica.fetch.wait.max.ms', type: 'int', default: '500', doc: 'Long poll of a follower fetch' },
  { name: 'replica.fetch.min.bytes', type: 'int', default: '1', doc: 'Bytes a follower fetch waits for' },
  {
    name: 'replica.fetch.max.bytes',
    type: 'int',
    default: '1048576',
    doc: 'Bytes per partition a follower fetches',
  },
  {
    name: 'replica.fetch.response.max.bytes',
    type: 'int',
    default: '10485760',
    doc: 'Bytes per follower fetch response',
  },
  {
    name: 'replica.fetch.backoff.ms',
    type: 'int',
    default: '1000',
    doc: 'Pause after a failed follower fetch',
  },
  { name: 'replica.socket.timeout.ms', type: 'int', default: '30000', doc: 'Timeout of follower requests' },
  { name: 'num.replica.fetchers', type: 'int', default: '1', doc: 'Fetchers per source broker' },
  {
    name: 'produce.validation.offload.bytes',
    type: 'int',
    default: '131072',
    doc: "Compressed produce batches, and old clients' message sets and down-converted reads, from this size up are validated and converted on a worker thread, off the event loop; -1 keeps all of it on the loop",
  },
  {
    name: 'admin.listener',
    type: 'string',
    default: '127.0.0.1:9644',
    doc: '[http://|https://]HOST:PORT of the HTTP port (metrics, health, REST API, console; https uses the broker keystore); none disables it. When the Kafka port is 0 and this is not set, it binds a free port too',
  },
  {
    name: 'admin.request.max.bytes',
    type: 'int',
    default: '1048576',
    doc: 'Largest HTTP request body the admin port accepts',
  },
  {
    name: 'admin.request.timeout.ms',
    type: 'int',
    default: '30000',
    doc: 'An HTTP request to the admin port must arrive whole within this long (slow headers and bodies are cut off)',
  },
  {
    name: 'metrics.per.partition.enable',
    type: 'boolean',
    default: 'true',
    doc: 'Export per-partition and per-group-partition metric series (off bounds cardinality)',
  },
  {
    name: 'producer.id.expiration.ms',
    type: 'int',
    default: '86400000',
    doc: 'How long an idle idempotent producer’s state is kept',
  },
  {
    name: 'producer.id.expiration.check.interval.ms',
    type: 'int',
    default: '600000',
    doc: 'How often idle producers are looked for',
  },
  // The log cleaner (Kafka's CleanerConfig); its per-topic defaults are log.cleaner.* topic configs.
  { name: 'log.cleaner.enable', type: 'boolean', default: 'true', doc: 'Run the log cleaner (compaction)' },
  { name: 'log.cleaner.threads', type: 'int', default: '1', doc: 'Logs cleaned at once' },
  {
    name: 'log.cleaner.dedupe.buffer.size',
    type: 'long',
    default: '134217728',
    doc: 'Memory of the cleaners’ key => offset maps, all threads together',
  },
  {
    name: 'log.cleaner.io.buffer.load.factor',
    type: 'double',
    default: '0.9',
    doc: 'How full a cleaner’s offset map may get',
  },
  {
    name: 'log.cleaner.io.buffer.size',
    type: 'int',
    default: '524288',
    doc: 'Cleaner I/O buffer memory, all threads together',
  },
  {
    name: 'log.cleaner.io.max.bytes.per.second',
    type: 'double',
    default: '1.7976931348623157E308',
    doc: 'Cleaner read+write rate limit, all threads together',
  },
  {
    name: 'log.cleaner.backoff.ms',
    type: 'long',
    default: '15000',
    doc: 'Cleaner pause when no log needs cleaning',
  },
  {
    name: 'log.cleaner.busy.share',
    type: 'double',
    default: '0.05',
    doc: 'Largest share of a busy broker’s event-loop time the log cleaner takes (Samsa); an idle broker cleans at full speed',
  },
  // Cluster mode (ZooKeeper), with Kafka's names and defaults.
  {
    name: 'zookeeper.connect',
    type: 'string',
    default: '',
    doc: 'host:port[,host:port...][/chroot] of ZooKeeper; empty = single node',
  },
  { name: 'broker.rack', type: 'string', default: '', doc: 'Rack of this broker (rack-aware assignment)' },
  {
    name: 'zookeeper.session.timeout.ms',
    type: 'int',
    default: '18000',
    doc: 'ZooKeeper session timeout; a broker silent for longer is considered dead',
  },
  {
    name: 'zookeeper.connection.timeout.ms',
    type: 'int',
    default: '0',
    doc: 'How long to wait for a first ZooKeeper connection (0 = the session timeout)',
  },
  {
    name: 'offsets.topic.replication.factor',
    type: 'int',
    default: '3',
    doc: 'Replicas of __consumer_offsets (its creation waits until that many brokers are alive)',
  },
  {
    name: 'transaction.state.log.replication.factor',
    type: 'int',
    default: '3',
    doc: 'Replicas of __transaction_state (its creation waits until that many brokers are alive)',
  },
  {
    name: 'transaction.state.log.min.isr',
    type: 'int',
    default: '2',
    doc: 'min.insync.replicas of __transaction_state',
  },
  {
    name: 'controlled.shutdown.enable',
    type: 'boolean',
    default: 'true',
    doc: 'Move leadership off this broker before it stops',
  },
  {
    name: 'controlled.shutdown.max.retries',
    type: 'int',
    default: '3',
    doc: 'Attempts at a controlled shutdown before stopping anyway',
  },
  {
    name: 'controlled.shutdown.retry.backoff.ms',
    type: 'long',
    default: '5000',
    doc: 'Pause between controlled shutdown attempts',
  },
  {
    name: 'auto.leader.rebalance.enable',
    type: 'boolean',
    default: 'true',
    doc: 'The controller moves leadership back to preferred replicas when brokers get imbalanced',
  },
  {
    name: 'leader.imbalance.check.interval.seconds',
    type: 'long',
    default: '300',
    doc: 'How often the controller checks leader imbalance',
  },
  {
    name: 'leader.imbalance.per.broker.percentage',
    type: 'int',
    default: '10',
    doc: "Share of a broker's preferred partitions led elsewhere that triggers a rebalance",
  },
  {
    name: 'quota.window.num',
    type: 'int',
    default: '11',
    doc: 'Samples kept in memory for client quotas',
  },
  {
    name: 'quota.window.size.seconds',
    type: 'int',
    default: '1',
    doc: 'Time span of each client quota sample',
  },
  {
    name: 'shutdown.timeout.ms',
    type: 'long',
    default: '30000',
    doc: 'How long a graceful shutdown waits for in-flight requests',
  },
  ...SECURITY_CONFIG_DEFS,
  ...ADMIN_CONFIG_DEFS,
];

export interface BrokerConfig {
  readonly brokerId: number;
  readonly host: string;
  readonly port: number;
  /** Filled in once the listener is bound when `advertised.port` is 0. */
  advertisedHost: string;
  advertisedPort: number;
  readonly dataDir: string;
  readonly autoCreateTopicsEnable: boolean;
  readonly numPartitions: number;
  readonly defaultReplicationFactor: number;
  readonly deleteTopicEnable: boolean;
  readonly socketRequestMaxBytes: number;
  readonly queuedMaxRequestBytes: number;
  readonly connectionMaxInflightBytes: number;
  readonly connectionLimits: ConnectionLimits;
  readonly logRetentionCheckIntervalMs: number;
  readonly logFlushSchedulerIntervalMs: number;
  readonly logFlushOffsetCheckpointIntervalMs: number;
  readonly producerIdExpirationMs: number;
  readonly producerIdExpirationCheckIntervalMs: number;
  readonly offsetsTopicNumPartitions: number;
  readonly offsetsTopicSegmentBytes: number;
  readonly offsetsRetentionMinutes: number;
  readonly offsetsRetentionCheckIntervalMs: number;
  readonly offsetMetadataMaxBytes: number;
  readonly offsetsCommitTimeoutMs: number;
  readonly groupInitialRebalanceDelayMs: number;
  readonly groupMinSessionTimeoutMs: number;
  readonly groupMaxSessionTimeoutMs: number;
  readonly groupMaxSize: number;
  readonly shutdownTimeoutMs: number;
  /** The admin HTTP port's address, or null when it is disabled. */
  readonly adminListener: AdminListenerAddress | null;
  readonly adminRequestMaxBytes: number;
  readonly adminRequestTimeoutMs: number;
  readonly metricsPerPartition: boolean;
  /** produce.validation.offload.bytes (Infinity for -1). */
  readonly produceValidationOffloadBytes: number;
  /** replica.* and num.replica.fetchers. */
  readonly replication: ReplicationConfig;
  /** log.cleaner.* */
  readonly cleaner: CleanerConfig;
  /** Defaults for every topic, from the broker-level `log.*` names. */
  readonly logDefaults: LogConfig;
  /** Every setting by Kafka name, as resolved (for DescribeConfigs on the broker resource). */
  readonly values: ReadonlyMap<string, string>;
  /** Names whose value came from the file, environment or an override rather than the default. */
  readonly explicit: ReadonlySet<string>;
}

/** The listener's connection quotas and timeouts. */
export interface ConnectionLimits extends ConnectionQuotaLimits {
  readonly idleTimeoutMs: number;
  readonly requestReceiveTimeoutMs: number;
  readonly listenBacklog: number;
}

/** Parses a Java properties file (`key=value` / `key: value`, `#`/`!` comments). */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const match = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (match) out[match[1]!] = match[2]!;
  }
  return out;
}

/** Reads `SAMSA_*` variables as Kafka config names. */
export function configFromEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith('SAMSA_') || value === undefined || key === 'SAMSA_LOG_LEVEL') continue;
    out[key.slice('SAMSA_'.length).toLowerCase().replaceAll('_', '.')] = value;
  }
  return out;
}

export function loadPropertiesFile(path: string): Record<string, string> {
  return parseProperties(readFileSync(path, 'utf8'));
}

function parseTyped(name: string, type: BrokerConfigDef['type'], value: string): void {
  if (type === 'int' || type === 'long') {
    if (!/^-?\d+$/.test(value.trim()))
      throw new InvalidConfigError(`${name} must be an integer, got '${value}'`);
  } else if (type === 'double') {
    if (value.trim() === '' || Number.isNaN(Number(value)))
      throw new InvalidConfigError(`${name} must be a number`);
  } else if (type === 'boolean') {
    if (!/^(true|false)$/i.test(value.trim())) throw new InvalidConfigError(`${name} must be true or false`);
  }
}

/** Resolves the broker configuration from layered sources (later sources win). */
export function resolveBrokerConfig(...sources: Record<string, string>[]): BrokerConfig {
  const values = new Map<string, string>();
  const explicit = new Set<string>();
  const known = new Map<string, BrokerConfigDef['type']>();
  for (const def of BROKER_CONFIG_DEFS) {
    values.set(def.name, def.default);
    known.set(def.name, def.type);
  }
  // The broker-level names of topic configs (log.retention.hours, ...) from the topic config table.
  for (const d of BROKER_SYNONYM_DEFS) {
    if (known.has(d.name)) continue;
    if (d.default !== null) values.set(d.name, d.default);
    known.set(d.name, d.type as BrokerConfigDef['type']);
  }
  for (const source of sources) {
    for (const [name, value] of Object.entries(source)) {
      // Kafka accepts `log.dir` as well as `log.dirs`; we run one data directory.
      const key = name === 'log.dir' ? 'log.dirs' : name;
      const type =
        known.get(key) ?? (isListenerPrefixed(key) || isAdminClientSetting(key) ? 'string' : undefined);
      if (type === undefined) continue; // unknown names are ignored, as Kafka warns and ignores them
      parseTyped(key, type, value);
      values.set(key, value.trim());
      explicit.add(key);
    }
  }
  const int = (name: string) => Number.parseInt(values.get(name)!, 10);
  const bool = (name: string) => values.get(name)!.toLowerCase() === 'true';

  const topicDefaults = topicDefaultsFromBroker(
    (name) => explicit.has(name),
    (name) => values.get(name)!,
  );
  const logDefaults = logConfigFrom(DEFAULT_LOG_CONFIG, topicDefaults);

  return {
    brokerId: int('broker.id'),
    host: values.get('host')!,
    port: int('port'),
    advertisedHost: values.get('advertised.host.name') || values.get('host')!,
    advertisedPort: int('advertised.port'),
    dataDir: values.get('log.dirs')!,
    autoCreateTopicsEnable: bool('auto.create.topics.enable'),
    numPartitions: int('num.partitions'),
    defaultReplicationFactor: int('default.replication.factor'),
    deleteTopicEnable: bool('delete.topic.enable'),
    socketRequestMaxBytes: int('socket.request.max.bytes'),
    queuedMaxRequestBytes: int('queued.max.request.bytes'),
    connectionMaxInflightBytes: int('connection.max.inflight.bytes'),
    connectionLimits: {
      idleTimeoutMs: int('connections.max.idle.ms'),
      requestReceiveTimeoutMs: int('socket.request.receive.timeout.ms'),
      maxConnections: int('max.connections'),
      maxConnectionsPerIp: int('max.connections.per.ip'),
      maxConnectionsPerIpOverrides: parseConnectionOverrides(values.get('max.connections.per.ip.overrides')!),
      maxConnectionCreationRate: int('max.connection.creation.rate'),
      listenBacklog: int('socket.listen.backlog.size'),
    },
    logRetentionCheckIntervalMs: int('log.retention.check.interval.ms'),
    logFlushSchedulerIntervalMs: int('log.flush.scheduler.interval.ms'),
    logFlushOffsetCheckpointIntervalMs: int('log.flush.offset.checkpoint.interval.ms'),
    producerIdExpirationMs: int('producer.id.expiration.ms'),
    producerIdExpirationCheckIntervalMs: int('producer.id.expiration.check.interval.ms'),
    offsetsTopicNumPartitions: int('offsets.topic.num.partitions'),
    offsetsTopicSegmentBytes: int('offsets.topic.segment.bytes'),
    offsetsRetentionMinutes: int('offsets.retention.minutes'),
    offsetsRetentionCheckIntervalMs: int('offsets.retention.check.interval.ms'),
    offsetMetadataMaxBytes: int('offset.metadata.max.bytes'),
    offsetsCommitTimeoutMs: int('offsets.commit.timeout.ms'),
    groupInitialRebalanceDelayMs: int('group.initial.rebalance.delay.ms'),
    groupMinSessionTimeoutMs: int('group.min.session.timeout.ms'),
    groupMaxSessionTimeoutMs: int('group.max.session.timeout.ms'),
    groupMaxSize: int('group.max.size'),
    shutdownTimeoutMs: int('shutdown.timeout.ms'),
    adminListener: parseAdminListener(
      values.get('admin.listener')!,
      // A broker asked for a free Kafka port gets a free admin port too, unless told otherwise.
      !explicit.has('admin.listener') && int('port') === 0,
    ),
    adminRequestMaxBytes: int('admin.request.max.bytes'),
    adminRequestTimeoutMs: int('admin.request.timeout.ms'),
    metricsPerPartition: bool('metrics.per.partition.enable'),
    produceValidationOffloadBytes:
      int('produce.validation.offload.bytes') < 0
        ? Number.POSITIVE_INFINITY
        : int('produce.validation.offload.bytes'),
    replication: {
      replicaLagTimeMaxMs: int('replica.lag.time.max.ms'),
      replicaFetchWaitMaxMs: int('replica.fetch.wait.max.ms'),
      replicaFetchMinBytes: int('replica.fetch.min.bytes'),
      replicaFetchMaxBytes: int('replica.fetch.max.bytes'),
      replicaFetchResponseMaxBytes: int('replica.fetch.response.max.bytes'),
      replicaFetchBackoffMs: int('replica.fetch.backoff.ms'),
      replicaSocketTimeoutMs: int('replica.socket.timeout.ms'),
      numReplicaFetchers: int('num.replica.fetchers'),
    },
    cleaner: {
      enable: bool('log.cleaner.enable'),
      numThreads: Math.max(1, int('log.cleaner.threads')),
      dedupeBufferSize: Number(values.get('log.cleaner.dedupe.buffer.size')),
      dedupeBufferLoadFactor: Number(values.get('log.cleaner.io.buffer.load.factor')),
      ioBufferSize: int('log.cleaner.io.buffer.size'),
      maxIoBytesPerSecond: Number(values.get('log.cleaner.io.max.bytes.per.second')),
      busyShare: Number(values.get('log.cleaner.busy.share')),
      backoffMs: int('log.cleaner.backoff.ms'),
    },
    logDefaults,
    values,
    explicit,
  };
}

export interface AdminListenerAddress {
  readonly host: string;
  readonly port: number;
  /** `https://HOST:PORT`: TLS with the broker's keystore. */
  readonly tls: boolean;
}

/** `[http://|https://]HOST:PORT`, `:PORT` or `none`; `freePort` turns the port into 0. */
export function parseAdminListener(value: string, freePort: boolean): AdminListenerAddress | null {
  const text = value.trim();
  if (text === '' || text.toLowerCase() === 'none') return null;
  const tls = /^https:\/\//i.test(text);
  const match = /^(?:(.*):)?(\d+)$/.exec(text.replace(/^https?:\/\//i, ''));
  if (!match) throw new InvalidConfigError(`admin.listener must be HOST:PORT or none, got '${value}'`);
  const port = Number(match[2]);
  if (port > 65535) throw new InvalidConfigError(`admin.listener port ${port} is out of range`);
  return { host: match[1] || '127.0.0.1', port: freePort ? 0 : port, tls };
}
