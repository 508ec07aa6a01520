import { randomBytes } from 'node:crypto';
import type { KnownBrokers } from '../cluster/known-brokers.js';
import type { MetadataStore, TopicMetadata } from '../cluster/metadata-store.js';
import type { Log } from '../storage/log.js';
import { type LogConfig, logConfigFrom } from '../storage/log-config.js';
import type { LogManager } from '../storage/log-manager.js';
import {
  InvalidTopicError,
  KafkaStorageError,
  SamsaError,
  TopicExistsError,
  UnknownTopicOrPartitionError,
} from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { validateNewPartitionsAssignment, validateNewTopicAssignment } from './replica-assignment.js';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Kafka's limit (Topic.MAX_NAME_LENGTH): a partition directory name must fit in 255 bytes. */
const MAX_TOPIC_NAME_LENGTH = 249;
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;

export const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state']);

/** Topic.validate in Kafka, with its messages. Returns the reason a name is illegal, or undefined. */
export function topicNameError(name: string): string | undefined {
  const illegal = 'Topic name is illegal';
  if (name.length === 0) return `${illegal}, it can't be empty`;
  if (name === '.' || name === '..') return `${illegal}, it can't be '.' or '..'`;
  if (name.length > MAX_TOPIC_NAME_LENGTH)
    return `${illegal}, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`;
  if (!LEGAL_TOPIC_NAME.test(name))
    return `${illegal}, it contains a character other than ASCII alphanumerics, '.', '_' and '-', topic name: ${name}`;
  return undefined;
}

/** '.' and '_' collide in metric names, so Kafka refuses a topic that differs from another only by them. */
function collisionKey(name: string): string {
  return name.replaceAll('.', '_');
}

/**
 * Kafka's controller refuses a CreateTopics asking for more partitions than this in all
 * (`ReplicationControlManager.MAX_PARTITIONS_PER_BATCH`); Samsa applies it to CreatePartitions too.
 */
export const MAX_PARTITIONS_PER_REQUEST = 10_000;

/** POLICY_VIOLATION for a request whose topics ask for more than MAX_PARTITIONS_PER_REQUEST partitions. */
export function checkPartitionsPerRequest(total: number): void {
  if (total > MAX_PARTITIONS_PER_REQUEST) {
    throw new SamsaError(
      'POLICY_VIOLATION',
      `Excessively large number of partitions per request: ${total} requested, limit ${MAX_PARTITIONS_PER_REQUEST}.`,
    );
  }
}

export interface NewTopic {
  readonly name: string;
  /** -1 takes `num.partitions`. */
  readonly partitions: number;
  /** -1 takes `default.replication.factor`. */
  readonly replicationFactor: number;
  readonly configs: Record<string, string>;
  /** A manual assignment, partition → broker ids (then `partitions` and `replicationFactor` are -1). */
  readonly assignments?: ReadonlyMap<number, readonly number[]>;
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
      readonly brokers: KnownBrokers;
      readonly logger: Logger;
      /** max.partitions (KIP-578): partitions in the cluster; unbounded when absent. */
      readonly maxPartitions?: number;
      /** max.broker.partitions (KIP-578): partition replicas on this broker; unbounded when absent. */
      readonly maxBrokerPartitions?: number;
      /**
       * Single node (default true): this broker hosts every partition, so creating a topic opens
       * its logs. In a cluster only the controller's decisions open a replica's log.
       */
      readonly hostsEveryPartition?: boolean;
    },
  ) {}

  /** Partitions of creates and additions validated but not yet recorded, counted against the limits. */
  private pendingPartitions = 0;

  /**
   * Opens the logs of every known topic (after the log manager has recovered the data dir). A
   * partition with a single replica has nothing to wait for: all it holds is committed, so its
   * high watermark starts at its log end offset.
   */
  async startup(): Promise<void> {
    if (this.options.hostsEveryPartition === false) return;
    for (const topic of this.store.listTopics()) {
      await this.ensureLogs(topic);
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

  /**
   * The log of a replica this broker holds, opened (or created) when it is new: the controller
   * placed a replica here (Kafka's LeaderAndIsr creates the log), or a single node leads it.
   */
  replicaLog(topic: string, partition: number): Log {
    const meta = this.store.getTopic(topic);
    if (!meta || partition < 0 || partition >= meta.partitions) {
      throw new UnknownTopicOrPartitionError(`${topic}-${partition} does not exist`);
    }
    return this.logs.get(topic, partition) ?? this.openLog(meta, partition);
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
    if (this.store.getTopic(topic.name)) throw new TopicExistsError(`Topic '${topic.name}' already exists.`);
    const key = collisionKey(topic.name);
    const collides = this.store.listTopics().find((t) => collisionKey(t.name) === key);
    if (collides) {
      throw new InvalidTopicError(`Topic '${topic.name}' collides with existing topics: ${collides.name}`);
    }
    if (topic.assignments !== undefined && topic.assignments.size > 0) return this.validateAssigned(topic);
    const partitions = topic.partitions === -1 ? this.options.numPartitions : topic.partitions;
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new SamsaError('INVALID_PARTITIONS', 'Number of partitions must be larger than 0.');
    }
    this.checkPartitionLimits(partitions);
    const replicationFactor =
      topic.replicationFactor === -1 ? this.options.defaultReplicationFactor : topic.replicationFactor;
    if (replicationFactor < 1) {
      throw new SamsaError('INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0.');
    }
    const brokers = this.options.brokers.brokerIds().length;
    if (replicationFactor > brokers) {
      throw new SamsaError(
        'INVALID_REPLICATION_FACTOR',
        `Replication factor: ${replicationFactor} larger than available brokers: ${brokers}.`,
      );
    }
    return this.newMetadata(topic, partitions, replicationFactor);
  }

  /** A topic with a manual assignment: its shape comes from the assignment (ZkAdminManager.createTopics). */
  private validateAssigned(topic: NewTopic): TopicMetadata {
    if (topic.partitions !== -1 || topic.replicationFactor !== -1) {
      throw new SamsaError(
        'INVALID_REQUEST',
        'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
      );
    }
    const shape = validateNewTopicAssignment(topic.assignments!, this.options.brokers.brokerIds());
    this.checkPartitionLimits(shape.partitions);
    return this.newMetadata(topic, shape.partitions, shape.replicationFactor);
  }

  private newMetadata(topic: NewTopic, partitions: number, replicationFactor: number): TopicMetadata {
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
    const placement = topic.assignments?.size
      ? Array.from({ length: meta.partitions }, (_, p) => topic.assignments!.get(p)!)
      : undefined;
    await this.reserving(meta.partitions, () => this.store.putTopic(meta, placement));
    await this.ensureLogs(meta);
    // Internal topics are created at a first start-up: a detail, not news for the operator.
    const log = this.isInternal(meta.name) ? this.options.logger.debug : this.options.logger.info;
    log.call(
      this.options.logger,
      { topic: meta.name, partitions: meta.partitions, configs: meta.configs },
      'created topic',
    );
    return meta;
  }

  /**
   * Deletes a topic in Kafka's order: its partition directories are renamed to `*-delete` first (a
   * rename needs no free space; they are removed later), then the topic leaves the metadata. When
   * that write fails (a full disk) the renamed directories are removed at once to give their space
   * back and the write is tried once more; if it still fails the topic stays in the metadata, in
   * memory as on disk, with empty logs, and the delete answers KAFKA_STORAGE_ERROR to be retried.
   */
  async delete(name: string): Promise<TopicMetadata> {
    const meta = this.store.getTopic(name);
    if (!meta) throw new UnknownTopicOrPartitionError(`topic '${name}' does not exist`);
    for (let p = 0; p < meta.partitions; p++) this.logs.delete(name, p);
    try {
      await this.store.deleteTopic(name);
    } catch (first) {
      this.options.logger.warn(
        { err: first, topic: name },
        'cannot record the delete; freeing its files first',
      );
      await this.logs.removeDeletedNow();
      try {
        await this.store.deleteTopic(name);
      } catch (error) {
        throw new KafkaStorageError(`cannot record the deletion of topic '${name}': ${errorText(error)}`, {
          cause: error,
        });
      }
    }
    this.options.logger.info({ topic: name }, 'deleted topic');
    return meta;
  }

  /** Removes one partition's log (StopReplica with delete), leaving the topic in place. */
  deleteLog(topic: string, partition: number): void {
    this.logs.delete(topic, partition);
  }

  /**
   * CreatePartitions: partitions can only grow; `assignments` (broker ids of each new partition)
   * must name known brokers, one list per new partition, with the topic's replication factor.
   */
  validateAddPartitions(
    name: string,
    totalCount: number,
    assignments: readonly (readonly number[])[] | null = null,
  ): TopicMetadata {
    const meta = this.store.getTopic(name);
    if (!meta) throw new UnknownTopicOrPartitionError(`The topic '${name}' does not exist.`);
    if (totalCount < meta.partitions) {
      throw new SamsaError(
        'INVALID_PARTITIONS',
        `Topic currently has ${meta.partitions} partitions, which is higher than the requested ${totalCount}.`,
      );
    }
    if (totalCount === meta.partitions) {
      throw new SamsaError('INVALID_PARTITIONS', `Topic already has ${meta.partitions} partitions.`);
    }
    if (assignments !== null) {
      const brokers = this.options.brokers.brokerIds();
      validateNewPartitionsAssignment(
        assignments,
        meta.partitions,
        meta.replicationFactor,
        totalCount,
        brokers,
      );
    }
    this.checkPartitionLimits(totalCount - meta.partitions);
    return { ...meta, partitions: totalCount };
  }

  async addPartitions(
    name: string,
    totalCount: number,
    assignments: readonly (readonly number[])[] | null = null,
  ): Promise<void> {
    const before = this.store.getTopic(name)?.partitions ?? 0;
    const meta = this.validateAddPartitions(name, totalCount, assignments);
    await this.reserving(totalCount - before, () => this.store.putTopic(meta, assignments ?? undefined));
    await this.ensureLogs(meta);
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

  /**
   * POLICY_VIOLATION when `added` more partitions would pass max.partitions or
   * max.broker.partitions (every replica is on this broker).
   */
  private checkPartitionLimits(added: number): void {
    let existing = this.pendingPartitions;
    for (const t of this.store.listTopics()) existing += t.partitions;
    const limits: [string, number | undefined][] = [
      ['max.partitions', this.options.maxPartitions],
      ['max.broker.partitions', this.options.maxBrokerPartitions],
    ];
    for (const [name, limit] of limits) {
      if (limit !== undefined && existing + added > limit) {
        throw new SamsaError(
          'POLICY_VIOLATION',
          `cannot add ${added} partitions: ${existing} exist and ${name} is ${limit}`,
        );
      }
    }
  }

  /** Counts `partitions` against the limits while `record` runs, so concurrent requests see them. */
  private async reserving<T>(partitions: number, record: () => Promise<T>): Promise<T> {
    this.pendingPartitions += partitions;
    try {
      return await record();
    } finally {
      this.pendingPartitions -= partitions;
    }
  }

  /**
   * Opens (or creates) every partition's log with the topic's effective config and id, a slice at
   * a time so that thousands of partitions do not stall other clients.
   */
  private async ensureLogs(meta: TopicMetadata): Promise<void> {
    if (this.options.hostsEveryPartition === false) return;
    const config = this.configOf(meta);
    const topicId = meta.topicId.toString('base64url');
    const stillWanted = () => this.store.getTopic(meta.name)?.topicId.equals(meta.topicId) === true;
    await this.logs.getOrCreateAll(meta.name, meta.partitions, config, topicId, stillWanted);
  }
}
