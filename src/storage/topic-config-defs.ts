import {
  atLeast,
  between,
  type ConfigType,
  listOf,
  oneOf,
  type ParsedValue,
  parseAndValidate,
  type Validator,
} from './config-def.js';

/**
 * The one table of Kafka 3.9's topic configs (`LogConfig` / `TopicConfig`) and of the broker
 * configs that give them their defaults (`ServerTopicConfigSynonyms`, `KafkaConfig`). Parsing,
 * validation, broker-level defaults, DescribeConfigs (types, synonyms, documentation) and
 * docs/configs.md all read it.
 */
export interface TopicConfigDef {
  /** Topic-level name, e.g. `retention.ms`. */
  readonly name: string;
  readonly type: ConfigType;
  /** Kafka's default as Kafka prints it. */
  readonly default: string;
  readonly validator?: Validator;
  /**
   * Broker configs that set this topic config's default, highest precedence first (Kafka's
   * `ALL_TOPIC_CONFIG_SYNONYMS`): `retention.ms` ← `log.retention.ms`, `.minutes`, `.hours`.
   */
  readonly synonyms: readonly string[];
  readonly doc: string;
  /** Why Samsa stores and describes the config but does not act on it. */
  readonly unused?: string;
}

/** A broker config that is a topic config's synonym (those without a broker-only meaning elsewhere). */
export interface BrokerSynonymDef {
  readonly name: string;
  readonly type: ConfigType;
  /** Kafka's default; null where Kafka has none and a lower synonym decides (`log.retention.ms`). */
  readonly default: string | null;
  readonly validator?: Validator;
  readonly doc: string;
}

/** Kafka's Long.MAX_VALUE, the "never" of flush.messages, flush.ms and max.compaction.lag.ms. */
export const LONG_MAX = '9223372036854775807';

/** Kafka's LegacyRecord.RECORD_OVERHEAD_V0: a segment must hold one legacy record. */
const RECORD_OVERHEAD_V0 = 14;

const COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'];
const TIMESTAMP_TYPES = ['CreateTime', 'LogAppendTime'];

/** GzipCompression.LevelValidator: 1..9, or -1 for the codec's own default. */
const GZIP_LEVEL: Validator = {
  check: (parsed) => {
    const level = parsed.value as number;
    return level === -1 || (level >= 1 && level <= 9)
      ? undefined
      : { value: parsed.canonical, why: 'Value must be between 1 and 9 or equal to -1' };
  },
  validValues: '[1,...,9] or -1',
};

/** ThrottledReplicaListValidator: `*`, or `partition:broker` pairs. */
const THROTTLED_REPLICAS: Validator = {
  check: (parsed, name) => {
    const items = parsed.value as string[];
    if (items.every((item) => /^(\d+:\d+)?$/.test(item.trim())) || items.join('').trim() === '*') {
      return undefined;
    }
    return {
      value: `[${items.join(', ')}]`,
      why: `${name} must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...`,
    };
  },
  validValues: '[partitionId]:[brokerId],[partitionId]:[brokerId],...',
};

/** MetadataVersion ids Kafka 3.9 knows (`MetadataVersion.VERSIONS`), the values of message.format.version. */
const METADATA_VERSIONS = [
  '0.8.0',
  '0.8.1',
  '0.8.2',
  '0.9.0',
  '0.10.0-IV0',
  '0.10.0-IV1',
  '0.10.1-IV0',
  '0.10.1-IV1',
  '0.10.1-IV2',
  '0.10.2-IV0',
  '0.11.0-IV0',
  '0.11.0-IV1',
  '0.11.0-IV2',
  '1.0-IV0',
  '1.1-IV0',
  '2.0-IV0',
  '2.0-IV1',
  '2.1-IV0',
  '2.1-IV1',
  '2.1-IV2',
  '2.2-IV0',
  '2.2-IV1',
  '2.3-IV0',
  '2.3-IV1',
  '2.4-IV0',
  '2.4-IV1',
  '2.5-IV0',
  '2.6-IV0',
  '2.7-IV0',
  '2.7-IV1',
  '2.7-IV2',
  '2.8-IV0',
  '2.8-IV1',
  '3.0-IV0',
  '3.0-IV1',
  '3.1-IV0',
  '3.2-IV0',
  '3.3-IV0',
  '3.3-IV1',
  '3.3-IV2',
  '3.3-IV3',
  '3.4-IV0',
  '3.5-IV0',
  '3.5-IV1',
  '3.5-IV2',
  '3.6-IV0',
  '3.6-IV1',
  '3.6-IV2',
  '3.7-IV0',
  '3.7-IV1',
  '3.7-IV2',
  '3.7-IV3',
  '3.7-IV4',
  '3.8-IV0',
  '3.9-IV0',
];
/** Each version by its id and by its short form (`2.8` for 2.8-IV1: the last of a release wins). */
const METADATA_VERSION_KEYS = new Set(METADATA_VERSIONS.flatMap((v) => [v, v.replace(/-IV\d+$/, '')]));

/** MetadataVersionValidator via MetadataVersion.fromVersionString: `2.8`, `2.8.1` and `2.8-IV1` all name 2.8. */
const METADATA_VERSION: Validator = {
  check: (parsed) => {
    const version = parsed.canonical;
    const segments = version.split('.');
    const keep = version.startsWith('0.') ? 3 : 2;
    const key = segments.length <= keep ? version : segments.slice(0, keep).join('.');
    return METADATA_VERSION_KEYS.has(key)
      ? undefined
      : { value: version, why: `Version ${version} is not a valid version` };
  },
  validValues: `[${[...new Set(METADATA_VERSIONS.map((v) => v.replace(/-IV\d+$/, '')))].join(', ')}]`,
};

const NOT_REPLICATED = 'single-node Samsa has no follower replication to throttle';
const NO_TIERED_STORAGE = 'Samsa has no tiered storage';
const NO_TIMESTAMP_BOUNDS = 'Samsa does not bound CreateTime timestamps by the broker clock';

/** Kafka 3.9's topic configs, by name. */
// biome-ignore format: one config per entry reads as a table
export const TOPIC_CONFIG_DEFS: readonly TopicConfigDef[] = [
  { name: 'cleanup.policy', type: 'list', default: 'delete', validator: listOf('compact', 'delete'), synonyms: ['log.cleanup.policy'],
    doc: 'Retention policy for old log segments: "delete" removes them by time or size, "compact" keeps the latest value per key; both may be given.' },
  { name: 'compression.gzip.level', type: 'int', default: '-1', validator: GZIP_LEVEL, synonyms: ['compression.gzip.level'],
    doc: 'Compression level when compression.type is gzip.', unused: 'Samsa compresses gzip at its codec default' },
  { name: 'compression.lz4.level', type: 'int', default: '9', validator: between(1, 17), synonyms: ['compression.lz4.level'],
    doc: 'Compression level when compression.type is lz4.', unused: 'Samsa compresses lz4 at its codec default' },
  { name: 'compression.type', type: 'string', default: 'producer', validator: oneOf(...COMPRESSION_TYPES), synonyms: ['compression.type'],
    doc: 'Final compression of the topic\'s batches: a codec name, "uncompressed", or "producer" to keep what the producer sent.' },
  { name: 'compression.zstd.level', type: 'int', default: '3', validator: between(-131072, 22), synonyms: ['compression.zstd.level'],
    doc: 'Compression level when compression.type is zstd.', unused: 'Samsa compresses zstd at its codec default' },
  { name: 'delete.retention.ms', type: 'long', default: '86400000', validator: atLeast(0), synonyms: ['log.cleaner.delete.retention.ms'],
    doc: 'How long tombstones are kept on compacted topics, so that a consumer reading from the start sees them.' },
  { name: 'file.delete.delay.ms', type: 'long', default: '60000', validator: atLeast(0), synonyms: ['log.segment.delete.delay.ms'],
    doc: 'Time to wait before deleting a file from the filesystem.' },
  { name: 'flush.messages', type: 'long', default: LONG_MAX, validator: atLeast(1), synonyms: ['log.flush.interval.messages'],
    doc: 'Number of messages appended to a partition before its log is forced to disk.' },
  { name: 'flush.ms', type: 'long', default: LONG_MAX, validator: atLeast(0), synonyms: ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'],
    doc: 'Time a message may stay in the log before the log is forced to disk.' },
  { name: 'follower.replication.throttled.replicas', type: 'list', default: '', validator: THROTTLED_REPLICAS, synonyms: [],
    doc: 'Replicas whose replication is throttled on the follower side, as [PartitionId]:[BrokerId] pairs or the wildcard "*".', unused: NOT_REPLICATED },
  { name: 'index.interval.bytes', type: 'int', default: '4096', validator: atLeast(0), synonyms: ['log.index.interval.bytes'],
    doc: 'Bytes appended between two offset index entries.' },
  { name: 'leader.replication.throttled.replicas', type: 'list', default: '', validator: THROTTLED_REPLICAS, synonyms: [],
    doc: 'Replicas whose replication is throttled on the leader side, as [PartitionId]:[BrokerId] pairs or the wildcard "*".', unused: NOT_REPLICATED },
  { name: 'local.retention.bytes', type: 'long', default: '-2', validator: atLeast(-2), synonyms: ['log.local.retention.bytes'],
    doc: 'Bytes of a tiered partition kept on local disk; -2 takes retention.bytes.', unused: NO_TIERED_STORAGE },
  { name: 'local.retention.ms', type: 'long', default: '-2', validator: atLeast(-2), synonyms: ['log.local.retention.ms'],
    doc: 'Time a tiered partition\'s segments stay on local disk; -2 takes retention.ms.', unused: NO_TIERED_STORAGE },
  { name: 'max.compaction.lag.ms', type: 'long', default: LONG_MAX, validator: atLeast(1), synonyms: ['log.cleaner.max.compaction.lag.ms'],
    doc: 'Longest time a message stays ineligible for compaction.' },
  { name: 'max.message.bytes', type: 'int', default: '1048588', validator: atLeast(0), synonyms: ['message.max.bytes'],
    doc: 'Largest record batch the topic accepts, after compression.' },
  { name: 'message.downconversion.enable', type: 'boolean', default: 'true', synonyms: ['log.message.downconversion.enable'],
    doc: 'Whether fetches by old consumers may down-convert batches to older message formats.' },
  { name: 'message.format.version', type: 'string', default: '3.0-IV1', validator: METADATA_VERSION, synonyms: ['log.message.format.version'],
    doc: 'Deprecated: the message format version; ignored since inter-broker protocol 3.0.', unused: 'deprecated in Kafka 3.0, which ignores it' },
  { name: 'message.timestamp.after.max.ms', type: 'long', default: LONG_MAX, validator: atLeast(0), synonyms: ['log.message.timestamp.after.max.ms'],
    doc: 'How far a CreateTime timestamp may lie after the broker\'s time.', unused: NO_TIMESTAMP_BOUNDS },
  { name: 'message.timestamp.before.max.ms', type: 'long', default: LONG_MAX, validator: atLeast(0), synonyms: ['log.message.timestamp.before.max.ms'],
    doc: 'How far a CreateTime timestamp may lie before the broker\'s time.', unused: NO_TIMESTAMP_BOUNDS },
  { name: 'message.timestamp.difference.max.ms', type: 'long', default: LONG_MAX, validator: atLeast(0), synonyms: ['log.message.timestamp.difference.max.ms'],
    doc: 'Deprecated: the largest difference allowed between a CreateTime timestamp and the broker\'s time.' },
  { name: 'message.timestamp.type', type: 'string', default: 'CreateTime', validator: oneOf(...TIMESTAMP_TYPES), synonyms: ['log.message.timestamp.type'],
    doc: 'Whether record timestamps are the producer\'s (CreateTime) or the broker\'s append time (LogAppendTime).' },
  { name: 'min.cleanable.dirty.ratio', type: 'double', default: '0.5', validator: between(0, 1), synonyms: ['log.cleaner.min.cleanable.ratio'],
    doc: 'Share of the log that must be uncompacted before the cleaner compacts it.' },
  { name: 'min.compaction.lag.ms', type: 'long', default: '0', validator: atLeast(0), synonyms: ['log.cleaner.min.compaction.lag.ms'],
    doc: 'Shortest time a message stays uncompacted.' },
  { name: 'min.insync.replicas', type: 'int', default: '1', validator: atLeast(1), synonyms: ['min.insync.replicas'],
    doc: 'Fewest in-sync replicas that must acknowledge a write with acks=all.' },
  { name: 'preallocate', type: 'boolean', default: 'false', synonyms: ['log.preallocate'],
    doc: 'Whether a new segment\'s file is preallocated on disk.' },
  { name: 'remote.log.copy.disable', type: 'boolean', default: 'false', synonyms: [],
    doc: 'Stop copying segments of a tiered topic to remote storage.', unused: NO_TIERED_STORAGE },
  { name: 'remote.log.delete.on.disable', type: 'boolean', default: 'false', synonyms: [],
    doc: 'Delete a topic\'s remote data when its remote storage is turned off.', unused: NO_TIERED_STORAGE },
  { name: 'remote.storage.enable', type: 'boolean', default: 'false', synonyms: [],
    doc: 'Tiered storage for the topic; refused while the broker has tiered storage disabled.', unused: NO_TIERED_STORAGE },
  { name: 'retention.bytes', type: 'long', default: '-1', synonyms: ['log.retention.bytes'],
    doc: 'Largest size a partition may grow to before old segments are deleted; -1 for no limit.' },
  { name: 'retention.ms', type: 'long', default: '604800000', validator: atLeast(-1), synonyms: ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'],
    doc: 'Longest time a segment is kept before it is deleted; -1 for no limit.' },
  { name: 'segment.bytes', type: 'int', default: '1073741824', validator: atLeast(RECORD_OVERHEAD_V0), synonyms: ['log.segment.bytes'],
    doc: 'Size of a log segment file.' },
  { name: 'segment.index.bytes', type: 'int', default: '10485760', validator: atLeast(4), synonyms: ['log.index.size.max.bytes'],
    doc: 'Size of the index that maps offsets to file positions.' },
  { name: 'segment.jitter.ms', type: 'long', default: '0', validator: atLeast(0), synonyms: ['log.roll.jitter.ms', 'log.roll.jitter.hours'],
    doc: 'Most random jitter subtracted from segment.ms, so that segments do not all roll at once.' },
  { name: 'segment.ms', type: 'long', default: '604800000', validator: atLeast(1), synonyms: ['log.roll.ms', 'log.roll.hours'],
    doc: 'Time after which a segment is rolled even if it is not full.' },
  { name: 'unclean.leader.election.enable', type: 'boolean', default: 'false', synonyms: ['unclean.leader.election.enable'],
    doc: 'Whether a replica outside the ISR may become leader as a last resort.' },
];

/**
 * The broker-side synonyms with their KafkaConfig type and default. `message.max.bytes` and
 * `log.flush.scheduler.interval.ms` are broker settings of their own, defined with the others.
 */
// biome-ignore format: one config per line reads as a table
export const BROKER_SYNONYM_DEFS: readonly BrokerSynonymDef[] = [
  { name: 'compression.gzip.level', type: 'int', default: '-1', validator: GZIP_LEVEL, doc: 'Default compression.gzip.level of topics' },
  { name: 'compression.lz4.level', type: 'int', default: '9', validator: between(1, 17), doc: 'Default compression.lz4.level of topics' },
  { name: 'compression.type', type: 'string', default: 'producer', validator: oneOf(...COMPRESSION_TYPES), doc: 'Default compression.type of topics' },
  { name: 'compression.zstd.level', type: 'int', default: '3', validator: between(-131072, 22), doc: 'Default compression.zstd.level of topics' },
  { name: 'log.cleaner.delete.retention.ms', type: 'long', default: '86400000', validator: atLeast(0), doc: 'Default delete.retention.ms of topics' },
  { name: 'log.cleaner.max.compaction.lag.ms', type: 'long', default: LONG_MAX, validator: atLeast(1), doc: 'Default max.compaction.lag.ms of topics' },
  { name: 'log.cleaner.min.cleanable.ratio', type: 'double', default: '0.5', validator: between(0, 1), doc: 'Default min.cleanable.dirty.ratio of topics' },
  { name: 'log.cleaner.min.compaction.lag.ms', type: 'long', default: '0', validator: atLeast(0), doc: 'Default min.compaction.lag.ms of topics' },
  { name: 'log.cleanup.policy', type: 'list', default: 'delete', validator: listOf('compact', 'delete'), doc: 'Default cleanup.policy of topics' },
  { name: 'log.flush.interval.messages', type: 'long', default: LONG_MAX, validator: atLeast(1), doc: 'Default flush.messages of topics' },
  { name: 'log.flush.interval.ms', type: 'long', default: null, doc: 'Default flush.ms of topics; unset, log.flush.scheduler.interval.ms is used when set' },
  { name: 'log.index.interval.bytes', type: 'int', default: '4096', validator: atLeast(0), doc: 'Default index.interval.bytes of topics' },
  { name: 'log.index.size.max.bytes', type: 'int', default: '10485760', validator: atLeast(4), doc: 'Default segment.index.bytes of topics' },
  { name: 'log.local.retention.bytes', type: 'long', default: '-2', validator: atLeast(-2), doc: 'Default local.retention.bytes of topics' },
  { name: 'log.local.retention.ms', type: 'long', default: '-2', validator: atLeast(-2), doc: 'Default local.retention.ms of topics' },
  { name: 'log.message.downconversion.enable', type: 'boolean', default: 'true', doc: 'Default message.downconversion.enable of topics' },
  { name: 'log.message.format.version', type: 'string', default: '3.0-IV1', validator: METADATA_VERSION, doc: 'Deprecated default message.format.version of topics' },
  { name: 'log.message.timestamp.after.max.ms', type: 'long', default: LONG_MAX, validator: atLeast(0), doc: 'Default message.timestamp.after.max.ms of topics' },
  { name: 'log.message.timestamp.before.max.ms', type: 'long', default: LONG_MAX, validator: atLeast(0), doc: 'Default message.timestamp.before.max.ms of topics' },
  { name: 'log.message.timestamp.difference.max.ms', type: 'long', default: LONG_MAX, validator: atLeast(0), doc: 'Deprecated default message.timestamp.difference.max.ms of topics' },
  { name: 'log.message.timestamp.type', type: 'string', default: 'CreateTime', validator: oneOf(...TIMESTAMP_TYPES), doc: 'Default message.timestamp.type of topics' },
  { name: 'log.preallocate', type: 'boolean', default: 'false', doc: 'Default preallocate of topics' },
  { name: 'log.retention.bytes', type: 'long', default: '-1', doc: 'Default retention.bytes of topics' },
  { name: 'log.retention.hours', type: 'int', default: '168', doc: 'Default retention.ms of topics, in hours; below log.retention.minutes' },
  { name: 'log.retention.minutes', type: 'int', default: null, doc: 'Default retention.ms of topics, in minutes; below log.retention.ms' },
  { name: 'log.retention.ms', type: 'long', default: null, doc: 'Default retention.ms of topics' },
  { name: 'log.roll.hours', type: 'int', default: '168', validator: atLeast(1), doc: 'Default segment.ms of topics, in hours; below log.roll.ms' },
  { name: 'log.roll.jitter.hours', type: 'int', default: '0', validator: atLeast(0), doc: 'Default segment.jitter.ms of topics, in hours; below log.roll.jitter.ms' },
  { name: 'log.roll.jitter.ms', type: 'long', default: null, doc: 'Default segment.jitter.ms of topics' },
  { name: 'log.roll.ms', type: 'long', default: null, doc: 'Default segment.ms of topics' },
  { name: 'log.segment.bytes', type: 'int', default: '1073741824', validator: atLeast(RECORD_OVERHEAD_V0), doc: 'Default segment.bytes of topics' },
  { name: 'log.segment.delete.delay.ms', type: 'long', default: '60000', validator: atLeast(0), doc: 'Default file.delete.delay.ms of topics' },
  { name: 'min.insync.replicas', type: 'int', default: '1', validator: atLeast(1), doc: 'Default min.insync.replicas of topics' },
  { name: 'unclean.leader.election.enable', type: 'boolean', default: 'false', doc: 'Default unclean.leader.election.enable of topics' },
];

const DEFS_BY_NAME = new Map(TOPIC_CONFIG_DEFS.map((def) => [def.name, def]));
const SYNONYM_DEFS_BY_NAME = new Map(BROKER_SYNONYM_DEFS.map((def) => [def.name, def]));
/** Kafka's ConfigSynonym converters: these broker synonyms count in coarser units than the topic config. */
const SYNONYM_UNIT_MS: ReadonlyMap<string, number> = new Map([
  ['log.retention.minutes', 60_000],
  ['log.retention.hours', 3_600_000],
  ['log.roll.hours', 3_600_000],
  ['log.roll.jitter.hours', 3_600_000],
]);

export function topicConfigDef(name: string): TopicConfigDef | undefined {
  return DEFS_BY_NAME.get(name);
}

export function brokerSynonymDef(name: string): BrokerSynonymDef | undefined {
  return SYNONYM_DEFS_BY_NAME.get(name);
}

/** The topic config a broker config is a synonym of (`log.retention.hours` → retention.ms). */
export function topicConfigOfSynonym(brokerName: string): TopicConfigDef | undefined {
  return TOPIC_CONFIG_DEFS.find((def) => def.synonyms.includes(brokerName));
}

/**
 * DynamicBrokerConfig.brokerConfigSynonyms: the broker names that stand for the same setting as
 * `brokerName`, highest precedence first. The unit variants (`log.retention.hours`) belong to
 * their group whichever member is named; `log.flush.scheduler.interval.ms` stands alone, being a
 * setting of its own that only defaults `log.flush.interval.ms`.
 */
export function brokerConfigSynonyms(brokerName: string): readonly string[] {
  const def = topicConfigOfSynonym(brokerName);
  if (def === undefined) return [brokerName];
  if (def.synonyms[0] === brokerName || SYNONYM_UNIT_MS.has(brokerName)) return def.synonyms;
  return [brokerName];
}

/** Parses a topic config value with its type and validator; throws ConfigValueError or InvalidConfigError. */
export function parseTopicConfig(def: TopicConfigDef, raw: string): ParsedValue {
  return parseAndValidate(def.name, def.type, raw, def.validator);
}

/**
 * The topic-config defaults that broker settings give (LogConfig.extractLogConfigMap): for each
 * topic config, the first of its synonyms that is set, converted to the topic config's unit.
 * `isSet` says which broker names were given (file, env, flags); `value` reads them. A synonym
 * that is a broker setting of its own (`message.max.bytes`) parses as the topic config. Throws
 * ConfigValueError naming the broker setting for a bad value.
 */
export function topicDefaultsFromBroker(
  isSet: (brokerName: string) => boolean,
  value: (brokerName: string) => string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const def of TOPIC_CONFIG_DEFS) {
    const synonym = def.synonyms.find(isSet);
    if (synonym === undefined) continue;
    const synonymDef = brokerSynonymDef(synonym);
    const parsed = parseAndValidate(
      synonym,
      synonymDef?.type ?? def.type,
      value(synonym),
      synonymDef?.validator,
    );
    const unit = SYNONYM_UNIT_MS.get(synonym);
    let canonical = unit === undefined ? parsed.canonical : String(BigInt(parsed.canonical) * BigInt(unit));
    // KafkaConfig.logRetentionTimeMillis: any negative retention means "forever".
    if (def.name === 'retention.ms' && BigInt(canonical) < 0n) canonical = '-1';
    out[def.name] = canonical;
  }
  return out;
}
