import type { TopicMetadata } from '../cluster/metadata-store.js';
import { TOPIC_CONFIG_DEFS } from '../storage/log-config.js';
import { BROKER_CONFIG_DEFS, type BrokerConfig } from './config.js';

/** Kafka's DescribeConfigsResponse ConfigSource values. */
export const ConfigSource = {
  UNKNOWN: 0,
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

/** Kafka's ConfigType values (DescribeConfigs v3+). */
const ConfigType = {
  UNKNOWN: 0,
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  SHORT: 4,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
  CLASS: 8,
  PASSWORD: 9,
};

export interface DescribedConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  configSource: number;
  isSensitive: boolean;
  isDefault: boolean;
  synonyms: { name: string; value: string | null; source: number }[];
  configType: number;
  documentation: string | null;
}

function configTypeOf(type: string): number {
  switch (type) {
    case 'boolean':
      return ConfigType.BOOLEAN;
    case 'int':
      return ConfigType.INT;
    case 'long':
      return ConfigType.LONG;
    case 'double':
      return ConfigType.DOUBLE;
    case 'list':
      return ConfigType.LIST;
    case 'class':
      return ConfigType.CLASS;
    case 'password':
      return ConfigType.PASSWORD;
    default:
      return ConfigType.STRING;
  }
}

/** A topic's configs: its overrides, else the broker's setting, else Kafka's default — with synonyms. */
export function describeTopicConfigs(meta: TopicMetadata, broker: BrokerConfig): DescribedConfig[] {
  return TOPIC_CONFIG_DEFS.map((def) => {
    const synonyms: DescribedConfig['synonyms'] = [];
    const override = meta.configs[def.name];
    if (override !== undefined) {
      synonyms.push({ name: def.name, value: override, source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
    }
    const brokerExplicit = broker.explicit.has(def.brokerName);
    if (brokerExplicit) {
      synonyms.push({
        name: def.brokerName,
        value: broker.values.get(def.brokerName)!,
        source: ConfigSource.STATIC_BROKER_CONFIG,
      });
    }
    synonyms.push({ name: def.brokerName, value: def.default, source: ConfigSource.DEFAULT_CONFIG });
    const effective = synonyms[0]!;
    return {
      name: def.name,
      value: effective.value,
      readOnly: false,
      configSource: effective.source,
      isSensitive: false,
      isDefault: effective.source === ConfigSource.DEFAULT_CONFIG,
      synonyms,
      configType: configTypeOf(def.type),
      documentation: null,
    };
  });
}

/** The broker's own configs (read-only here: they are static, from the file, env and flags). */
export function describeBrokerConfigs(broker: BrokerConfig): DescribedConfig[] {
  const defs = [
    ...BROKER_CONFIG_DEFS.map((d) => ({ name: d.name, type: d.type, default: d.default })),
    ...TOPIC_CONFIG_DEFS.map((d) => ({ name: d.brokerName, type: d.type, default: d.default })),
  ];
  return defs.map((def) => {
    const explicit = broker.explicit.has(def.name);
    const source = explicit ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
    // Passwords are never returned, as Kafka answers null for sensitive values.
    const sensitive = def.type === 'password';
    const value = sensitive ? null : (broker.values.get(def.name) ?? def.default);
    return {
      name: def.name,
      value,
      readOnly: true,
      configSource: source,
      isSensitive: sensitive,
      isDefault: !explicit,
      synonyms: [{ name: def.name, value, source }],
      configType: configTypeOf(def.type),
      documentation: null,
    };
  });
}
