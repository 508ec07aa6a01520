import { InvalidConfigError } from '../util/errors.js';
import { ConfigDefError, type ParsedValue } from './config-def.js';
import { parseTopicConfig, TOPIC_CONFIG_DEFS, topicConfigDef } from './topic-config-defs.js';

export { LONG_MAX } from './topic-config-defs.js';

/**
 * The per-topic log settings Samsa acts on, named after Kafka's topic configs (`TopicConfig.java`,
 * `LogConfig.java`); the table of all of them is `topic-config-defs.ts`. Kafka's `Long.MAX_VALUE`
 * ("never") is `Number.MAX_SAFE_INTEGER` here; durations are ms.
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

/** Which LogConfig field each topic config fills; configs not listed are stored and described only. */
const FIELD_OF: Readonly<Record<string, keyof LogConfig>> = {
  'cleanup.policy': 'cleanupPolicy',
  'compression.type': 'compressionType',
  'delete.retention.ms': 'deleteRetentionMs',
  'file.delete.delay.ms': 'fileDeleteDelayMs',
  'flush.messages': 'flushMessages',
  'flush.ms': 'flushMs',
  'index.interval.bytes': 'indexIntervalBytes',
  'max.compaction.lag.ms': 'maxCompactionLagMs',
  'max.message.bytes': 'maxMessageBytes',
  'message.downconversion.enable': 'messageDownconversionEnable',
  'message.timestamp.difference.max.ms': 'messageTimestampDifferenceMaxMs',
  'message.timestamp.type': 'messageTimestampType',
  'min.cleanable.dirty.ratio': 'minCleanableDirtyRatio',
  'min.compaction.lag.ms': 'minCompactionLagMs',
  'min.insync.replicas': 'minInsyncReplicas',
  preallocate: 'preallocate',
  'retention.bytes': 'retentionBytes',
  'retention.ms': 'retentionMs',
  'segment.bytes': 'segmentBytes',
  'segment.index.bytes': 'segmentIndexBytes',
  'segment.jitter.ms': 'segmentJitterMs',
  'segment.ms': 'segmentMs',
  'unclean.leader.election.enable': 'uncleanLeaderElectionEnable',
};

/** The LogConfig field a topic config fills, if Samsa acts on it. */
export function logConfigFieldOf(name: string): keyof LogConfig | undefined {
  return FIELD_OF[name];
}

function fieldValue(parsed: ParsedValue): number | string | boolean {
  return Array.isArray(parsed.value) ? parsed.canonical : (parsed.value as number | string | boolean);
}

export const DEFAULT_LOG_CONFIG: LogConfig = Object.freeze(
  Object.fromEntries(
    TOPIC_CONFIG_DEFS.filter((def) => FIELD_OF[def.name] !== undefined).map((def) => [
      FIELD_OF[def.name],
      fieldValue(parseTopicConfig(def, def.default)),
    ]),
  ) as unknown as LogConfig,
);

/**
 * Kafka's LogConfig.validate for a topic's overrides: known names (InvalidConfigError "Unknown
 * topic config name"), values of the right type and range (ConfigValueError, Kafka's
 * ConfigException), then the checks across values. Returns each override's parsed value.
 */
export function validateTopicOverrides(
  base: LogConfig,
  overrides: Readonly<Record<string, string>>,
): Map<string, ParsedValue> {
  const parsed = new Map<string, ParsedValue>();
  for (const name of Object.keys(overrides)) {
    if (topicConfigDef(name) === undefined)
      throw new InvalidConfigError(`Unknown topic config name: ${name}`);
  }
  for (const [name, value] of Object.entries(overrides))
    parsed.set(name, parseTopicConfig(topicConfigDef(name)!, value));
  const number = (name: string, fallback: number) =>
    (parsed.get(name)?.value as number | undefined) ?? fallback;
  const minLag = number('min.compaction.lag.ms', base.minCompactionLagMs);
  const maxLag = number('max.compaction.lag.ms', base.maxCompactionLagMs);
  if (minLag > maxLag) {
    const print = (name: string, n: number) => parsed.get(name)?.canonical ?? String(n);
    throw new InvalidConfigError(
      `conflict topic config setting min.compaction.lag.ms (${print('min.compaction.lag.ms', minLag)}) > ` +
        `max.compaction.lag.ms (${print('max.compaction.lag.ms', maxLag)})`,
    );
  }
  // LogConfig.validateRemoteStorageOnlyIfSystemEnabled: Samsa's "remote.log.storage.system.enable" is false.
  if (parsed.get('remote.storage.enable')?.value === true) {
    throw new ConfigDefError(
      'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.',
    );
  }
  return parsed;
}

/** `base` with topic-level overrides (`retention.ms` → ...) applied; throws InvalidConfigError. */
export function logConfigFrom(base: LogConfig, overrides: Readonly<Record<string, string>>): LogConfig {
  const config: Record<string, unknown> = { ...base };
  for (const [name, parsed] of validateTopicOverrides(base, overrides)) {
    const field = FIELD_OF[name];
    if (field !== undefined) config[field] = fieldValue(parsed);
  }
  return config as unknown as LogConfig;
}
