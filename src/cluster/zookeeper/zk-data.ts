/**
 * The znodes of a Kafka cluster and their JSON, as Kafka's `kafka/zk/ZkData.scala` writes them, so
 * `zkCli.sh` (and Kafka's own tools) show what an operator expects. One section per znode: its
 * path and its encoding.
 */

import { AclOperation, AclPermission, PatternType, ResourceType } from '../../security/authorizer/acl.js';

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

// ------------------------------------------- /config/<type>/<name> (ConfigEntityZNode), changes

/** ConfigEntityZNode.encode: `{"version":1,"config":{...}}`, every value a string. */
export const encodeEntityConfig = (configs: Readonly<Record<string, string>>): Buffer =>
  json({ version: 1, config: configs });
export const decodeEntityConfig = (data: Buffer): Record<string, string> => {
  if (data.length === 0) return {};
  const config = (parse(data)?.config ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)]));
};

export const topicConfigPath = (topic: string): string => `/config/topics/${topic}`;
export const encodeTopicConfig = encodeEntityConfig;
export const decodeTopicConfig = decodeEntityConfig;

/** Entity types under `/config` (Kafka's `ConfigType`) that hold client quotas and credentials. */
export const CONFIG_USERS = 'users';
export const CONFIG_CLIENTS = 'clients';
export const CONFIG_IPS = 'ips';
/** The name of a default entity (`ConfigEntityName.Default`), never sanitized. */
export const DEFAULT_ENTITY = '<default>';

/**
 * Kafka's `Sanitizer.sanitize` (user principals and client ids in znode names): Java's
 * URLEncoder, with `*` and a space percent-encoded too, so only `A-Za-z0-9._-` stay as they are.
 */
export function sanitizeEntityName(name: string): string {
  let out = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9._-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `Sanitizer.desanitize` (Java's URLDecoder: `+` is a space); a malformed escape is kept as it is. */
export function desanitizeEntityName(sanitized: string): string {
  try {
    return decodeURIComponent(sanitized.replace(/\+/g, ' '));
  } catch {
    return sanitized;
  }
}

/** `/config/<entityPath>`, e.g. `users/alice` or `users/alice/clients/app`. */
export const entityConfigPath = (entityPath: string): string => `/config/${entityPath}`;

/** ConfigEntityChangeNotificationSequenceZNode: `/config/changes/config_change_<seq>`. */
export const CONFIG_CHANGES_PATH = '/config/changes';
export const CONFIG_CHANGE_SEQUENCE = 'config_change_';
export const CONFIG_CHANGE_PREFIX = `${CONFIG_CHANGES_PATH}/${CONFIG_CHANGE_SEQUENCE}`;
export const encodeConfigChange = (entityPath: string): Buffer =>
  json({ version: 2, entity_path: entityPath });

/** The entity path a notification names: version 2's, or version 1's `entity_type`/`entity_name`. */
export function decodeConfigChange(data: Buffer): string | undefined {
  const body = parse(data);
  if (body?.version === 2 && typeof body.entity_path === 'string') return body.entity_path;
  if (body?.version === 1 && typeof body.entity_type === 'string' && typeof body.entity_name === 'string')
    return `${body.entity_type}/${body.entity_name}`;
  return undefined;
}

// ---------------------------------- /kafka-acl, /kafka-acl-extended (ZkAclStore), ACL changes

/**
 * Names by wire code for the codes of `values` past ALL/ANY: the Java enum name (`TRANSACTIONAL_ID`,
 * which ACL change notifications carry) or its PascalCase (`TransactionalId`, Kafka's
 * `SecurityUtils.toPascalCase`, in znode names and ACL JSON).
 */
function namesOf(values: Readonly<Record<string, number>>, firstCode: number, pascal: boolean) {
  const toPascal = (enumName: string) =>
    enumName
      .toLowerCase()
      .split('_')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('');
  return new Map(
    Object.entries(values)
      .filter(([, code]) => code >= firstCode)
      .map(([name, code]) => [code, pascal ? toPascal(name) : name] as const),
  );
}

/** `SecurityUtils.resourceTypeName` by wire code (znode names); ANY and UNKNOWN have none. */
export const ACL_RESOURCE_TYPE_NAMES: ReadonlyMap<number, string> = namesOf(
  ResourceType,
  ResourceType.TOPIC,
  true,
);
const RESOURCE_TYPE_ENUM_NAMES: ReadonlyMap<number, string> = namesOf(
  ResourceType,
  ResourceType.TOPIC,
  false,
);
/** `SecurityUtils.operationName` / `permissionTypeName` by wire code. */
const OPERATION_NAMES: ReadonlyMap<number, string> = namesOf(AclOperation, AclOperation.ALL, true);
const PERMISSION_NAMES: ReadonlyMap<number, string> = namesOf(AclPermission, AclPermission.DENY, true);
const PATTERN_LITERAL = PatternType.LITERAL;
const PATTERN_PREFIXED = PatternType.PREFIXED;

/** Looks a name up case- and underscore-insensitively, as Kafka's `fromString`s accept. */
function codeOf(names: ReadonlyMap<number, string>, name: string, what: string): number {
  const wanted = name.replace(/_/g, '').toLowerCase();
  for (const [code, n] of names) if (n.replace(/_/g, '').toLowerCase() === wanted) return code;
  throw new Error(`unknown ACL ${what} ${name}`);
}

export const LITERAL_ACL_PATH = '/kafka-acl';
export const EXTENDED_ACL_PATH = '/kafka-acl-extended';
export const PREFIXED_ACL_PATH = `${EXTENDED_ACL_PATH}/prefixed`;
export const LITERAL_ACL_CHANGES_PATH = '/kafka-acl-changes';
export const EXTENDED_ACL_CHANGES_PATH = '/kafka-acl-extended-changes';
export const ACL_CHANGE_SEQUENCE = 'acl_changes_';

export interface AclResource {
  readonly resourceType: number;
  readonly name: string;
  /** LITERAL or PREFIXED. */
  readonly patternType: number;
}

export interface ZkAclEntry {
  readonly principal: string;
  readonly host: string;
  readonly operation: number;
  readonly permission: number;
}

/** Where a pattern type's ACLs live. */
export const aclStorePath = (patternType: number): string =>
  patternType === PATTERN_PREFIXED ? PREFIXED_ACL_PATH : LITERAL_ACL_PATH;

/** `/kafka-acl/<Type>` or `/kafka-acl-extended/prefixed/<Type>`. */
export const aclResourceTypePath = (patternType: number, resourceType: number): string =>
  `${aclStorePath(patternType)}/${ACL_RESOURCE_TYPE_NAMES.get(resourceType)}`;

/** ResourceZNode.path: the resource name as it is (Kafka does not sanitize it). */
export const aclResourcePath = (r: AclResource): string =>
  `${aclResourceTypePath(r.patternType, r.resourceType)}/${r.name}`;

/** The resource type of a `/kafka-acl[...]/<Type>` child name. */
export const aclResourceTypeOfName = (name: string): number =>
  codeOf(ACL_RESOURCE_TYPE_NAMES, name, 'resource type');

/** ResourceZNode.encode (AclEntry.toJsonCompatibleMap). */
export const encodeAcls = (entries: readonly ZkAclEntry[]): Buffer =>
  json({
    version: 1,
    acls: entries.map((e) => ({
      principal: e.principal,
      permissionType: PERMISSION_NAMES.get(e.permission),
      operation: OPERATION_NAMES.get(e.operation),
      host: e.host,
    })),
  });

export function decodeAcls(data: Buffer): ZkAclEntry[] {
  if (data.length === 0) return [];
  const body = parse(data);
  if (body?.version !== 1) throw new Error(`unsupported ACL znode version ${body?.version}`);
  return ((body.acls ?? []) as Record<string, string>[]).map((a) => ({
    principal: a.principal!,
    host: a.host!,
    operation: codeOf(OPERATION_NAMES, a.operation!, 'operation'),
    permission: codeOf(PERMISSION_NAMES, a.permissionType!, 'permission type'),
  }));
}

/** Where a change to this resource's ACLs is announced. */
export const aclChangesPath = (patternType: number): string =>
  patternType === PATTERN_PREFIXED ? EXTENDED_ACL_CHANGES_PATH : LITERAL_ACL_CHANGES_PATH;

/**
 * The notification of a change: LiteralAclChangeStore writes `TOPIC:name` (the resource type's
 * enum name), ExtendedAclChangeStore the JSON of an ExtendedAclChangeEvent.
 */
export function encodeAclChange(r: AclResource): Buffer {
  const type = RESOURCE_TYPE_ENUM_NAMES.get(r.resourceType);
  if (r.patternType !== PATTERN_PREFIXED) return Buffer.from(`${type}:${r.name}`, 'utf8');
  return json({ version: 1, resourceType: type, name: r.name, patternType: 'PREFIXED' });
}

export function decodeAclChange(changesPath: string, data: Buffer): AclResource {
  if (changesPath === LITERAL_ACL_CHANGES_PATH) {
    const text = data.toString('utf8');
    const colon = text.indexOf(':');
    if (colon < 0) throw new Error(`expected ResourceType:ResourceName, got ${text}`);
    return {
      resourceType: codeOf(RESOURCE_TYPE_ENUM_NAMES, text.slice(0, colon), 'resource type'),
      name: text.slice(colon + 1),
      patternType: PATTERN_LITERAL,
    };
  }
  const body = parse(data);
  if (body?.version !== 1) throw new Error(`unsupported ACL change event version ${body?.version}`);
  if (String(body.patternType).toUpperCase() !== 'PREFIXED')
    throw new Error(`unsupported pattern type ${body.patternType}`);
  return {
    resourceType: codeOf(RESOURCE_TYPE_ENUM_NAMES, body.resourceType, 'resource type'),
    name: body.name,
    patternType: PATTERN_PREFIXED,
  };
}

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
