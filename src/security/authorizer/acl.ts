/**
 * Kafka's ACL model as data: resource types, pattern types, operations and permissions with
 * their wire codes (apache/kafka `ResourceType`, `PatternType`, `AclOperation`,
 * `AclPermissionType`), ACL bindings, and the filters CreateAcls/DescribeAcls/DeleteAcls use.
 */

export const ResourceType = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
} as const;

export const PatternType = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;

export const AclOperation = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const;

export const AclPermission = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const;

/** The operations each resource type supports (Kafka's `AclEntry.supportedOperations`), for KIP-430. */
export const SUPPORTED_OPERATIONS: ReadonlyMap<number, readonly number[]> = new Map([
  [
    ResourceType.TOPIC,
    [
      AclOperation.READ,
      AclOperation.WRITE,
      AclOperation.CREATE,
      AclOperation.DESCRIBE,
      AclOperation.DELETE,
      AclOperation.ALTER,
      AclOperation.DESCRIBE_CONFIGS,
      AclOperation.ALTER_CONFIGS,
    ],
  ],
  [ResourceType.GROUP, [AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE]],
  [
    ResourceType.CLUSTER,
    [
      AclOperation.CREATE,
      AclOperation.CLUSTER_ACTION,
      AclOperation.DESCRIBE_CONFIGS,
      AclOperation.ALTER_CONFIGS,
      AclOperation.IDEMPOTENT_WRITE,
      AclOperation.ALTER,
      AclOperation.DESCRIBE,
    ],
  ],
  [ResourceType.TRANSACTIONAL_ID, [AclOperation.DESCRIBE, AclOperation.WRITE]],
  [ResourceType.DELEGATION_TOKEN, [AclOperation.DESCRIBE]],
  [ResourceType.USER, [AclOperation.CREATE_TOKENS, AclOperation.DESCRIBE_TOKENS]],
]);

/** The name of the cluster resource, and the wildcards of names, principals and hosts. */
export const CLUSTER_RESOURCE_NAME = 'kafka-cluster';
export const WILDCARD = '*';
export const WILDCARD_PRINCIPAL = 'User:*';

export interface ResourcePattern {
  readonly resourceType: number;
  readonly name: string;
  /** LITERAL or PREFIXED. */
  readonly patternType: number;
}

export interface AccessControlEntry {
  /** `User:alice`, or `User:*`. */
  readonly principal: string;
  /** An IP address, or `*`. */
  readonly host: string;
  readonly operation: number;
  /** DENY or ALLOW. */
  readonly permission: number;
}

export interface AclBinding {
  readonly pattern: ResourcePattern;
  readonly entry: AccessControlEntry;
}

/** DescribeAcls/DeleteAcls filters: null and ANY match everything; MATCH as Kafka's. */
export interface AclBindingFilter {
  readonly resourceType: number;
  readonly name: string | null;
  readonly patternType: number;
  readonly principal: string | null;
  readonly host: string | null;
  readonly operation: number;
  readonly permission: number;
}

/** Why a binding cannot be created (Kafka's CreateAcls validation), or undefined when it can. */
export function invalidBinding(binding: AclBinding): string | undefined {
  const { pattern, entry } = binding;
  const concreteTypes: number[] = [
    ResourceType.TOPIC,
    ResourceType.GROUP,
    ResourceType.CLUSTER,
    ResourceType.TRANSACTIONAL_ID,
    ResourceType.DELEGATION_TOKEN,
    ResourceType.USER,
  ];
  if (!concreteTypes.includes(pattern.resourceType)) return 'Invalid resource type';
  if (pattern.patternType !== PatternType.LITERAL && pattern.patternType !== PatternType.PREFIXED) {
    return 'Invalid pattern type';
  }
  if (pattern.name === '') return 'Resource name must not be empty';
  if (pattern.resourceType === ResourceType.CLUSTER && pattern.name !== CLUSTER_RESOURCE_NAME) {
    return `The only valid name for the CLUSTER resource is ${CLUSTER_RESOURCE_NAME}`;
  }
  if (!/^[^:]+:.+$/.test(entry.principal)) return `Could not parse principal from \`${entry.principal}\``;
  if (entry.operation < AclOperation.ALL || entry.operation > AclOperation.DESCRIBE_TOKENS) {
    return 'Invalid operation';
  }
  if (entry.permission !== AclPermission.ALLOW && entry.permission !== AclPermission.DENY) {
    return 'Invalid permission type';
  }
  return undefined;
}

/** True when `pattern` applies to the resource named `name` (literal, literal `*`, or prefix). */
export function patternApplies(pattern: ResourcePattern, resourceType: number, name: string): boolean {
  if (pattern.resourceType !== resourceType) return false;
  if (pattern.patternType === PatternType.PREFIXED) return name.startsWith(pattern.name);
  return pattern.name === name || pattern.name === WILDCARD;
}

export function filterMatches(filter: AclBindingFilter, binding: AclBinding): boolean {
  const { pattern, entry } = binding;
  if (filter.resourceType !== ResourceType.ANY && filter.resourceType !== pattern.resourceType) return false;
  if (filter.patternType === PatternType.MATCH) {
    if (filter.name !== null && !patternApplies(pattern, pattern.resourceType, filter.name)) return false;
  } else {
    if (filter.patternType !== PatternType.ANY && filter.patternType !== pattern.patternType) return false;
    if (filter.name !== null && filter.name !== pattern.name) return false;
  }
  if (filter.principal !== null && filter.principal !== entry.principal) return false;
  if (filter.host !== null && filter.host !== entry.host) return false;
  if (filter.operation !== AclOperation.ANY && filter.operation !== entry.operation) return false;
  if (filter.permission !== AclPermission.ANY && filter.permission !== entry.permission) return false;
  return true;
}
