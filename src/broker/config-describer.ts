import type { ConfigType } from '../storage/config-def.js';
import {
  BROKER_SYNONYM_DEFS,
  brokerConfigSynonyms,
  parseTopicConfig,
  TOPIC_CONFIG_DEFS,
  type TopicConfigDef,
  topicConfigDef,
  topicDefaultsFromBroker,
} from '../storage/topic-config-defs.js';
import { BROKER_CONFIG_DEFS, type BrokerConfig } from './config.js';

/**
 * DescribeConfigs entries built as Kafka 3.9's ConfigHelper builds them (`createTopicConfigEntry`,
 * `createBrokerConfigEntry`, `configSynonyms`), from the topic config table and the broker's
 * config layers.
 */

/** Kafka's DescribeConfigsResponse ConfigSource values. */
export const ConfigSource = {
  UNKNOWN: 0,
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

/** Kafka's DescribeConfigsResponse ConfigType values (DescribeConfigs v3+). */
const CONFIG_TYPE_IDS: Readonly<Record<ConfigType, number>> = {
  boolean: 1,
  string: 2,
  int: 3,
  short: 4,
  long: 5,
  double: 6,
  list: 7,
  class: 8,
  password: 9,
};

export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: number;
}

export interface DescribedConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  configSource: number;
  isSensitive: boolean;
  isDefault: boolean;
  synonyms: ConfigSynonym[];
  configType: number;
  documentation: string | null;
}

/** One source of broker config values, as DynamicBrokerConfig keeps them. */
interface ConfigLayer {
  readonly source: number;
  readonly values: ReadonlyMap<string, string>;
}

interface BrokerConfigInfo {
  readonly name: string;
  readonly type: ConfigType;
  readonly default: string | null;
  readonly doc: string;
}

/** Every broker config Samsa knows: its own settings, then the topic configs' broker synonyms. */
function brokerConfigInfos(): BrokerConfigInfo[] {
  const infos: BrokerConfigInfo[] = [...BROKER_CONFIG_DEFS];
  const seen = new Set(infos.map((info) => info.name));
  for (const def of BROKER_SYNONYM_DEFS) if (!seen.has(def.name)) infos.push(def);
  return infos;
}

const BROKER_CONFIG_INFOS = brokerConfigInfos();
const BROKER_CONFIG_INFO_BY_NAME = new Map(BROKER_CONFIG_INFOS.map((info) => [info.name, info]));

/**
 * The broker's config layers in Kafka's precedence: per-broker dynamic, cluster-wide dynamic
 * default, static (server.properties), default. Samsa's broker configs are static (file, env,
 * flags), so the two dynamic layers are empty and left out.
 */
function brokerLayers(broker: BrokerConfig): ConfigLayer[] {
  const statics = new Map<string, string>();
  for (const name of broker.explicit) statics.set(name, broker.values.get(name)!);
  const defaults = new Map<string, string>();
  for (const info of BROKER_CONFIG_INFOS) if (info.default !== null) defaults.set(info.name, info.default);
  return [
    { source: ConfigSource.STATIC_BROKER_CONFIG, values: statics },
    { source: ConfigSource.DEFAULT_CONFIG, values: defaults },
  ];
}

/**
 * ConfigHelper.configSynonyms: each layer's value of each name in `names`, layer by layer, then
 * everything before the first entry for `name` itself dropped. So `retention.ms`, whose broker
 * default comes from `log.retention.hours`, lists no synonym unless `log.retention.ms` is set.
 */
function configSynonyms(name: string, names: readonly string[], layers: ConfigLayer[]): ConfigSynonym[] {
  const all: ConfigSynonym[] = [];
  for (const layer of layers) {
    for (const n of names) {
      const value = layer.values.get(n);
      if (value !== undefined) all.push({ name: n, value, source: layer.source });
    }
  }
  const first = all.findIndex((s) => s.name === name);
  return first === -1 ? [] : all.slice(first);
}

function entry(
  name: string,
  value: string | null,
  synonyms: ConfigSynonym[],
  type: ConfigType | undefined,
  doc: string | null,
  readOnly: boolean,
): DescribedConfig {
  const configSource = synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG;
  // KafkaConfig.maybeSensitive: a password, or a config of unknown type.
  const isSensitive = type === undefined || type === 'password';
  return {
    name,
    value: isSensitive ? null : value,
    readOnly,
    configSource,
    isSensitive,
    isDefault: configSource === ConfigSource.DEFAULT_CONFIG,
    synonyms: isSensitive ? synonyms.map((s) => ({ ...s, value: null })) : synonyms,
    configType: type === undefined ? 0 : CONFIG_TYPE_IDS[type],
    documentation: doc,
  };
}

/** How Kafka prints a stored override: the parsed value (`TRUE` → `true`); as stored if it no longer parses. */
function canonicalOverride(def: TopicConfigDef, raw: string): string {
  try {
    return parseTopicConfig(def, raw).canonical;
  } catch {
    return raw;
  }
}

/** The names to answer for: the request's, in its order and once each, or every known one. */
function selectNames(all: readonly string[], requested: readonly string[] | null | undefined): string[] {
  if (requested === null || requested === undefined || requested.length === 0) return [...all];
  const known = new Set(all);
  return [...new Set(requested)].filter((name) => known.has(name));
}

/**
 * A topic's configs: its override, else the broker setting that gives its default, else
 * Kafka's default; synonyms as Kafka lists them. `names` selects and orders the entries.
 */
export function describeTopicConfigs(
  overrides: Readonly<Record<string, string>>,
  broker: BrokerConfig,
  names?: readonly string[] | null,
): DescribedConfig[] {
  const layers = brokerLayers(broker);
  const brokerDefaults = topicDefaultsFromBroker(
    (name) => broker.explicit.has(name),
    (name) => broker.values.get(name)!,
  );
  return selectNames(
    TOPIC_CONFIG_DEFS.map((def) => def.name),
    names,
  ).map((name) => {
    const def = topicConfigDef(name)!;
    const primary = def.synonyms[0];
    const synonyms =
      primary === undefined ? [] : configSynonyms(primary, brokerConfigSynonyms(primary), layers);
    const override = overrides[name];
    let value = brokerDefaults[name] ?? def.default;
    if (override !== undefined) {
      value = canonicalOverride(def, override);
      synonyms.unshift({ name, value, source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
    }
    return entry(name, value, synonyms, def.type, def.doc, false);
  });
}

/**
 * The broker's own configs. They are read-only here: Samsa's broker configs are static (file, env,
 * flags) and AlterConfigs refuses them, which Kafka's dynamic broker configs would accept.
 */
export function describeBrokerConfigs(
  broker: BrokerConfig,
  names?: readonly string[] | null,
): DescribedConfig[] {
  const layers = brokerLayers(broker);
  return selectNames(
    BROKER_CONFIG_INFOS.map((info) => info.name),
    names,
  ).map((name) => {
    const info = BROKER_CONFIG_INFO_BY_NAME.get(name)!;
    const synonyms = configSynonyms(name, brokerConfigSynonyms(name), layers);
    return entry(name, broker.values.get(name) ?? null, synonyms, info.type, info.doc, true);
  });
}
