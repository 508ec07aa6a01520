/**
 * The znodes of a Kafka cluster and their JSON, as Kafka's `kafka/zk/ZkData.scala` writes them, so
 * `zkCli.sh` (and Kafka's own tools) show what an operator expects. One section per znode: its
 * path and its encoding.
 */

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');
const parse = (data: Buffer): any => JSON.parse(data.toString('utf8'));

/** Paths every broker creates at start (Kafka's `ZkData.PersistentZkPaths`). */
export const PERSISTENT_PATHS = [
  '/consumers',
  '/brokers/ids',
  '/brokers/topics',
  '/brokers/seqid',
  '/config/changes',
  '/config/topics',
  '/config/clients',
  '/config/users',
  '/config/brokers',
  '/config/ips',
  '/admin/delete_topics',
  '/isr_change_notification',
  '/log_dir_event_notification',
];

// ------------------------------------------------------------------------------- /cluster/id

export const CLUSTER_ID_PATH = '/cluster/id';
export const encodeClusterId = (id: string): Buffer => json({ version: '1', id });
export const decodeClusterId = (data: Buffer): string => parse(data).id as string;

// ------------------------------------------------------------------------ /brokers/ids/<id>

export const BROKER_IDS_PATH = '/brokers/ids';
export const brokerIdPath = (id: number): string => `${BROKER_IDS_PATH}/${id}`;

/** One advertised listener of a registered broker (Kafka's EndPoint). */
export interface RegisteredEndpoint {
  readonly listenerName: string;
  readonly securityProtocol: string;
  readonly host: string;
  readonly port: number;
}

export interface BrokerRegistration {
  readonly id: number;
  /** Every advertised listener, in the order of the broker's `advertised.listeners`. */
  readonly endpoints: readonly RegisteredEndpoint[];
  readonly rack: string | null;
  /** The zxid that created the registration (Kafka's broker epoch); 0n before it is read back. */
  readonly epoch: bigint;
}

/** A registration's endpoint for `listenerName`, if the broker has that listener. */
export function endpointOf(b: BrokerRegistration, listenerName: string): RegisteredEndpoint | undefined {
  return b.endpoints.find((e) => e.listenerName === listenerName);
}

const hostForUrl = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/**
 * BrokerIdZNode.encode, version 5 (features, listener map, endpoints, rack). As
 * `KafkaZkClient.registerBroker`, `host`/`port` are the PLAINTEXT endpoint's, or null and -1.
 */
export function encodeBrokerRegistration(b: BrokerRegistration, timestampMs: number): Buffer {
  const plaintext = b.endpoints.find((e) => e.securityProtocol === 'PLAINTEXT');
  const body: Record<string, unknown> = {
    features: {},
    listener_security_protocol_map: Object.fromEntries(
      b.endpoints.map((e) => [e.listenerName, e.securityProtocol]),
    ),
    endpoints: b.endpoints.map((e) => `${e.listenerName}://${hostForUrl(e.host)}:${e.port}`),
    jmx_port: -1,
    port: plaintext?.port ?? -1,
    host: plaintext?.host ?? null,
    version: 5,
    timestamp: String(timestampMs),
  };
  if (b.rack !== null) body.rack = b.rack;
  return json(body);
}

export function decodeBrokerRegistration(id: number, data: Buffer, epoch: bigint): BrokerRegistration {
  const body = parse(data);
  const protocols: Record<string, string> = body.listener_security_protocol_map ?? {};
  const endpoints: RegisteredEndpoint[] = [];
  for (const ep of (body.endpoints ?? []) as string[]) {
    const m = /^([A-Za-z0-9_]+):\/\/\[?([^\]]*?)\]?:(\d+)$/.exec(ep);
    if (!m) continue;
    const listenerName = m[1]!;
    // Before version 4 the listener name is the security protocol.
    const securityProtocol = protocols[listenerName] ?? listenerName;
    endpoints.push({ listenerName, securityProtocol, host: m[2]!, port: Number(m[3]) });
  }
  // Version 1 registrations have only host and port (PLAINTEXT).
  if (endpoints.length === 0 && typeof body.host === 'string' && body.port > 0) {
    endpoints.push({
      listenerName: 'PLAINTEXT',
      securityProtocol: 'PLAINTEXT',
      host: body.host,
      port: body.port,
    });
  }
  return { id, endpoints, rack: typeof body.rack === 'string' ? body.rack : null, epoch };
}

// ------------------------------------------------------------- /controller, /controller_epoch

export const CONTROLLER_PATH = '/controller';
export const CONTROLLER_EPOCH_PATH = '/controller_epoch';
export const encodeController = (brokerId: number, timestampMs: number): Buffer =>
  json({ version: 1, brokerid: brokerId, timestamp: String(timestampMs) });
export const decodeController = (data: Buffer): number => Number(parse(data).brokerid);
export const encodeControllerEpoch = (epoch: number): Buffer => Buffer.from(String(epoch), 'utf8');
export const decodeControllerEpoch = (data: Buffer): number => Number(data.toString('utf8'));

// ----------------------------------------------------------------------- /brokers/topics/<t>

export const TOPICS_PATH = '/brokers/topics';
export const topicPath = (topic: string): string => `${TOPICS_PATH}/${topic}`;

export interface TopicAssignment {
  readonly topicId: Buffer;
  /** Replicas of each partition, the preferred leader first. */
  readonly partitions: readonly (readonly number[])[];
}

/** Kafka prints a Uuid in URL-safe base64 without padding. */
export const uuidToString = (id: Buffer): string => id.toString('base64url');
export const uuidFromString = (s: string): Buffer => Buffer.from(s, 'base64url');

/** TopicZNode.encode, version 3. */
export function encodeTopicAssignment(a: TopicAssignment): Buffer {
  const partitions: Record<string, readonly number[]> = {};
  a.partitions.forEach((replicas, p) => {
    partitions[String(p)] = replicas;
  });
  return json({
    version: 3,
    topic_id: uuidToString(a.topicId),
    partitions,
    adding_replicas: {},
    removing_replicas: {},
  });
}

export function decodeTopicAssignment(data: Buffer): TopicAssignment {
  const body = parse(data);
  const entries = Object.entries(body.partitions as Record<string, number[]>)
    .map(([p, replicas]) => [Number(p), replicas] as const)
    .sort((a, b) => a[0] - b[0]);
  return {
    topicId: body.topic_id ? uuidFromString(body.topic_id) : Buffer.alloc(16),
    partitions: entries.map(([, replicas]) => replicas),
  };
}

// ---------------------------------------------- /brokers/topics/<t>/partitions/<p>/state

export const partitionsPath = (topic: string): string => `${topicPath(topic)}/partitions`;
export const partitionStatePath = (topic: string, partition: number): string =>
  `${partitionsPath(topic)}/${partition}/state`;

export interface LeaderAndIsr {
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  readonly controllerEpoch: number;
}

/** TopicPartitionStateZNode.encode, version 1. */
export const encodeLeaderAndIsr = (s: LeaderAndIsr): Buffer =>
  json({
    controller_epoch: s.controllerEpoch,
    leader: s.leader,
    version: 1,
    leader_epoch: s.leaderEpoch,
    isr: s.isr,
  });

export function decodeLeaderAndIsr(data: Buffer): LeaderAndIsr {
  const body = parse(data);
  return {
    leader: body.leader,
    leaderEpoch: body.leader_epoch,
    isr: body.isr,
    controllerEpoch: body.controller_epoch,
  };
}

// ------------------------------------------------------------- /config/topics/<t>, changes

export const topicConfigPath = (topic: string): string => `/config/topics/${topic}`;
export const encodeTopicConfig = (configs: Readonly<Record<string, string>>): Buffer =>
  json({ version: 1, config: configs });
export const decodeTopicConfig = (data: Buffer): Record<string, string> =>
  (parse(data).config ?? {}) as Record<string, string>;

/** ConfigEntityChangeNotificationSequenceZNode: `/config/changes/config_change_<seq>`. */
export const CONFIG_CHANGE_PREFIX = '/config/changes/config_change_';
export const encodeConfigChange = (entityPath: string): Buffer =>
  json({ version: 2, entity_path: entityPath });

// ------------------------------------------------------------------- /admin/delete_topics/<t>

export const DELETE_TOPICS_PATH = '/admin/delete_topics';
export const deleteTopicPath = (topic: string): string => `${DELETE_TOPICS_PATH}/${topic}`;

// ------------------------------------------------------------------ /isr_change_notification

export const ISR_CHANGE_PATH = '/isr_change_notification';
export const ISR_CHANGE_PREFIX = `${ISR_CHANGE_PATH}/isr_change_`;
export const encodeIsrChange = (partitions: readonly { topic: string; partition: number }[]): Buffer =>
  json({ version: 1, partitions });
export function decodeIsrChange(data: Buffer): { topic: string; partition: number }[] {
  return parse(data).partitions ?? [];
}

// ------------------------------------------------------------------ /latest_producer_id_block

export const PRODUCER_ID_BLOCK_PATH = '/latest_producer_id_block';

export interface ProducerIdBlock {
  readonly brokerId: number;
  readonly first: bigint;
  readonly last: bigint;
}

/** ProducerIdBlockZNode.generateProducerIdBlockJson. */
export const encodeProducerIdBlock = (b: ProducerIdBlock): Buffer =>
  json({ version: 1, broker: b.brokerId, block_start: String(b.first), block_end: String(b.last) });

export function decodeProducerIdBlock(data: Buffer): ProducerIdBlock {
  const body = parse(data);
  return { brokerId: Number(body.broker), first: BigInt(body.block_start), last: BigInt(body.block_end) };
}
