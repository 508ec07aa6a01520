/**
 * `samsa acl create|list|delete`: ACLs over CreateAcls/DescribeAcls/DeleteAcls, with
 * kafka-acls.sh's flags (--add, --list and --remove in Kafka's terms).
 */
import { createInterface } from 'node:readline';
import { createAcls, deleteAcls, describeAcls } from '../../client/acl-admin.js';
import {
  type AclBinding,
  type AclBindingFilter,
  AclOperation,
  AclPermission,
  CLUSTER_RESOURCE_NAME,
  PatternType,
  type ResourcePattern,
  ResourceType,
  SUPPORTED_OPERATIONS,
  WILDCARD,
} from '../../security/authorizer/acl.js';
import {
  CLIENT_FLAGS_HELP,
  formatOf,
  out,
  outJson,
  parseClientArgs,
  runSubcommand,
  UsageError,
  withCluster,
} from './shared.js';

export const ACL_HELP = `Usage: samsa acl <subcommand> [options]

Subcommands:
  create                     add ACLs (kafka-acls.sh --add)
  list                       list ACLs, of the given resources or all (--list)
  delete                     remove ACLs (--remove); asks first unless --force

Resources (repeatable):
  --topic <name>             a topic ('*' for every topic)
  --group <name>             a consumer group
  --transactional-id <id>    a transactional id
  --cluster                  the cluster
  --resource-pattern-type <t>  literal (default for create/delete), prefixed, match or any
                             (default for list); create takes literal or prefixed only

Entries:
  --allow-principal <p>      principal to allow, e.g. User:alice or User:*; repeatable
  --deny-principal <p>       principal to deny; repeatable
  --allow-host <ip>          host the allow entries apply to (default *); repeatable
  --deny-host <ip>           host the deny entries apply to (default *); repeatable
  --operation <op>           Read, Write, Create, Delete, Alter, Describe, ClusterAction,
                             DescribeConfigs, AlterConfigs, IdempotentWrite, All (default All);
                             repeatable
  --producer                 Write, Describe and Create on the topics (and Write, Describe on
                             the transactional ids)
  --idempotent               with --producer: IdempotentWrite on the cluster
  --consumer                 Read and Describe on the topics, Read on the groups (needs --group)
  --principal <p>            list: only the ACLs of this principal; repeatable
  --force                    delete: do not ask for confirmation
${CLIENT_FLAGS_HELP}
`;

const OPTIONS = {
  topic: { type: 'string', multiple: true },
  group: { type: 'string', multiple: true },
  'transactional-id': { type: 'string', multiple: true },
  cluster: { type: 'boolean' },
  'resource-pattern-type': { type: 'string' },
  'allow-principal': { type: 'string', multiple: true },
  'deny-principal': { type: 'string', multiple: true },
  'allow-host': { type: 'string', multiple: true },
  'deny-host': { type: 'string', multiple: true },
  operation: { type: 'string', multiple: true },
  producer: { type: 'boolean' },
  idempotent: { type: 'boolean' },
  consumer: { type: 'boolean' },
  principal: { type: 'string', multiple: true },
  force: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseClientArgs<typeof OPTIONS>>['values'];

export function aclCommand(argv: string[]): Promise<number> {
  return runSubcommand('acl', ACL_HELP, SUBCOMMANDS, argv, {
    add: 'create',
    ls: 'list',
    rm: 'delete',
    remove: 'delete',
  });
}

const SUBCOMMANDS = {
  create: { run: createCommand, help: ACL_HELP },
  list: { run: listCommand, help: ACL_HELP },
  delete: { run: deleteCommand, help: ACL_HELP },
};

/** Kafka's display names of a code table (`TOPIC`, `READ`, ...), and the lookup of a flag value. */
const nameOf = (table: Record<string, number>, code: number) =>
  Object.entries(table).find(([, c]) => c === code)?.[0] ?? 'UNKNOWN';
const flagKey = (text: string) => text.replace(/[-_]/g, '').toLowerCase();

function operationOf(text: string): number {
  const found = Object.entries(AclOperation).find(
    ([name, code]) => flagKey(name) === flagKey(text) && code >= AclOperation.ALL,
  );
  if (!found) throw new UsageError(`unknown --operation '${text}'`);
  return found[1];
}

/** The pattern types list and delete take (filters); create takes literal or prefixed. */
const FILTER_PATTERN_TYPES = [PatternType.LITERAL, PatternType.PREFIXED, PatternType.MATCH, PatternType.ANY];

function patternTypeOf(values: Values, fallback: number, allowed: readonly number[]): number {
  const text = values['resource-pattern-type'];
  if (text === undefined) return fallback;
  const found = Object.entries(PatternType).find(([name]) => flagKey(name) === flagKey(text));
  if (!found || !allowed.includes(found[1])) {
    const names = allowed.map((c) => nameOf(PatternType, c).toLowerCase()).join(', ');
    throw new UsageError(`--resource-pattern-type must be one of ${names} here (got '${text}')`);
  }
  return found[1];
}

function parse(argv: string[]): Values {
  const { values, positionals } = parseClientArgs(argv, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  return values;
}

/** The resources the flags name, each with the given pattern type (the cluster always literal). */
function resourcesOf(values: Values, patternType: number): ResourcePattern[] {
  const named = (type: number, names: string[] | undefined) =>
    (names ?? []).map((name) => ({ resourceType: type, name, patternType }));
  return [
    ...named(ResourceType.TOPIC, values.topic),
    ...named(ResourceType.GROUP, values.group),
    ...named(ResourceType.TRANSACTIONAL_ID, values['transactional-id']),
    ...(values.cluster
      ? [
          {
            resourceType: ResourceType.CLUSTER,
            name: CLUSTER_RESOURCE_NAME,
            patternType: PatternType.LITERAL,
          },
        ]
      : []),
  ];
}

/** Principals with their hosts (default `*`) and permission, as kafka-acls.sh pairs them. */
function entriesOf(values: Values): { principal: string; host: string; permission: number }[] {
  const side = (principals: string[] | undefined, hosts: string[] | undefined, permission: number) => {
    if (!principals?.length) {
      if (hosts?.length) throw new UsageError('a host flag needs the matching principal flag');
      return [];
    }
    for (const p of principals) {
      if (!/^[^:]+:.+$/.test(p))
        throw new UsageError(`principal must be Type:name, e.g. User:alice (got '${p}')`);
    }
    const hostList = hosts?.length ? hosts : [WILDCARD];
    return principals.flatMap((principal) => hostList.map((host) => ({ principal, host, permission })));
  };
  return [
    ...side(values['allow-principal'], values['allow-host'], AclPermission.ALLOW),
    ...side(values['deny-principal'], values['deny-host'], AclPermission.DENY),
  ];
}

/** kafka-acls.sh's --producer and --consumer operations per resource type. */
const PRODUCER_OPERATIONS: ReadonlyMap<number, readonly number[]> = new Map([
  [ResourceType.TOPIC, [AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE]],
  [ResourceType.TRANSACTIONAL_ID, [AclOperation.WRITE, AclOperation.DESCRIBE]],
]);
const CONSUMER_OPERATIONS: ReadonlyMap<number, readonly number[]> = new Map([
  [ResourceType.TOPIC, [AclOperation.READ, AclOperation.DESCRIBE]],
  [ResourceType.GROUP, [AclOperation.READ]],
]);

/** The operations per resource: --producer/--consumer's sets, else --operation (default All). */
function operationsFor(values: Values, resource: ResourcePattern): number[] {
  if (values.producer || values.consumer) {
    const ops = new Set<number>();
    const type = resource.resourceType;
    if (values.producer) for (const op of PRODUCER_OPERATIONS.get(type) ?? []) ops.add(op);
    if (values.producer && values.idempotent && type === ResourceType.CLUSTER) {
      ops.add(AclOperation.IDEMPOTENT_WRITE);
    }
    if (values.consumer) for (const op of CONSUMER_OPERATIONS.get(type) ?? []) ops.add(op);
    return [...ops];
  }
  const ops = (values.operation?.length ? values.operation : ['All']).map(operationOf);
  const supported = SUPPORTED_OPERATIONS.get(resource.resourceType) ?? [];
  for (const op of ops) {
    if (op !== AclOperation.ALL && !supported.includes(op)) {
      throw new UsageError(
        `${nameOf(ResourceType, resource.resourceType)} supports the operations ${supported.map((o) => nameOf(AclOperation, o)).join(', ')}, not ${nameOf(AclOperation, op)}`,
      );
    }
  }
  return ops;
}

/** The bindings create adds (and delete removes, when principals are given). */
function bindingsOf(values: Values, resources: readonly ResourcePattern[]): AclBinding[] {
  if (values.consumer && !values.group?.length) throw new UsageError('--consumer needs --group');
  if (values.idempotent && !values.producer) throw new UsageError('--idempotent goes with --producer');
  const withCluster =
    values.producer && values.idempotent && !values.cluster
      ? [
          ...resources,
          {
            resourceType: ResourceType.CLUSTER,
            name: CLUSTER_RESOURCE_NAME,
            patternType: PatternType.LITERAL,
          },
        ]
      : resources;
  const entries = entriesOf(values);
  return withCluster.flatMap((pattern) =>
    operationsFor(values, pattern).flatMap((operation) =>
      entries.map((e) => ({
        pattern,
        entry: { principal: e.principal, host: e.host, operation, permission: e.permission },
      })),
    ),
  );
}

function patternText(p: ResourcePattern): string {
  return `ResourcePattern(resourceType=${nameOf(ResourceType, p.resourceType)}, name=${p.name}, patternType=${nameOf(PatternType, p.patternType)})`;
}

function entryText(b: AclBinding): string {
  const e = b.entry;
  return `(principal=${e.principal}, host=${e.host}, operation=${nameOf(AclOperation, e.operation)}, permissionType=${nameOf(AclPermission, e.permission)})`;
}

function bindingJson(b: AclBinding) {
  return {
    resourceType: nameOf(ResourceType, b.pattern.resourceType),
    name: b.pattern.name,
    patternType: nameOf(PatternType, b.pattern.patternType),
    principal: b.entry.principal,
    host: b.entry.host,
    operation: nameOf(AclOperation, b.entry.operation),
    permissionType: nameOf(AclPermission, b.entry.permission),
  };
}

/** Bindings grouped by resource, in Kafka's `Current ACLs for resource ...` layout. */
function printBindings(heading: string, bindings: readonly AclBinding[]): void {
  const byResource = new Map<string, AclBinding[]>();
  for (const b of bindings) {
    const key = patternText(b.pattern);
    byResource.set(key, [...(byResource.get(key) ?? []), b]);
  }
  for (const [resource, list] of byResource) {
    out(`${heading} \`${resource}\`: \n${list.map((b) => ` \t${entryText(b)}`).join('\n')} \n\n`);
  }
}

function anyFilter(pattern: Partial<ResourcePattern>, principal: string | null = null): AclBindingFilter {
  return {
    resourceType: pattern.resourceType ?? ResourceType.ANY,
    name: pattern.name ?? null,
    patternType: pattern.patternType ?? PatternType.ANY,
    principal,
    host: null,
    operation: AclOperation.ANY,
    permission: AclPermission.ANY,
  };
}

const exactFilter = (b: AclBinding): AclBindingFilter => ({
  resourceType: b.pattern.resourceType,
  name: b.pattern.name,
  patternType: b.pattern.patternType,
  principal: b.entry.principal,
  host: b.entry.host,
  operation: b.entry.operation,
  permission: b.entry.permission,
});

async function createCommand(argv: string[]): Promise<number> {
  const values = parse(argv);
  const patternType = patternTypeOf(values, PatternType.LITERAL, [PatternType.LITERAL, PatternType.PREFIXED]);
  const resources = resourcesOf(values, patternType);
  if (resources.length === 0 && !(values.producer && values.idempotent)) {
    throw new UsageError('acl create needs a resource: --topic, --group, --transactional-id or --cluster');
  }
  const bindings = bindingsOf(values, resources);
  if (bindings.length === 0) throw new UsageError('acl create needs --allow-principal or --deny-principal');
  const errors = await withCluster(values, (cluster) => createAcls(cluster, bindings));
  const failed = errors.find((e) => e !== null);
  if (failed) throw failed;
  if (formatOf(values.format) === 'json') outJson({ created: bindings.map(bindingJson) });
  else printBindings('Adding ACLs for resource', bindings);
  return 0;
}

async function listCommand(argv: string[]): Promise<number> {
  const values = parse(argv);
  const patternType = patternTypeOf(values, PatternType.ANY, FILTER_PATTERN_TYPES);
  const resources = resourcesOf(values, patternType);
  const principals: (string | null)[] = values.principal?.length ? values.principal : [null];
  const filters = (resources.length > 0 ? resources : [{}]).flatMap((r) =>
    principals.map((p) => anyFilter(r, p)),
  );
  const found = await withCluster(values, async (cluster) => {
    const seen = new Map<string, AclBinding>();
    for (const f of filters) for (const b of await describeAcls(cluster, f)) seen.set(JSON.stringify(b), b);
    return [...seen.values()];
  });
  if (formatOf(values.format) === 'json') outJson(found.map(bindingJson));
  else printBindings('Current ACLs for resource', found);
  return 0;
}

async function confirmed(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>((resolve) => {
    rl.question(`${question} (y/n)\n`, resolve);
    rl.once('close', () => resolve(''));
  });
  rl.close();
  return answer.trim().toLowerCase() === 'y';
}

async function deleteCommand(argv: string[]): Promise<number> {
  const values = parse(argv);
  const patternType = patternTypeOf(values, PatternType.LITERAL, FILTER_PATTERN_TYPES);
  const resources = resourcesOf(values, patternType);
  if (resources.length === 0) {
    throw new UsageError('acl delete needs a resource: --topic, --group, --transactional-id or --cluster');
  }
  const specific = (values['allow-principal']?.length ?? 0) + (values['deny-principal']?.length ?? 0) > 0;
  // Without principals every ACL of the resources goes, as kafka-acls.sh --remove does.
  const filters = specific
    ? bindingsOf(values, resources).map(exactFilter)
    : resources.map((r) => anyFilter(r));
  if (!values.force) {
    const what = resources.map(patternText).join(', ');
    if (
      !(await confirmed(`Are you sure you want to remove ${specific ? 'these' : 'all'} ACLs for ${what}?`))
    ) {
      out('Nothing removed\n');
      return 1;
    }
  }
  const removed = await withCluster(values, (cluster) => deleteAcls(cluster, filters));
  if (formatOf(values.format) === 'json') outJson({ removed: removed.map(bindingJson) });
  else if (removed.length === 0) out('No ACLs matched\n');
  else printBindings('Removed ACLs for resource', removed);
  return 0;
}
