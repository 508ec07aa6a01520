import { readFileSync } from 'node:fs';
import {
  DEFAULT_LOG_CONFIG,
  type LogConfig,
  logConfigFrom,
  TOPIC_CONFIG_DEFS,
} from '../storage/log-config.js';
import { InvalidConfigError } from '../util/errors.js';
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
  {
    name: 'shutdown.timeout.ms',
    type: 'long',
    default: '30000',
    doc: 'How long a graceful shutdown waits for in-flight requests',
  },
  ...SECURITY_CONFIG_DEFS,
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
  readonly groupInitialRebalanceDelayMs: number;
  readonly groupMinSessionTimeoutMs: number;
  readonly groupMaxSessionTimeoutMs: number;
  readonly groupMaxSize: number;
  readonly shutdownTimeoutMs: number;
  /** Defaults for every topic, from the broker-level `log.*` names. */
  readonly logDefaults: LogConfig;
  /** Every setting by Kafka name, as resolved (for DescribeConfigs on the broker resource). */
  readonly values: ReadonlyMap<string, string>;
  /** Names whose value came from the file, environment or an override rather than the default. */
  readonly explicit: ReadonlySet<string>;
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
  const topicByBrokerName = new Map(TOPIC_CONFIG_DEFS.map((d) => [d.brokerName, d]));
  for (const d of TOPIC_CONFIG_DEFS) {
    values.set(d.brokerName, d.default);
    known.set(d.brokerName, d.type === 'class' ? 'string' : (d.type as BrokerConfigDef['type']));
  }
  for (const source of sources) {
    for (const [name, value] of Object.entries(source)) {
      // Kafka accepts `log.dir` as well as `log.dirs`; we run one data directory.
      const key = name === 'log.dir' ? 'log.dirs' : name;
      const type = known.get(key) ?? (isListenerPrefixed(key) ? 'string' : undefined);
      if (type === undefined) continue; // unknown names are ignored, as Kafka warns and ignores them
      parseTyped(key, type, value);
      values.set(key, value.trim());
      explicit.add(key);
    }
  }
  const int = (name: string) => Number.parseInt(values.get(name)!, 10);
  const bool = (name: string) => values.get(name)!.toLowerCase() === 'true';

  const topicOverrides: Record<string, string> = {};
  for (const [brokerName, def] of topicByBrokerName) {
    if (explicit.has(brokerName)) topicOverrides[def.name] = values.get(brokerName)!;
  }
  // message.max.bytes is the broker-level name of max.message.bytes.
  if (explicit.has('message.max.bytes') && !explicit.has('max.message.bytes')) {
    topicOverrides['max.message.bytes'] = values.get('message.max.bytes')!;
  }
  const logDefaults = logConfigFrom(DEFAULT_LOG_CONFIG, topicOverrides);

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
    groupInitialRebalanceDelayMs: int('group.initial.rebalance.delay.ms'),
    groupMinSessionTimeoutMs: int('group.min.session.timeout.ms'),
    groupMaxSessionTimeoutMs: int('group.max.session.timeout.ms'),
    groupMaxSize: int('group.max.size'),
    shutdownTimeoutMs: int('shutdown.timeout.ms'),
    logDefaults,
    values,
    explicit,
  };
}
