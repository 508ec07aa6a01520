import { randomBytes } from 'node:crypto';
import type { MetadataStore, TopicMetadata } from '../cluster/metadata-store.js';
import type { Log } from '../storage/log.js';
import { type LogConfig, logConfigFrom } from '../storage/log-config.js';
import type { LogManager } from '../storage/log-manager.js';
import {
  InvalidTopicError,
  SamsaError,
  TopicExistsError,
  UnknownTopicOrPartitionError,
} from '../util/errors.js';
import type { Logger } from '../util/logger.js';

/** Kafka's limit (Topic.MAX_NAME_LENGTH): a partition directory name must fit in 255 bytes. */
const MAX_TOPIC_NAME_LENGTH = 249;
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;

export const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state']);

/** Topic.validate in Kafka. Returns the reason a name is illegal, or undefined. */
export function topicNameError(name: string): string | undefined {
  if (name.length === 0) return 'topic name is empty';
  if (name === '.' || name === '..') return `topic name cannot be '.' or '..'`;
  if (name.length > MAX_TOPIC_NAME_LENGTH)
    return `topic name is longer than ${MAX_TOPIC_NAME_LENGTH} characters`;
  if (!LEGAL_TOPIC_NAME.test(name))
    return `topic name '${name}' has characters other than ASCII alphanumerics, '.', '_' and '-'`;
  return undefined;
}

/** '.' and '_' collide in metric names, so Kafka refuses a topic that differs from another only by them. */
function collisionKey(name: string): string {
  return name.replaceAll('.', '_');
}

export interface NewTopic {
  readonly name: string;
  /** -1 takes `num.partitions`. */
  readonly partitions: number;
  /** -1 takes `default.replication.factor`. */
  readonly replicationFactor: number;
  readonly configs: Record<string, string>;
}

/**
 * Topics and their partitions: validates and records changes in the metadata store and keeps the
 * partition logs in step. The one place that turns a topic name into a `Log`.
 */
export class TopicRegistry {
  constructor(
    private readonly store: MetadataStore,
    private readonly logs: LogManager,
    private readonly options: {
      readonly logDefaults: LogConfig;
      readonly numPartitions: number;
      readonly defaultReplicationFactor: number;
      readonly liveBrokers: () => number;
      readonly logger: Logger;
      /**
       * Single node (default true): this broker hosts every partition, so creating a topic opens
       * its logs. In a cluster only the controller's decisions open a replica's log.
       */
      readonly hostsEveryPartition?: boolean;
    },
  ) {}

  /**
   * Opens the logs of every known topic (after the log manager has recovered the data dir). A
   * partition with a single replica has nothing to wait for: all it holds is committed, so its
   * high watermark starts at its log end offset.
   */
  startup(): void {
    if (this.options.hostsEveryPartition === false) return;
    for (const topic of this.store.listTopics()) {
      this.ensureLogs(topic);
      if (topic.replicationFactor !== 1) continue;
      for (let p = 0; p < topic.partitions; p++) {
        const log = this.logs.get(topic.name, p)!;
        log.setHighWatermark(log.logEndOffset);
      }
    }
  }

  list(): TopicMetadata[] {
    return this.store.listTopics();
  }

  get(name: string): TopicMetadata | undefined {
    return this.store.getTopic(name);
  }

  getById(topicId: Buffer): TopicMetadata | undefined {
    return this.store.listTopics().find((t) => t.topicId.equals(topicId));
  }

  partitionCount(name: string): number | undefined {
    return this.store.getTopic(name)?.partitions;
  }

  isInternal(name: string): boolean {
    return INTERNAL_TOPICS.has(name);
  }

  /** The log of a partition this broker hosts, or UNKNOWN_TOPIC_OR_PARTITION. */
  logFor(topic: string, partition: number): Log {
    const meta = this.store.getTopic(topic);
    if (!meta || partition < 0 || partition >= meta.partitions) {
      throw new UnknownTopicOrPartitionError(`${topic}-${partition} does not exist`);
    }
    const log = this.logs.get(topic, partition);
    if (log) return log;
    if (this.options.hostsEveryPartition === false) {
      throw new SamsaError('NOT_LEADER_OR_FOLLOWER', `this broker hosts no replica of ${topic}-${partition}`);
    }
    return this.openLog(meta, partition);
  }

  /** Opens (or creates) a partition's log with the topic's effective config and id. */
  openLog(meta: TopicMetadata, partition: number): Log {
    return this.logs.getOrCreate(
      meta.name,
      partition,
      this.configOf(meta),
      meta.topicId.toString('base64url'),
    );
  }

  /** The effective log config of a topic: broker defaults overlaid with the topic's overrides. */
  configOf(meta: TopicMetadata): LogConfig {
    return logConfigFrom(this.options.logDefaults, meta.configs);
  }

  /** Checks a new topic without creating it; returns the topic as it would be created. */
  validateNew(topic: NewTopic): TopicMetadata {
    const nameError = topicNameError(topic.name);
    if (nameError) throw new InvalidTopicError(nameError);
    if (this.store.getTopic(topic.name)) throw new TopicExistsError(`topic '${topic.name}' already exists`);
    const key = collisionKey(topic.name);
    const collides = this.store.listTopics().find((t) => collisionKey(t.name) === key);
    if (collides) {
      throw new InvalidTopicError(`topic '${topic.name}' collides with existing topic '${collides.name}'`);
    }
    const partitions = topic.partitions === -1 ? this.options.numPartitions : topic.partitions;
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new SamsaError(
        'INVALID_PARTITIONS',
        `number of partitions must be at least 1, got ${partitions}`,
      );
    }
    const replicationFactor =
      topic.replicationFactor === -1 ? this.options.defaultReplicationFactor : topic.replicationFactor;
    if (replicationFactor < 1) {
      throw new SamsaError('INVALID_REPLICATION_FACTOR', 'replication factor must be at least 1');
    }
    if (replicationFactor > this.options.liveBrokers()) {
      throw new SamsaError(
        'INVALID_REPLICATION_FACTOR',
        `replication factor ${replicationFactor} is larger than the ${this.options.liveBrokers()} available brokers`,
      );
    }
    const meta: TopicMetadata = {
      name: topic.name,
      topicId: randomBytes(16),
      partitions,
      replicationFactor,
      configs: { ...topic.configs },
    };
    this.configOf(meta); // throws InvalidConfigError for unknown names or bad values
    return meta;
  }

  async create(topic: NewTopic): Promise<TopicMetadata> {
    const meta = this.validateNew(topic);
    await this.store.putTopic(meta);
    this.ensureLogs(meta);
    this.options.logger.info(
      { topic: meta.name, partitions: meta.partitions, configs: meta.configs },
      'created topic',
    );
    return meta;
  }

  async delete(name: string): Promise<TopicMetadata> {
    const meta = this.store.getTopic(name);
    if (!meta) throw new UnknownTopicOrPartitionError(`topic '${name}' does not exist`);
    await this.store.deleteTopic(name);
    for (let p = 0; p < meta.partitions; p++) this.logs.delete(name, p);
    this.options.logger.info({ topic: name }, 'deleted topic');
    return meta;
  }

  /** CreatePartitions: partitions can only grow. */
  validateAddPartitions(name: string, totalCount: number): TopicMetadata {
    const meta = this.store.getTopic(name);
    if (!meta) throw new UnknownTopicOrPartitionError(`topic '${name}' does not exist`);
    if (totalCount < meta.partitions) {
      throw new SamsaError(
        'INVALID_PARTITIONS',
        `topic currently has ${meta.partitions} partitions, which is higher than the requested ${totalCount}`,
      );
    }
    if (totalCount === meta.partitions) {
      throw new SamsaError('INVALID_PARTITIONS', `topic already has ${meta.partitions} partitions`);
    }
    return { ...meta, partitions: totalCount };
  }

  async addPartitions(name: string, totalCount: number): Promise<void> {
    const meta = this.validateAddPartitions(name, totalCount);
    await this.store.putTopic(meta);
    this.ensureLogs(meta);
    this.options.logger.info({ topic: name, partitions: totalCount }, 'added partitions');
  }

  /** Replaces a topic's config overrides (validated first), and applies them to its open logs. */
  validateConfigs(name: string, configs: Record<string, string>): TopicMetadata {
    const meta = this.store.getTopic(name);
    if (!meta) throw new UnknownTopicOrPartitionError(`topic '${name}' does not exist`);
    const next = { ...meta, configs: { ...configs } };
    this.configOf(next);
    return next;
  }

  async setConfigs(name: string, configs: Record<string, string>): Promise<void> {
    const next = this.validateConfigs(name, configs);
    await this.store.putTopic(next);
    const config = this.configOf(next);
    for (let p = 0; p < next.partitions; p++) this.logs.get(name, p)?.updateConfig(config);
    this.options.logger.info({ topic: name, configs }, 'altered topic configs');
  }

  /** Opens (or creates) every partition's log with the topic's effective config and id. */
  private ensureLogs(meta: TopicMetadata): void {
    if (this.options.hostsEveryPartition === false) return;
    const config = this.configOf(meta);
    const topicId = meta.topicId.toString('base64url');
    for (let p = 0; p < meta.partitions; p++) this.logs.getOrCreate(meta.name, p, config, topicId);
  }
}
