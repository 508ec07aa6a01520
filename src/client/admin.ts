/**
 * Admin operations over the Kafka protocol: topics, partitions, configs, offsets, the cluster.
 *
 * Topic creation, deletion and partition changes go to the controller (Kafka answers NOT_CONTROLLER
 * elsewhere); config requests to any broker (broker resources to that broker); ListOffsets to each
 * partition's leader. Errors carry the Kafka error name (`KafkaResponseError`).
 */
import {
  AlterClientQuotas,
  CreatePartitions,
  CreateTopics,
  DeleteRecords,
  DeleteTopics,
  DescribeClientQuotas,
  DescribeConfigs,
  ElectLeaders,
  IncrementalAlterConfigs,
  ListOffsets,
} from '../protocol/messages/index.js';
import { groupByTopic } from '../util/group-by-topic.js';
import type { BrokerNode, ClusterClient, TopicMetadata } from './cluster-client.js';
import type { Connection } from './connection.js';
import { type KafkaResponseError, responseError, throwIfError } from './errors.js';

/**
 * A client quota entity: `user`, `client-id` or `ip` → name, where null is the `<default>` entity.
 * `{ user: 'alice', 'client-id': null }` is alice's default for any client id.
 */
export type ClientQuotaEntity = Readonly<Record<string, string | null>>;

/** A describe filter component: an exact name, null for the default entity, undefined for any. */
export interface ClientQuotaFilterComponent {
  readonly entityType: string;
  readonly match?: string | null;
}

export interface ClientQuotaEntry {
  readonly entity: ClientQuotaEntity;
  readonly values: Readonly<Record<string, number>>;
}

/** Changes to one entity's quotas: a number sets the key, null removes it. */
export interface ClientQuotaAlteration {
  readonly entity: ClientQuotaEntity;
  readonly ops: Readonly<Record<string, number | null>>;
}

/** Kafka's DescribeClientQuotas match types. */
const QUOTA_MATCH = { exact: 0, default: 1, any: 2 } as const;

function entityOf(
  components: readonly { entityType: string; entityName: string | null }[],
): ClientQuotaEntity {
  return Object.fromEntries(components.map((c) => [c.entityType, c.entityName]));
}

/** Kafka's ConfigResource.Type codes. */
export const ConfigResourceType = { topic: 2, broker: 4, group: 32 } as const;
export type ConfigResourceTypeName = keyof typeof ConfigResourceType;

export interface ConfigResource {
  readonly type: ConfigResourceTypeName;
  /** Topic name, or broker id as a string ('' for the broker answering). */
  readonly name: string;
}

/** DescribeConfigsResponse ConfigSource, by code (apache/kafka `DescribeConfigsResponse.ConfigSource`). */
export const CONFIG_SOURCE_NAMES: readonly string[] = [
  'UNKNOWN',
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
  'CLIENT_METRICS_CONFIG',
  'GROUP_CONFIG',
];

export interface ConfigEntry {
  readonly name: string;
  readonly value: string | null;
  /** A CONFIG_SOURCE_NAMES entry, e.g. DYNAMIC_TOPIC_CONFIG for a topic override. */
  readonly source: string;
  readonly readOnly: boolean;
  readonly isSensitive: boolean;
}

/** IncrementalAlterConfigs operations (KIP-339). */
export const AlterConfigOp = { set: 0, delete: 1, append: 2, subtract: 3 } as const;

export interface ConfigAlteration {
  readonly name: string;
  readonly op: keyof typeof AlterConfigOp;
  /** Required for set/append/subtract. */
  readonly value?: string;
}

export interface NewTopic {
  readonly name: string;
  /** -1 (the default) lets the broker use num.partitions (KIP-464). */
  readonly numPartitions?: number;
  /** -1 (the default) lets the broker use default.replication.factor (KIP-464). */
  readonly replicationFactor?: number;
  readonly configs?: Readonly<Record<string, string>>;
  /** Broker ids of each partition, preferred leader first; numPartitions and replicationFactor stay -1. */
  readonly replicaAssignment?: readonly (readonly number[])[];
}

export interface CreatedTopic {
  readonly name: string;
  readonly topicId: string;
  readonly numPartitions: number;
  readonly replicationFactor: number;
}

/** The outcome for one topic of a multi-topic request: `error` is null on success. */
export interface TopicOutcome {
  readonly name: string;
  readonly error: KafkaResponseError | null;
}

/** Where to look up an offset: the log start, the high watermark, or the first offset at/after a time. */
export type OffsetSpec = 'earliest' | 'latest' | { readonly timestamp: bigint };

export interface OffsetQuery {
  readonly topic: string;
  readonly partition: number;
  readonly spec: OffsetSpec;
}

export interface ListedOffset {
  readonly topic: string;
  readonly partition: number;
  /** -1n when no record has a timestamp at or after the one asked for. */
  readonly offset: bigint;
  readonly timestamp: bigint;
  readonly leaderEpoch: number;
}

export interface ClusterDescription {
  readonly clusterId: string | null;
  readonly controllerId: number;
  readonly brokers: readonly BrokerNode[];
  readonly topicCount: number;
  /** Partitions whose ISR is smaller than their replica set. */
  readonly underReplicatedPartitions: number;
  /** Partitions without a live leader. */
  readonly offlinePartitions: number;
}

/** ListOffsets' special timestamps (ListOffsetsRequest.EARLIEST_TIMESTAMP / LATEST_TIMESTAMP). */
const EARLIEST_TIMESTAMP = -2n;
const LATEST_TIMESTAMP = -1n;

/** ElectLeaders' election types, by their wire values. */
export const ElectionType = { preferred: 0, unclean: 1 } as const;
export type ElectionTypeName = keyof typeof ElectionType;

export interface ElectionOutcome {
  readonly topic: string;
  readonly partition: number;
  /** null: a new leader was elected; ELECTION_NOT_NEEDED when the right one already leads. */
  readonly error: KafkaResponseError | null;
}

export class Admin {
  constructor(readonly cluster: ClusterClient) {}

  /** Creates topics; throws the first topic's error (TOPIC_ALREADY_EXISTS, INVALID_CONFIG, ...). */
  async createTopics(
    topics: readonly NewTopic[],
    options: { timeoutMs?: number; validateOnly?: boolean } = {},
  ): Promise<CreatedTopic[]> {
    const connection = await this.cluster.controllerConnection();
    const body = await connection.send(CreateTopics, {
      topics: topics.map((t) => ({
        name: t.name,
        numPartitions: t.numPartitions ?? -1,
        replicationFactor: t.replicationFactor ?? -1,
        assignments: (t.replicaAssignment ?? []).map((brokerIds, partitionIndex) => ({
          partitionIndex,
          brokerIds,
        })),
        configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
      })),
      timeoutMs: options.timeoutMs ?? 30_000,
      validateOnly: options.validateOnly ?? false,
    });
    const created: CreatedTopic[] = [];
    for (const t of body.topics) {
      throwIfError(t.errorCode, `topic '${t.name}'`, t.errorMessage);
      created.push({
        name: t.name,
        topicId: t.topicId ? Buffer.from(t.topicId).toString('base64url') : '',
        numPartitions: t.numPartitions,
        replicationFactor: t.replicationFactor,
      });
    }
    for (const t of topics) this.cluster.invalidate(t.name);
    return created;
  }

  /** Deletes topics by name; each topic's outcome is reported, none thrown. */
  async deleteTopics(
    names: readonly string[],
    options: { timeoutMs?: number } = {},
  ): Promise<TopicOutcome[]> {
    const connection = await this.cluster.controllerConnection();
    const body = await connection.send(DeleteTopics, {
      // v6 addresses topics as {name, topicId}; v0-5 by topicNames. Fill both: each version writes its own.
      topics: names.map((name) => ({ name, topicId: Buffer.alloc(16) })),
      topicNames: names,
      timeoutMs: options.timeoutMs ?? 30_000,
    });
    for (const name of names) this.cluster.invalidate(name);
    return body.responses.map((r: any) => ({
      name: r.name,
      error: r.errorCode === 0 ? null : responseError(r.errorCode, `topic '${r.name}'`, r.errorMessage),
    }));
  }

  /** Every topic, sorted by name; internal topics only when asked. */
  async listTopics(options: { includeInternal?: boolean } = {}): Promise<TopicMetadata[]> {
    const metadata = await this.cluster.metadata(null);
    return metadata.topics
      .filter((t) => t.errorCode === 0 && (options.includeInternal || !t.isInternal))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Metadata of the named topics; throws for a topic that does not exist. */
  async describeTopics(names: readonly string[]): Promise<TopicMetadata[]> {
    const metadata = await this.cluster.metadata(names);
    for (const t of metadata.topics) throwIfError(t.errorCode, `topic '${t.name}'`);
    return names.map((name) => metadata.topics.find((t) => t.name === name)!);
  }

  /**
   * Grows a topic to `totalCount` partitions (Kafka cannot shrink one: INVALID_PARTITIONS);
   * `assignments` gives the broker ids of each new partition.
   */
  async createPartitions(
    topic: string,
    totalCount: number,
    options: { timeoutMs?: number; assignments?: readonly (readonly number[])[] } = {},
  ): Promise<void> {
    const connection = await this.cluster.controllerConnection();
    const assignments = options.assignments?.map((brokerIds) => ({ brokerIds })) ?? null;
    const body = await connection.send(CreatePartitions, {
      topics: [{ name: topic, count: totalCount, assignments }],
      timeoutMs: options.timeoutMs ?? 30_000,
      validateOnly: false,
    });
    for (const r of body.results) throwIfError(r.errorCode, `topic '${r.name}'`, r.errorMessage);
    this.cluster.invalidate(topic);
  }

  /** Configs of a resource, every key unless `keys` names some. */
  async describeConfigs(
    resource: ConfigResource,
    keys: readonly string[] | null = null,
  ): Promise<ConfigEntry[]> {
    const connection = await this.configConnection(resource);
    const body = await connection.send(DescribeConfigs, {
      resources: [
        {
          resourceType: ConfigResourceType[resource.type],
          resourceName: resource.name,
          configurationKeys: keys,
        },
      ],
      includeSynonyms: false,
      includeDocumentation: false,
    });
    const result = body.results[0];
    throwIfError(result.errorCode, `${resource.type} '${resource.name}'`, result.errorMessage);
    return result.configs.map((c: any) => ({
      name: c.name,
      value: c.value,
      source: CONFIG_SOURCE_NAMES[c.configSource] ?? (c.isDefault ? 'DEFAULT_CONFIG' : 'UNKNOWN'),
      readOnly: c.readOnly,
      isSensitive: c.isSensitive,
    }));
  }

  /** Sets, deletes, appends to or subtracts from configs of one resource (IncrementalAlterConfigs). */
  async incrementalAlterConfigs(
    resource: ConfigResource,
    alterations: readonly ConfigAlteration[],
    options: { validateOnly?: boolean } = {},
  ): Promise<void> {
    const connection = await this.configConnection(resource);
    const body = await connection.send(IncrementalAlterConfigs, {
      resources: [
        {
          resourceType: ConfigResourceType[resource.type],
          resourceName: resource.name,
          configs: alterations.map((a) => ({
            name: a.name,
            configOperation: AlterConfigOp[a.op],
            value: a.value ?? null,
          })),
        },
      ],
      validateOnly: options.validateOnly ?? false,
    });
    for (const r of body.responses) {
      throwIfError(r.errorCode, `${resource.type} '${r.resourceName}'`, r.errorMessage);
    }
  }

  /** Offsets of partitions (log start, high watermark, or by timestamp), asked of each leader. */
  async listOffsets(queries: readonly OffsetQuery[]): Promise<ListedOffset[]> {
    const topics = [...new Set(queries.map((q) => q.topic))];
    return this.cluster.withRetries(topics, async () => {
      for (const t of topics) await this.cluster.topic(t);
      const byLeader = new Map<number, OffsetQuery[]>();
      for (const q of queries) {
        const leader = this.cluster.leaderOf(q.topic, q.partition);
        if (leader < 0) {
          const topic = await this.cluster.topic(q.topic);
          throwIfError(topic.errorCode, `topic '${q.topic}'`);
          if (!topic.partitions.some((p) => p.partition === q.partition)) {
            throwIfError(3, `partition ${q.topic}-${q.partition}`);
          }
          throwIfError(5, `partition ${q.topic}-${q.partition}`); // LEADER_NOT_AVAILABLE: retried
        }
        const forLeader = byLeader.get(leader);
        if (forLeader) forLeader.push(q);
        else byLeader.set(leader, [q]);
      }
      const answers = await Promise.all(
        [...byLeader].map(async ([leader, qs]) =>
          this.listOffsetsAt(await this.cluster.connectionTo(leader), qs),
        ),
      );
      const found = new Map<string, ListedOffset>();
      for (const o of answers.flat()) found.set(`${o.topic}\0${o.partition}`, o);
      return queries.map((q) => found.get(`${q.topic}\0${q.partition}`)!);
    });
  }

  /** Deletes records before `offset` in each partition (moves the log start offset). */
  async deleteRecords(
    partitions: readonly { topic: string; partition: number; offset: bigint }[],
    options: { timeoutMs?: number } = {},
  ): Promise<{ topic: string; partition: number; lowWatermark: bigint }[]> {
    const out: { topic: string; partition: number; lowWatermark: bigint }[] = [];
    for (const p of partitions) {
      await this.cluster.topic(p.topic);
      const connection = await this.cluster.connectionTo(this.cluster.leaderOf(p.topic, p.partition));
      const body = await connection.send(DeleteRecords, {
        topics: [{ name: p.topic, partitions: [{ partitionIndex: p.partition, offset: p.offset }] }],
        timeoutMs: options.timeoutMs ?? 30_000,
      });
      const r = body.topics[0].partitions[0];
      throwIfError(r.errorCode, `partition ${p.topic}-${p.partition}`);
      out.push({ topic: p.topic, partition: p.partition, lowWatermark: r.lowWatermark });
    }
    return out;
  }

  /**
   * Asks the controller to elect leaders (kafka-leader-election.sh): the preferred replica, or with
   * `unclean` any live replica of a partition without a live leader. `partitions` undefined means
   * every partition, and then only those elected or failed are reported.
   */
  async electLeaders(
    partitions: readonly { topic: string; partition: number }[] | undefined,
    type: ElectionTypeName = 'preferred',
    options: { timeoutMs?: number } = {},
  ): Promise<ElectionOutcome[]> {
    const byTopic = groupByTopic(partitions ?? [], (p) => p.partition);
    const connection = await this.cluster.controllerConnection();
    const body = await connection.send(ElectLeaders, {
      electionType: ElectionType[type],
      topicPartitions: partitions
        ? [...byTopic].map(([topic, partitionId]) => ({ topic, partitionId }))
        : null,
      timeoutMs: options.timeoutMs ?? 60_000,
    });
    throwIfError(body.errorCode ?? 0, 'leader election');
    return body.replicaElectionResults.flatMap((t: any) =>
      t.partitionResult.map((p: any) => ({
        topic: t.topic,
        partition: p.partitionId,
        error:
          p.errorCode === 0
            ? null
            : responseError(p.errorCode, `partition ${t.topic}-${p.partitionId}`, p.errorMessage),
      })),
    );
  }

  /** Cluster id, controller, brokers and partition health, from metadata. */
  async describeCluster(): Promise<ClusterDescription> {
    const metadata = await this.cluster.metadata(null);
    const topics = metadata.topics.filter((t) => t.errorCode === 0);
    const partitions = topics.flatMap((t) => t.partitions);
    return {
      clusterId: metadata.clusterId,
      controllerId: metadata.controllerId,
      brokers: [...metadata.brokers].sort((a, b) => a.nodeId - b.nodeId),
      topicCount: topics.length,
      underReplicatedPartitions: partitions.filter(isUnderReplicated).length,
      offlinePartitions: partitions.filter((p) => p.leader < 0).length,
    };
  }

  private async listOffsetsAt(
    connection: Connection,
    queries: readonly OffsetQuery[],
  ): Promise<ListedOffset[]> {
    const topics = new Map<
      string,
      { partitionIndex: number; timestamp: bigint; currentLeaderEpoch: number }[]
    >();
    for (const q of queries) {
      const timestamp =
        q.spec === 'earliest'
          ? EARLIEST_TIMESTAMP
          : q.spec === 'latest'
            ? LATEST_TIMESTAMP
            : q.spec.timestamp;
      const list = topics.get(q.topic) ?? [];
      list.push({ partitionIndex: q.partition, timestamp, currentLeaderEpoch: -1 });
      topics.set(q.topic, list);
    }
    const body = await connection.send(ListOffsets, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
    });
    const out: ListedOffset[] = [];
    for (const t of body.topics) {
      for (const p of t.partitions) {
        throwIfError(p.errorCode, `partition ${t.name}-${p.partitionIndex}`);
        out.push({
          topic: t.name,
          partition: p.partitionIndex,
          offset: p.offset,
          timestamp: p.timestamp,
          leaderEpoch: p.leaderEpoch,
        });
      }
    }
    return out;
  }

  /** Quota entries matching every component (and, if `strict`, no other entity type). */
  async describeClientQuotas(
    components: readonly ClientQuotaFilterComponent[],
    options: { strict?: boolean } = {},
  ): Promise<ClientQuotaEntry[]> {
    const connection = await this.cluster.anyConnection();
    const body = await connection.send(DescribeClientQuotas, {
      components: components.map((c) => ({
        entityType: c.entityType,
        matchType:
          c.match === undefined
            ? QUOTA_MATCH.any
            : c.match === null
              ? QUOTA_MATCH.default
              : QUOTA_MATCH.exact,
        match: c.match ?? null,
      })),
      strict: options.strict ?? false,
    });
    throwIfError(body.errorCode, 'client quotas', body.errorMessage);
    return (body.entries ?? []).map((e: any) => ({
      entity: entityOf(e.entity),
      values: Object.fromEntries(e.values.map((v: any) => [v.key, v.value])),
    }));
  }

  /** Sets and removes quota keys; one result per alteration, with its error or null. */
  async alterClientQuotas(
    alterations: readonly ClientQuotaAlteration[],
    options: { validateOnly?: boolean } = {},
  ): Promise<{ entity: ClientQuotaEntity; error: KafkaResponseError | null }[]> {
    const connection = await this.cluster.anyConnection();
    const body = await connection.send(AlterClientQuotas, {
      entries: alterations.map((a) => ({
        entity: Object.entries(a.entity).map(([entityType, entityName]) => ({ entityType, entityName })),
        ops: Object.entries(a.ops).map(([key, value]) => ({
          key,
          value: value ?? 0,
          remove: value === null,
        })),
      })),
      validateOnly: options.validateOnly ?? false,
    });
    return body.entries.map((e: any) => {
      const entity = entityOf(e.entity);
      const where = `quota entity ${JSON.stringify(entity)}`;
      return { entity, error: e.errorCode === 0 ? null : responseError(e.errorCode, where, e.errorMessage) };
    });
  }

  private async configConnection(resource: ConfigResource): Promise<Connection> {
    if (resource.type === 'broker' && resource.name !== '') {
      return this.cluster.connectionTo(Number(resource.name));
    }
    return this.cluster.anyConnection();
  }
}

/** Kafka's UnderReplicatedPartitions: fewer in-sync replicas than replicas. */
export function isUnderReplicated(p: {
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}): boolean {
  return p.isr.length < p.replicas.length;
}
