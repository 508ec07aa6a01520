import type { ConfigEntry } from '../../client/admin.js';
import type { PartitionMetadata, TopicMetadata } from '../../client/cluster-client.js';
import { isGroupNotFound } from '../../client/groups.js';
import type { ProducerRecord } from '../../client/producer.js';
import type { AdminRequest } from '../admin-server.js';
import { HttpError } from '../http-response.js';
import type { RestClient } from './rest-client.js';
import { jsonBody, type RestRouter } from './router.js';

/**
 * Confluent REST Proxy's v3 admin API (`/v3/clusters/...`): clusters, brokers, topics with their
 * configs and partitions, consumer groups with consumers and lag, and producing records. Resources
 * carry REST Proxy's `kind`, `metadata.self` and `related` links, so its clients and scripts work.
 */
export function addV3Routes(router: RestRouter, rest: RestClient): void {
  const clusterOf = (request: AdminRequest, clusterId: string) => clusterAt(rest, request, clusterId);
  const topicOf = async (name: string) => {
    const metadata = await rest.cluster.metadata([name]);
    const topic = metadata.topics.find((t) => t.name === name);
    if (topic?.errorCode !== 0)
      throw new HttpError(404, `This server does not host this topic-partition.`, 40403);
    return topic;
  };

  router
    .add('GET', '/v3/clusters', async (request) => {
      const metadata = await rest.cluster.metadata([]);
      const base = `${baseUrl(request)}/v3/clusters`;
      return ok(
        list('KafkaClusterList', base, [
          clusterResource(`${base}/${metadata.clusterId}`, metadata.clusterId!, metadata.controllerId),
        ]),
      );
    })
    .add('GET', '/v3/clusters/:cluster', async (request, p) => {
      const { metadata, base } = await clusterOf(request, p.cluster!);
      return ok(clusterResource(base, p.cluster!, metadata.controllerId));
    })
    .add('GET', '/v3/clusters/:cluster/brokers', async (request, p) => {
      const { metadata, base } = await clusterOf(request, p.cluster!);
      const brokers = [...metadata.brokers].sort((a, b) => a.nodeId - b.nodeId);
      return ok(
        list(
          'KafkaBrokerList',
          `${base}/brokers`,
          brokers.map((b) => brokerResource(base, p.cluster!, b)),
        ),
      );
    })
    .add('GET', '/v3/clusters/:cluster/brokers/:broker', async (request, p) => {
      const { metadata, base } = await clusterOf(request, p.cluster!);
      const broker = metadata.brokers.find((b) => String(b.nodeId) === p.broker);
      if (!broker) throw new HttpError(404, `Broker ${p.broker} cannot be found.`, 40403);
      return ok(brokerResource(base, p.cluster!, broker));
    })
    .add('GET', '/v3/clusters/:cluster/topics', async (request, p) => {
      const { base } = await clusterOf(request, p.cluster!);
      const topics = request.access.visibleTopics(
        await rest.admin.listTopics({ includeInternal: true }),
        (t) => t.name,
      );
      return ok(
        list(
          'KafkaTopicList',
          `${base}/topics`,
          topics.map((t) => topicResource(base, p.cluster!, t)),
        ),
      );
    })
    .add('POST', '/v3/clusters/:cluster/topics', async (request, p) => {
      const { base } = await clusterOf(request, p.cluster!);
      const body = await jsonBody<{
        topic_name?: unknown;
        partitions_count?: unknown;
        replication_factor?: unknown;
        configs?: unknown;
        validate_only?: unknown;
      }>(request);
      if (typeof body.topic_name !== 'string' || body.topic_name === '') {
        throw new HttpError(400, 'topic_name is required', 40002);
      }
      const configs: Record<string, string> = {};
      if (body.configs !== undefined) {
        if (!Array.isArray(body.configs))
          throw new HttpError(400, 'configs must be a list of {name, value}', 40002);
        for (const c of body.configs as { name?: unknown; value?: unknown }[]) {
          if (typeof c?.name !== 'string') throw new HttpError(400, 'every config needs a name', 40002);
          configs[c.name] = c.value === null || c.value === undefined ? '' : String(c.value);
        }
      }
      const int = (value: unknown, what: string) => {
        if (value === undefined) return -1;
        if (!Number.isInteger(value)) throw new HttpError(400, `${what} must be an integer`, 40002);
        return value as number;
      };
      await rest.admin.createTopics(
        [
          {
            name: body.topic_name,
            numPartitions: int(body.partitions_count, 'partitions_count'),
            replicationFactor: int(body.replication_factor, 'replication_factor'),
            configs,
          },
        ],
        { validateOnly: body.validate_only === true },
      );
      if (body.validate_only === true) {
        return {
          status: 201,
          body: {
            kind: 'KafkaTopic',
            cluster_id: p.cluster,
            topic_name: body.topic_name,
            partitions_count: body.partitions_count ?? null,
            replication_factor: body.replication_factor ?? null,
          },
        };
      }
      return { status: 201, body: topicResource(base, p.cluster!, await topicOf(body.topic_name)) };
    })
    .add('GET', '/v3/clusters/:cluster/topics/:topic', async (request, p) => {
      const { base } = await clusterOf(request, p.cluster!);
      return ok(topicResource(base, p.cluster!, await topicOf(p.topic!)));
    })
    .add('DELETE', '/v3/clusters/:cluster/topics/:topic', async (request, p) => {
      await clusterOf(request, p.cluster!);
      const [outcome] = await rest.admin.deleteTopics([p.topic!]);
      if (outcome?.error) throw outcome.error;
      return { status: 204 };
    })
    .add('GET', '/v3/clusters/:cluster/topics/:topic/configs', async (request, p) => {
      const { base } = await clusterOf(request, p.cluster!);
      const configs = await rest.admin.describeConfigs({ type: 'topic', name: p.topic! });
      const self = `${base}/topics/${p.topic}/configs`;
      return ok(
        list(
          'KafkaTopicConfigList',
          self,
          configs.map((c) => configResource(self, p.cluster!, p.topic!, c)),
        ),
      );
    })
    .add('GET', '/v3/clusters/:cluster/topics/:topic/configs/:name', async (request, p) => {
      const { base } = await clusterOf(request, p.cluster!);
      const [config] = await rest.admin.describeConfigs({ type: 'topic', name: p.topic! }, [p.name!]);
      if (!config) throw new HttpError(404, `Config ${p.name} cannot be found.`, 40403);
      return ok(configResource(`${base}/topics/${p.topic}/configs`, p.cluster!, p.topic!, config));
    })
    .add('PUT', '/v3/clusters/:cluster/topics/:topic/configs/:name', async (request, p) => {
      await clusterOf(request, p.cluster!);
      const body = await jsonBody<{ value?: unknown }>(request);
      if (body.value === undefined) throw new HttpError(400, 'value is required', 40002);
      await rest.admin.incrementalAlterConfigs({ type: 'topic', name: p.topic! }, [
        { name: p.name!, op: 'set', value: body.value === null ? '' : String(body.value) },
      ]);
      return { status: 204 };
    })
    .add('DELETE', '/v3/clusters/:cluster/topics/:topic/configs/:name', async (request, p) => {
      await clusterOf(request, p.cluster!);
      await rest.admin.incrementalAlterConfigs({ type: 'topic', name: p.topic! }, [
        { name: p.name!, op: 'delete' },
      ]);
      return { status: 204 };
    })
    .add('POST', '/v3/clusters/:cluster/topics/:topic/configs:alter', async (request, p) => {
      await clusterOf(request, p.cluster!);
      const body = await jsonBody<{ data?: unknown }>(request);
      if (!Array.isArray(body.data))
        throw new HttpError(400, 'data must be a list of {name, value, operation}', 40002);
      const alterations = (body.data as { name?: unknown; value?: unknown; operation?: unknown }[]).map(
        (d) => {
          if (typeof d?.name !== 'string') throw new HttpError(400, 'every config needs a name', 40002);
          const operation = String(d.operation ?? 'SET').toUpperCase();
          if (operation === 'DELETE') return { name: d.name, op: 'delete' as const };
          if (operation !== 'SET')
            throw new HttpError(400, `unknown operation ${operation} (SET or DELETE)`, 40002);
          return {
            name: d.name,
            op: 'set' as const,
            value: d.value === null || d.value === undefined ? '' : String(d.value),
          };
        },
      );
      await rest.admin.incrementalAlterConfigs({ type: 'topic', name: p.topic! }, alterations);
      return { status: 204 };
    })
    .add('GET', '/v3/clusters/:cluster/topics/:topic/partitions', async (request, p) => {
      const { base } = await clusterOf(request, p.cluster!);
      const topic = await topicOf(p.topic!);
      const self = `${base}/topics/${p.topic}/partitions`;
      return ok(
        list(
          'KafkaPartitionList',
          self,
          topic.partitions.map((part) => partitionResource(base, p.cluster!, part)),
        ),
      );
    })
    .add('GET', '/v3/clusters/:cluster/topics/:topic/partitions/:partition', async (request, p) => {
      const { base } = await clusterOf(request, p.cluster!);
      const topic = await topicOf(p.topic!);
      const part = topic.partitions.find((x) => String(x.partition) === p.partition);
      if (!part) throw new HttpError(404, 'This server does not host this topic-partition.', 40403);
      return ok(partitionResource(base, p.cluster!, part));
    })
    .add('POST', '/v3/clusters/:cluster/topics/:topic/records', async (request, p) => {
      await clusterOf(request, p.cluster!);
      await topicOf(p.topic!);
      const body = await jsonBody<V3Record>(request);
      const record = v3Record(p.topic!, body);
      const metadata = await rest.producer.send(record);
      return ok({
        error_code: 200,
        cluster_id: p.cluster,
        topic_name: p.topic,
        partition_id: metadata.partition,
        offset: metadata.offset,
        timestamp: new Date(Number(metadata.timestamp)).toISOString(),
        key:
          record.key == null ? null : { type: body.key?.type ?? 'JSON', size: Buffer.byteLength(record.key) },
        value:
          record.value == null
            ? null
            : { type: body.value?.type ?? 'JSON', size: Buffer.byteLength(record.value) },
      });
    })
    .add('GET', '/v3/clusters/:cluster/consumer-groups', async (request, p) => {
      const { base } = await clusterOf(request, p.cluster!);
      const groups = request.access.visibleGroups(await rest.groups.listGroups(), (g) => g.groupId);
      const described = await Promise.all(groups.map((g) => rest.groups.describeGroup(g.groupId)));
      return ok(
        list(
          'KafkaConsumerGroupList',
          `${base}/consumer-groups`,
          described.map((g) => groupResource(base, p.cluster!, g)),
        ),
      );
    })
    .add('GET', '/v3/clusters/:cluster/consumer-groups/:group', async (request, p) => {
      const { base } = await clusterOf(request, p.cluster!);
      return ok(groupResource(base, p.cluster!, await describeGroup(rest, p.group!)));
    })
    .add('GET', '/v3/clusters/:cluster/consumer-groups/:group/consumers', async (request, p) => {
      const { base } = await clusterOf(request, p.cluster!);
      const group = await describeGroup(rest, p.group!);
      const self = `${base}/consumer-groups/${p.group}/consumers`;
      return ok(
        list(
          'KafkaConsumerList',
          self,
          group.members.map((m) => ({
            kind: 'KafkaConsumer',
            metadata: { self: `${self}/${m.memberId}`, resource_name: null },
            cluster_id: p.cluster,
            consumer_group_id: p.group,
            consumer_id: m.memberId,
            instance_id: m.groupInstanceId,
            client_id: m.clientId,
            assignments: { related: `${self}/${m.memberId}/assignments` },
            assigned_partitions: m.assignment.map((a) => ({
              topic_name: a.topic,
              partition_id: a.partition,
            })),
          })),
        ),
      );
    })
    .add('GET', '/v3/clusters/:cluster/consumer-groups/:group/lags', async (request, p) => {
      const { base } = await clusterOf(request, p.cluster!);
      const group = await describeGroup(rest, p.group!);
      const lags = await rest.groups.describeOffsets(p.group!, group);
      const self = `${base}/consumer-groups/${p.group}/lags`;
      return ok(
        list(
          'KafkaConsumerLagList',
          self,
          lags.map((l) => ({
            kind: 'KafkaConsumerLag',
            metadata: { self: `${self}/${l.topic}/partitions/${l.partition}`, resource_name: null },
            cluster_id: p.cluster,
            consumer_group_id: p.group,
            topic_name: l.topic,
            partition_id: l.partition,
            current_offset: l.committedOffset ?? -1n,
            log_end_offset: l.logEndOffset,
            lag: l.lag ?? l.logEndOffset,
            consumer_id: l.memberId ?? '',
            client_id: l.clientId ?? '',
          })),
        ),
      );
    })
    .add('GET', '/v3/clusters/:cluster/consumer-groups/:group/lag-summary', async (request, p) => {
      const { base } = await clusterOf(request, p.cluster!);
      const group = await describeGroup(rest, p.group!);
      const lags = await rest.groups.describeOffsets(p.group!, group);
      let max = lags[0];
      let total = 0n;
      for (const l of lags) {
        const lag = l.lag ?? l.logEndOffset;
        total += lag;
        if (max === undefined || lag > (max.lag ?? max.logEndOffset)) max = l;
      }
      return ok({
        kind: 'KafkaConsumerGroupLagSummary',
        metadata: { self: `${base}/consumer-groups/${p.group}/lag-summary`, resource_name: null },
        cluster_id: p.cluster,
        consumer_group_id: p.group,
        max_lag_consumer_id: max?.memberId ?? '',
        max_lag_client_id: max?.clientId ?? '',
        max_lag_topic_name: max?.topic ?? '',
        max_lag_partition_id: max?.partition ?? 0,
        max_lag: max ? (max.lag ?? max.logEndOffset) : 0n,
        total_lag: total,
      });
    });
}

interface V3Data {
  readonly type?: string;
  readonly data?: unknown;
}

interface V3Record {
  readonly partition_id?: unknown;
  readonly headers?: unknown;
  readonly key?: V3Data;
  readonly value?: V3Data;
  readonly timestamp?: unknown;
}

/** A v3 produce body as a record: `BINARY` data is base64, `JSON` any JSON value, `STRING` text. */
function v3Record(
  topic: string,
  body: V3Record,
): ProducerRecord & { key: Buffer | null; value: Buffer | null } {
  const headers: { key: string; value: Buffer | null }[] = [];
  if (body.headers !== undefined) {
    if (!Array.isArray(body.headers))
      throw new HttpError(400, 'headers must be a list of {name, value}', 40002);
    for (const h of body.headers as { name?: unknown; value?: unknown }[]) {
      if (typeof h?.name !== 'string') throw new HttpError(400, 'every header needs a name', 40002);
      headers.push({ key: h.name, value: h.value == null ? null : Buffer.from(String(h.value), 'base64') });
    }
  }
  let partition: number | undefined;
  if (body.partition_id !== undefined && body.partition_id !== null) {
    if (!Number.isInteger(body.partition_id))
      throw new HttpError(400, 'partition_id must be an integer', 40002);
    partition = body.partition_id as number;
  }
  let timestamp: number | undefined;
  if (body.timestamp !== undefined && body.timestamp !== null) {
    timestamp = Date.parse(String(body.timestamp));
    if (Number.isNaN(timestamp)) throw new HttpError(400, 'timestamp must be an ISO-8601 date-time', 40002);
  }
  return {
    topic,
    partition,
    timestamp,
    headers,
    key: encodeData(body.key, 'key'),
    value: encodeData(body.value, 'value'),
  };
}

function encodeData(data: V3Data | undefined, what: string): Buffer | null {
  if (data === undefined || data === null || data.data === undefined || data.data === null) return null;
  const type = String(data.type ?? 'JSON').toUpperCase();
  if (type === 'BINARY') {
    if (typeof data.data !== 'string')
      throw new HttpError(400, `${what}.data must be base64 text for BINARY`, 42201);
    return Buffer.from(data.data, 'base64');
  }
  if (type === 'STRING') return Buffer.from(String(data.data), 'utf8');
  if (type === 'JSON') return Buffer.from(JSON.stringify(data.data), 'utf8');
  throw new HttpError(400, `${what}.type ${type} is not one of BINARY, JSON, STRING`, 42201);
}

async function describeGroup(rest: RestClient, groupId: string) {
  try {
    const group = await rest.groups.describeGroup(groupId);
    if (group.state === 'Dead') throw new HttpError(404, `Consumer group ${groupId} cannot be found.`, 40403);
    return group;
  } catch (error) {
    if (isGroupNotFound(error)) throw new HttpError(404, `Consumer group ${groupId} cannot be found.`, 40403);
    throw error;
  }
}

const ok = (body: unknown) => ({ status: 200, body });

/** The cluster's metadata and `/v3/clusters/{id}` base URL; 404 (40403) for another cluster id. */
export async function clusterAt(rest: RestClient, request: AdminRequest, clusterId: string) {
  const metadata = await rest.cluster.metadata([]);
  if (metadata.clusterId !== clusterId)
    throw new HttpError(404, `Cluster ${clusterId} cannot be found.`, 40403);
  return { metadata, base: `${baseUrl(request)}/v3/clusters/${clusterId}` };
}

/** The scheme and host the caller used, for `self` links. */
export function baseUrl(request: AdminRequest): string {
  const host = request.headers.host ?? 'localhost';
  return `${request.secure ? 'https' : 'http'}://${host}`;
}

export function list(kind: string, self: string, data: unknown[]) {
  return { kind, metadata: { self, next: null }, data };
}

function clusterResource(self: string, clusterId: string, controllerId: number) {
  return {
    kind: 'KafkaCluster',
    metadata: { self, resource_name: `crn:///kafka=${clusterId}` },
    cluster_id: clusterId,
    controller: { related: `${self}/brokers/${controllerId}` },
    acls: { related: `${self}/acls` },
    brokers: { related: `${self}/brokers` },
    broker_configs: { related: `${self}/broker-configs` },
    consumer_groups: { related: `${self}/consumer-groups` },
    topics: { related: `${self}/topics` },
    partition_reassignments: { related: `${self}/topics/-/partitions/-/reassignment` },
  };
}

function brokerResource(
  base: string,
  clusterId: string,
  b: { nodeId: number; host: string; port: number; rack: string | null },
) {
  const self = `${base}/brokers/${b.nodeId}`;
  return {
    kind: 'KafkaBroker',
    metadata: { self, resource_name: `crn:///kafka=${clusterId}/broker=${b.nodeId}` },
    cluster_id: clusterId,
    broker_id: b.nodeId,
    host: b.host,
    port: b.port,
    rack: b.rack,
    configs: { related: `${self}/configs` },
    partition_replicas: { related: `${self}/partition-replicas` },
  };
}

function topicResource(base: string, clusterId: string, t: TopicMetadata) {
  const self = `${base}/topics/${t.name}`;
  return {
    kind: 'KafkaTopic',
    metadata: { self, resource_name: `crn:///kafka=${clusterId}/topic=${t.name}` },
    cluster_id: clusterId,
    topic_name: t.name,
    topic_id: t.topicId,
    is_internal: t.isInternal,
    replication_factor: t.partitions[0]?.replicas.length ?? 0,
    partitions_count: t.partitions.length,
    partitions: { related: `${self}/partitions` },
    configs: { related: `${self}/configs` },
    partition_reassignments: { related: `${self}/partitions/-/reassignment` },
    authorized_operations: [],
  };
}

function partitionResource(base: string, clusterId: string, p: PartitionMetadata) {
  const self = `${base}/topics/${p.topic}/partitions/${p.partition}`;
  return {
    kind: 'KafkaPartition',
    metadata: { self, resource_name: `crn:///kafka=${clusterId}/topic=${p.topic}/partition=${p.partition}` },
    cluster_id: clusterId,
    topic_name: p.topic,
    partition_id: p.partition,
    leader: { related: `${self}/replicas/${p.leader}` },
    replicas: { related: `${self}/replicas` },
    reassignment: { related: `${self}/reassignment` },
    // Not in REST Proxy's resource; the console shows them without a second request.
    leader_id: p.leader,
    leader_epoch: p.leaderEpoch,
    replica_ids: p.replicas,
    isr_ids: p.isr,
  };
}

function configResource(self: string, clusterId: string, topic: string, c: ConfigEntry) {
  return {
    kind: 'KafkaTopicConfig',
    metadata: {
      self: `${self}/${c.name}`,
      resource_name: `crn:///kafka=${clusterId}/topic=${topic}/config=${c.name}`,
    },
    cluster_id: clusterId,
    topic_name: topic,
    name: c.name,
    value: c.isSensitive ? null : c.value,
    is_default: c.source === 'DEFAULT_CONFIG',
    is_read_only: c.readOnly,
    is_sensitive: c.isSensitive,
    source: c.source,
    synonyms: [],
  };
}

function groupResource(
  base: string,
  clusterId: string,
  g: { groupId: string; state: string; protocolType: string; protocol: string; coordinatorId: number },
) {
  const self = `${base}/consumer-groups/${g.groupId}`;
  return {
    kind: 'KafkaConsumerGroup',
    metadata: { self, resource_name: `crn:///kafka=${clusterId}/consumer-group=${g.groupId}` },
    cluster_id: clusterId,
    consumer_group_id: g.groupId,
    is_simple: g.protocolType === '',
    partition_assignor: g.protocol,
    state: stateName(g.state),
    coordinator: { related: `${base}/brokers/${g.coordinatorId}` },
    consumers: { related: `${self}/consumers` },
    lag_summary: { related: `${self}/lag-summary` },
  };
}

/** REST Proxy's ConsumerGroupState names (`PreparingRebalance` → `PREPARING_REBALANCE`). */
function stateName(state: string): string {
  return state.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}
