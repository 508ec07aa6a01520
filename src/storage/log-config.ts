import { InvalidConfigError } from '../util/errors.js';

/**
 * Per-topic log settings, named after Kafka's topic configs (`TopicConfig.java`, `LogConfig.java`).
 * Kafka's `Long.MAX_VALUE` ("never") is `Number.MAX_SAFE_INTEGER` here; durations are ms.
 */
export interface LogConfig {
  segmentBytes: number;
  segmentMs: number;
  retentionMs: number;
  retentionBytes: number;
  maxMessageBytes: number;
  messageTimestampType: 'CreateTime' | 'LogAppendTime';
  cleanupPolicy: string;
  flushMessages: number;
  flushMs: number;
  indexIntervalBytes: number;
  segmentIndexBytes: number;
  fileDeleteDelayMs: number;
  minInsyncReplicas: number;
  compressionType: string;
  // The settings below are read by the cleaner, replication and DescribeConfigs.
  segmentJitterMs: number;
  deleteRetentionMs: number;
  minCompactionLagMs: number;
  maxCompactionLagMs: number;
  minCleanableDirtyRatio: number;
  messageTimestampDifferenceMaxMs: number;
  uncleanLeaderElectionEnable: boolean;
  preallocate: boolean;
  messageDownconversionEnable: boolean;
}

export type ConfigType = 'int' | 'long' | 'string' | 'boolean' | 'list' | 'class' | 'double';

export interface TopicConfigDef {
  /** Topic-level name, e.g. `retention.ms`. */
  name: string;
  /** The broker-level default's name, e.g. `log.retention.ms`. */
  brokerName: string;
  type: ConfigType;
  /** Kafka's default, as Kafka prints it. */
  default: string;
  key: keyof LogConfig;
  /** Error text for a value that parses but is out of range; undefined when valid. */
  validate?(value: string): string | undefined;
}

/** Kafka's Long.MAX_VALUE, the "never" of flush.messages, flush.ms and max.compaction.lag.ms. */
export const LONG_MAX = '9223372036854775807';

const atLeast =
  (min: number) =>
  (value: string): string | undefined =>
    Number(value) < min ? `Value must be at least ${min}` : undefined;

const oneOf =
  (...allowed: string[]) =>
  (value: string): string | undefined =>
    allowed.includes(value) ? undefined : `String must be one of: ${allowed.join(', ')}`;

const listOf =
  (...allowed: string[]) =>
  (value: string): string | undefined => {
    const items = splitList(value);
    const bad = items.find((item) => !allowed.includes(item));
    if (bad !== undefined) return `Invalid value ${bad}; must be one of [${allowed.join(', ')}]`;
    return items.length === 0 ? 'Empty list' : undefined;
  };

/** Topic configs and defaults as in Kafka 3.x `LogConfig.java` / `ServerLogConfigs.java`. */
// biome-ignore format: one config per line reads as a table
export const TOPIC_CONFIG_DEFS: readonly TopicConfigDef[] = [
  { name: 'cleanup.policy', brokerName: 'log.cleanup.policy', type: 'list', default: 'delete', key: 'cleanupPolicy', validate: listOf('compact', 'delete') },
  { name: 'compression.type', brokerName: 'compression.type', type: 'string', default: 'producer', key: 'compressionType', validate: oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer') },
  { name: 'delete.retention.ms', brokerName: 'log.cleaner.delete.retention.ms', type: 'long', default: '86400000', key: 'deleteRetentionMs', validate: atLeast(0) },
  { name: 'file.delete.delay.ms', brokerName: 'log.segment.delete.delay.ms', type: 'long', default: '60000', key: 'fileDeleteDelayMs', validate: atLeast(0) },
  { name: 'flush.messages', brokerName: 'log.flush.interval.messages', type: 'long', default: LONG_MAX, key: 'flushMessages', validate: atLeast(1) },
  { name: 'flush.ms', brokerName: 'log.flush.interval.ms', type: 'long', default: LONG_MAX, key: 'flushMs', validate: atLeast(0) },
  { name: 'index.interval.bytes', brokerName: 'log.index.interval.bytes', type: 'int', default: '4096', key: 'indexIntervalBytes', validate: atLeast(0) },
  { name: 'max.compaction.lag.ms', brokerName: 'log.cleaner.max.compaction.lag.ms', type: 'long', default: LONG_MAX, key: 'maxCompactionLagMs', validate: atLeast(1) },
  { name: 'max.message.bytes', brokerName: 'message.max.bytes', type: 'int', default: '1048588', key: 'maxMessageBytes', validate: atLeast(0) },
  { name: 'message.downconversion.enable', brokerName: 'log.message.downconversion.enable', type: 'boolean', default: 'true', key: 'messageDownconversionEnable' },
  { name: 'message.timestamp.difference.max.ms', brokerName: 'log.message.timestamp.difference.max.ms', type: 'long', default: LONG_MAX, key: 'messageTimestampDifferenceMaxMs', validate: atLeast(0) },
  { name: 'message.timestamp.type', brokerName: 'log.message.timestamp.type', type: 'string', default: 'CreateTime', key: 'messageTimestampType', validate: oneOf('CreateTime', 'LogAppendTime') },
  { name: 'min.cleanable.dirty.ratio', brokerName: 'log.cleaner.min.cleanable.ratio', type: 'double', default: '0.5', key: 'minCleanableDirtyRatio', validate: (v) => (Number(v) < 0 || Number(v) > 1 ? 'Value must be between 0 and 1' : undefined) },
  { name: 'min.compaction.lag.ms', brokerName: 'log.cleaner.min.compaction.lag.ms', type: 'long', default: '0', key: 'minCompactionLagMs', validate: atLeast(0) },
  { name: 'min.insync.replicas', brokerName: 'min.insync.replicas', type: 'int', default: '1', key: 'minInsyncReplicas', validate: atLeast(1) },
  { name: 'preallocate', brokerName: 'log.preallocate', type: 'boolean', default: 'false', key: 'preallocate' },
  { name: 'retention.bytes', brokerName: 'log.retention.bytes', type: 'long', default: '-1', key: 'retentionBytes' },
  { name: 'retention.ms', brokerName: 'log.retention.ms', type: 'long', default: '604800000', key: 'retentionMs', validate: atLeast(-1) },
  // Kafka requires room for one legacy record (LegacyRecord.RECORD_OVERHEAD_V0 = 14 bytes).
  { name: 'segment.bytes', brokerName: 'log.segment.bytes', type: 'int', default: '1073741824', key: 'segmentBytes', validate: atLeast(14) },
  { name: 'segment.index.bytes', brokerName: 'log.index.size.max.bytes', type: 'int', default: '10485760', key: 'segmentIndexBytes', validate: atLeast(4) },
  { name: 'segment.jitter.ms', brokerName: 'log.roll.jitter.ms', type: 'long', default: '0', key: 'segmentJitterMs', validate: atLeast(0) },
  { name: 'segment.ms', brokerName: 'log.roll.ms', type: 'long', default: '604800000', key: 'segmentMs', validate: atLeast(1) },
  { name: 'unclean.leader.election.enable', brokerName: 'unclean.leader.election.enable', type: 'boolean', default: 'false', key: 'uncleanLeaderElectionEnable' },
];

const DEFS_BY_NAME = new Map(TOPIC_CONFIG_DEFS.map((def) => [def.name, def]));

export function topicConfigDef(name: string): TopicConfigDef | undefined {
  return DEFS_BY_NAME.get(name);
}

export const DEFAULT_LOG_CONFIG: LogConfig = Object.freeze(
  Object.fromEntries(
    TOPIC_CONFIG_DEFS.map((def) => [def.key, parseValue(def, def.default)]),
  ) as unknown as LogConfig,
);

/** `base` with topic-level overrides (`retention.ms` → ...) applied; throws InvalidConfigError. */
export function logConfigFrom(base: LogConfig, overrides: Record<string, string>): LogConfig {
  const config: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(overrides)) {
    const def = DEFS_BY_NAME.get(name);
    if (def === undefined) throw new InvalidConfigError(`Unknown topic config name: ${name}`);
    config[def.key] = parseValue(def, value);
  }
  return config as unknown as LogConfig;
}

/**
 * Broker-level defaults from server.properties-style settings (`log.retention.ms`, ...). Other
 * keys are ignored. As in Kafka, `log.retention.ms` wins over `.minutes`, which wins over `.hours`;
 * `log.roll.ms` over `log.roll.hours`.
 */
export function brokerLogConfigFrom(base: LogConfig, props: Record<string, string>): LogConfig {
  const config: Record<string, unknown> = { ...base };
  const hoursToMs = (key: string, perUnitMs: number): string | undefined =>
    props[key] === undefined ? undefined : String(Number(props[key]) * perUnitMs);
  const synonyms: Record<string, string | undefined> = {
    'log.retention.ms':
      props['log.retention.ms'] ??
      hoursToMs('log.retention.minutes', 60_000) ??
      hoursToMs('log.retention.hours', 3_600_000),
    'log.roll.ms': props['log.roll.ms'] ?? hoursToMs('log.roll.hours', 3_600_000),
    'log.roll.jitter.ms': props['log.roll.jitter.ms'] ?? hoursToMs('log.roll.jitter.hours', 3_600_000),
  };
  for (const def of TOPIC_CONFIG_DEFS) {
    const value = def.brokerName in synonyms ? synonyms[def.brokerName] : props[def.brokerName];
    if (value !== undefined) config[def.key] = parseValue(def, value, def.brokerName);
  }
  return config as unknown as LogConfig;
}

/** Each topic config's current value as Kafka prints it (for DescribeConfigs). */
export function logConfigToProperties(config: LogConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const def of TOPIC_CONFIG_DEFS) {
    const value = config[def.key];
    out[def.name] =
      (def.type === 'long' || def.type === 'int') && value === Number.MAX_SAFE_INTEGER
        ? LONG_MAX
        : String(value);
  }
  return out;
}

function parseValue(def: TopicConfigDef, raw: string, name = def.name): number | string | boolean {
  const value = raw.trim();
  const invalid = (why: string) =>
    new InvalidConfigError(`Invalid value ${raw} for configuration ${name}: ${why}`);
  let parsed: number | string | boolean;
  switch (def.type) {
    case 'int':
    case 'long': {
      if (!/^-?\d+$/.test(value)) throw invalid(`Not a number of type ${def.type.toUpperCase()}`);
      const big = BigInt(value);
      const [min, max] = def.type === 'int' ? [-(2n ** 31n), 2n ** 31n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n];
      if (big < min || big > max) throw invalid(`Not a number of type ${def.type.toUpperCase()}`);
      // Kafka's Long.MAX_VALUE means "never"; MAX_SAFE_INTEGER keeps it exact in a number.
      parsed = big > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(big);
      break;
    }
    case 'double':
      if (value === '' || Number.isNaN(Number(value))) throw invalid('Not a number of type DOUBLE');
      parsed = Number(value);
      break;
    case 'boolean':
      if (!/^(true|false)$/i.test(value)) throw invalid('Expected value to be either true or false');
      parsed = value.toLowerCase() === 'true';
      break;
    case 'list':
      parsed = splitList(value).join(',');
      break;
    default:
      parsed = value;
  }
  const error = def.validate?.(typeof parsed === 'string' ? parsed : value);
  if (error !== undefined) throw invalid(error);
  return parsed;
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
