/**
 * The internal topics behind the coordinators, `__consumer_offsets` and `__transaction_state`:
 * compacted, with their own partition counts, segment sizes and replication factors. A single node
 * creates them at start with one replica; a cluster creates them on first use (FindCoordinator), and
 * only once as many brokers are alive as their replication factor asks, as Kafka does.
 */
import type { BrokerConfig } from '../broker/config.js';
import type { NewTopic, TopicRegistry } from '../broker/topic-registry.js';
import { TRANSACTION_STATE_TOPIC_NAME } from '../txn/transaction-state-log.js';
import { SamsaError } from '../util/errors.js';

export const OFFSETS_TOPIC_NAME = '__consumer_offsets';

/** The topic as Kafka creates it; `replicationFactor` is the configured one. */
export function internalTopicSpec(config: BrokerConfig, name: string): NewTopic {
  const setting = (key: string) => config.values.get(key)!;
  if (name === OFFSETS_TOPIC_NAME) {
    return {
      name,
      partitions: config.offsetsTopicNumPartitions,
      replicationFactor: Number(setting('offsets.topic.replication.factor')),
      configs: { 'cleanup.policy': 'compact', 'segment.bytes': String(config.offsetsTopicSegmentBytes) },
    };
  }
  if (name === TRANSACTION_STATE_TOPIC_NAME) {
    return {
      name,
      partitions: Number(setting('transaction.state.log.num.partitions')),
      replicationFactor: Number(setting('transaction.state.log.replication.factor')),
      configs: {
        'cleanup.policy': 'compact',
        'segment.bytes': setting('transaction.state.log.segment.bytes'),
        'min.insync.replicas': setting('transaction.state.log.min.isr'),
      },
    };
  }
  throw new Error(`${name} is not an internal topic`);
}

/**
 * Creates the internal topic if it does not exist yet. With fewer live brokers than its
 * replication factor it fails with COORDINATOR_NOT_AVAILABLE (clients retry), as Kafka's
 * `KafkaApis.createInternalTopic` does.
 */
export async function ensureInternalTopic(
  topics: TopicRegistry,
  config: BrokerConfig,
  name: string,
  liveBrokers: number,
): Promise<void> {
  if (topics.get(name)) return;
  const spec = internalTopicSpec(config, name);
  if (liveBrokers < spec.replicationFactor) {
    const key =
      name === OFFSETS_TOPIC_NAME
        ? 'offsets.topic.replication.factor'
        : 'transaction.state.log.replication.factor';
    throw new SamsaError(
      'COORDINATOR_NOT_AVAILABLE',
      `number of alive brokers '${liveBrokers}' does not meet the required replication factor '${spec.replicationFactor}' for ${name} (configured via '${key}')`,
    );
  }
  try {
    await topics.create(spec);
  } catch (error) {
    if (!topics.get(name)) throw error; // a concurrent request created it first otherwise
  }
}
