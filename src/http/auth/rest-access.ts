/**
 * Which ACL each REST and console endpoint needs, in one table, checked through the broker's ACL
 * authorizer for the request's principal as Kafka checks the requests the endpoint stands for
 * (CreateTopics → Create, Produce → Write, Fetch → Read, DescribeConfigs, DescribeAcls → Describe
 * cluster, ...). Lists show only what the principal may Describe. A denial is REST Proxy's 403 with
 * error_code 40301. An endpoint missing from the table is denied whenever an authorizer runs.
 */

import { AclOperation, CLUSTER_RESOURCE_NAME, ResourceType } from '../../security/authorizer/acl.js';
import type { AclAuthorizer } from '../../security/authorizer/acl-authorizer.js';
import { HttpError } from '../http-response.js';

/** The principal's rights, as the authorizer answers them (everything, without an authorizer). */
export class RequestAccess {
  constructor(
    private readonly authorizer: AclAuthorizer | undefined,
    readonly principal: string,
    private readonly host: string,
  ) {}

  can(operation: number, resourceType: number, name: string): boolean {
    if (!this.authorizer) return true;
    return this.authorizer.authorize(this.principal, this.host, operation, resourceType, name);
  }

  /** Throws REST Proxy's 403 (40301) unless `operation` is allowed on every named resource. */
  require(operation: number, resourceType: number, names: readonly string[]): void {
    const denied = names.filter((name) => !this.can(operation, resourceType, name));
    if (denied.length === 0) return;
    throw new HttpError(403, `${deniedWhat(resourceType)}: [${denied.join(', ')}]`, 40301);
  }

  requireCluster(operation: number): void {
    this.require(operation, ResourceType.CLUSTER, [CLUSTER_RESOURCE_NAME]);
  }

  /** The topics of `names` this principal may Describe (Metadata and ListTopics filter the same way). */
  visibleTopics<T>(items: readonly T[], nameOf: (item: T) => string): T[] {
    return items.filter((item) => this.can(AclOperation.DESCRIBE, ResourceType.TOPIC, nameOf(item)));
  }

  visibleGroups<T>(items: readonly T[], nameOf: (item: T) => string): T[] {
    return items.filter((item) => this.can(AclOperation.DESCRIBE, ResourceType.GROUP, nameOf(item)));
  }
}

/** Kafka's AuthorizationException messages, which REST Proxy passes on. */
function deniedWhat(resourceType: number): string {
  switch (resourceType) {
    case ResourceType.TOPIC:
      return 'Not authorized to access topics';
    case ResourceType.GROUP:
      return 'Not authorized to access group';
    case ResourceType.CLUSTER:
      return 'Cluster authorization failed';
    default:
      return 'Not authorized';
  }
}

export interface AccessContext {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly access: RequestAccess;
  /** The request body as JSON (read once; the handler reads the same). */
  readonly body: () => Promise<Record<string, unknown>>;
}

type Rule = (context: AccessContext) => void | Promise<void>;

const { READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS } = AclOperation;
const { TOPIC, GROUP } = ResourceType;

const cluster =
  (operation: number): Rule =>
  ({ access }) =>
    access.requireCluster(operation);
const topic =
  (operation: number): Rule =>
  ({ access, params }) =>
    access.require(operation, TOPIC, [params.topic!]);
const group =
  (operation: number): Rule =>
  ({ access, params }) =>
    access.require(operation, GROUP, [params.group!]);
/** Filtered by the handler (see RequestAccess.visibleTopics). */
const listed: Rule = () => undefined;
const both =
  (...rules: Rule[]): Rule =>
  async (context) => {
    for (const rule of rules) await rule(context);
  };

/** Topics a v2 consumer request body names (subscriptions, assignments, offsets, seeks). */
function topicsInBody(body: Record<string, unknown>): string[] {
  const names = new Set<string>();
  if (Array.isArray(body.topics)) for (const t of body.topics) if (typeof t === 'string') names.add(t);
  for (const key of ['partitions', 'offsets']) {
    const list = body[key];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const name = (item as { topic?: unknown } | null)?.topic;
      if (typeof name === 'string') names.add(name);
    }
  }
  return [...names];
}

/** Group Read, and Read on every topic the body names (OffsetCommit, Fetch, a subscription). */
const groupAndBodyTopics: Rule = async (context) => {
  context.access.require(READ, GROUP, [context.params.group!]);
  context.access.require(READ, TOPIC, topicsInBody(await context.body()));
};

/** CreateTopics: Create on the cluster or on the topic. */
const createTopic: Rule = async ({ access, body }) => {
  if (access.can(CREATE, ResourceType.CLUSTER, CLUSTER_RESOURCE_NAME)) return;
  const name = (await body()).topic_name;
  access.require(CREATE, TOPIC, [typeof name === 'string' ? name : '']);
};

/** Console offset reset: AlterConsumerGroupOffsets needs group Read and Read on the topic. */
const resetOffsets: Rule = async (context) => {
  context.access.require(READ, GROUP, [context.params.group!]);
  const name = (await context.body()).topic;
  if (typeof name === 'string' && name !== '') context.access.require(READ, TOPIC, [name]);
};

/**
 * The message browser needs Read on the topic. A JavaScript filter runs in a V8 context on the
 * broker, which is no security boundary, so it is for principals trusted with Alter on the cluster.
 */
const browseMessages: Rule = (context) => {
  context.access.require(READ, TOPIC, [context.params.topic!]);
  const filter = context.query.get('filter') ?? '';
  const type = context.query.get('filterType') ?? 'js';
  if (filter.trim() !== '' && type === 'js') context.access.requireCluster(ALTER);
};

const V3 = '/v3/clusters/:cluster';
const CONSUMER = '/consumers/:group/instances/:name';

/** `METHOD pattern` → what the endpoint needs. */
const RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  // REST Proxy v3
  ['GET /v3/clusters', cluster(DESCRIBE)],
  [`GET ${V3}`, cluster(DESCRIBE)],
  [`GET ${V3}/brokers`, cluster(DESCRIBE)],
  [`GET ${V3}/brokers/:broker`, cluster(DESCRIBE)],
  [`GET ${V3}/topics`, listed],
  [`POST ${V3}/topics`, createTopic],
  [`GET ${V3}/topics/:topic`, topic(DESCRIBE)],
  [`DELETE ${V3}/topics/:topic`, topic(DELETE)],
  [`GET ${V3}/topics/:topic/configs`, topic(DESCRIBE_CONFIGS)],
  [`GET ${V3}/topics/:topic/configs/:name`, topic(DESCRIBE_CONFIGS)],
  [`PUT ${V3}/topics/:topic/configs/:name`, topic(ALTER_CONFIGS)],
  [`DELETE ${V3}/topics/:topic/configs/:name`, topic(ALTER_CONFIGS)],
  [`POST ${V3}/topics/:topic/configs:alter`, topic(ALTER_CONFIGS)],
  [`GET ${V3}/topics/:topic/partitions`, topic(DESCRIBE)],
  [`GET ${V3}/topics/:topic/partitions/:partition`, topic(DESCRIBE)],
  [`POST ${V3}/topics/:topic/records`, topic(WRITE)],
  [`GET ${V3}/consumer-groups`, listed],
  [`GET ${V3}/consumer-groups/:group`, group(DESCRIBE)],
  [`GET ${V3}/consumer-groups/:group/consumers`, group(DESCRIBE)],
  [`GET ${V3}/consumer-groups/:group/lags`, group(DESCRIBE)],
  [`GET ${V3}/consumer-groups/:group/lag-summary`, group(DESCRIBE)],
  // DescribeAcls needs Describe on the cluster; CreateAcls and DeleteAcls Alter on it.
  [`GET ${V3}/acls`, cluster(DESCRIBE)],
  [`POST ${V3}/acls`, cluster(ALTER)],
  [`DELETE ${V3}/acls`, cluster(ALTER)],
  // REST Proxy v2
  ['GET /topics', listed],
  ['GET /topics/:topic', both(topic(DESCRIBE), topic(DESCRIBE_CONFIGS))],
  ['POST /topics/:topic', topic(WRITE)],
  // v2 consumer instances (each also belongs to the principal that created it)
  ['POST /consumers/:group', group(READ)],
  [`DELETE ${CONSUMER}`, group(READ)],
  [`POST ${CONSUMER}/subscription`, groupAndBodyTopics],
  [`GET ${CONSUMER}/subscription`, group(READ)],
  [`DELETE ${CONSUMER}/subscription`, group(READ)],
  [`POST ${CONSUMER}/assignments`, groupAndBodyTopics],
  [`GET ${CONSUMER}/assignments`, group(READ)],
  [`GET ${CONSUMER}/records`, group(READ)],
  [`POST ${CONSUMER}/offsets`, groupAndBodyTopics],
  [`GET ${CONSUMER}/offsets`, groupAndBodyTopics],
  [`POST ${CONSUMER}/positions`, groupAndBodyTopics],
  [`POST ${CONSUMER}/positions/beginning`, groupAndBodyTopics],
  [`POST ${CONSUMER}/positions/end`, groupAndBodyTopics],
  // The console's own API
  ['GET /v1/console/overview', cluster(DESCRIBE)],
  ['GET /v1/console/stats', cluster(DESCRIBE)],
  ['GET /v1/console/brokers/throughput', cluster(DESCRIBE)],
  ['GET /v1/console/whoami', () => undefined],
  ['GET /v1/console/topics/:topic/partitions', topic(DESCRIBE)],
  ['GET /v1/console/transactions', cluster(DESCRIBE)],
  ['GET /v1/console/topics/:topic/messages', browseMessages],
  ['POST /v1/console/groups/:group/reset-offsets', resetOffsets],
  ['GET /v1/console/security/users', cluster(DESCRIBE)],
  ['POST /v1/console/security/users', cluster(ALTER)],
  ['DELETE /v1/console/security/users/:user', cluster(ALTER)],
]);

/** True when the table names the endpoint (tests check every route has a rule). */
export function hasAccessRule(method: string, pattern: string): boolean {
  return RULES.has(`${method} ${pattern}`);
}

/** Checks the endpoint's rule; throws 403 when it denies. */
export async function authorizeEndpoint(
  method: string,
  pattern: string,
  context: AccessContext,
): Promise<void> {
  const rule = RULES.get(`${method} ${pattern}`);
  if (!rule) {
    context.access.requireCluster(AclOperation.ALL);
    return;
  }
  await rule(context);
}
