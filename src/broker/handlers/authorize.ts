/**
 * The ACL checks handlers make, after Kafka's AuthHelper: one decision per resource, names of one
 * type filtered together, KIP-430 authorized operations. Without an authorizer
 * (`authorizer.class.name` unset) everything is allowed.
 */
import { ErrorCode } from '../../protocol/errors.js';
import {
  AclOperation,
  CLUSTER_RESOURCE_NAME,
  ResourceType,
  SUPPORTED_OPERATIONS,
} from '../../security/authorizer/acl.js';
import { SamsaError } from '../../util/errors.js';
import { clientHost } from './acls.js';
import type { RequestContext } from './handler.js';
import { ResourceType as ConfigResourceType } from './resource-type.js';

/** Kafka's "authorized operations were not requested" marker (Integer.MIN_VALUE). */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

/** True when the request's principal may do `operation` on the resource. Decisions are cached by the authorizer. */
export function authorized(
  context: RequestContext,
  operation: number,
  resourceType: number,
  name: string,
): boolean {
  const authorizer = context.services.authorizer;
  if (!authorizer) return true;
  return authorizer.authorize(context.principal, clientHost(context), operation, resourceType, name);
}

export function topicAuthorized(context: RequestContext, operation: number, topic: string): boolean {
  return authorized(context, operation, ResourceType.TOPIC, topic);
}

export function clusterAuthorized(context: RequestContext, operation: number): boolean {
  return authorized(context, operation, ResourceType.CLUSTER, CLUSTER_RESOURCE_NAME);
}

/** Read on the group by default: what JoinGroup, SyncGroup, Heartbeat, LeaveGroup and commits need. */
export function groupAuthorized(
  context: RequestContext,
  groupId: string,
  operation: number = AclOperation.READ,
): boolean {
  return authorized(context, operation, ResourceType.GROUP, groupId);
}

export function transactionalIdAuthorized(
  context: RequestContext,
  operation: number,
  transactionalId: string,
): boolean {
  return authorized(context, operation, ResourceType.TRANSACTIONAL_ID, transactionalId);
}

const ALWAYS = () => true;

/**
 * Kafka's `filterByAuthorized`: a test of names of one resource type, deciding each distinct name
 * once for the request however many partitions name it.
 */
export function authorizedNames(
  context: RequestContext,
  operation: number,
  resourceType: number = ResourceType.TOPIC,
): (name: string) => boolean {
  const authorizer = context.services.authorizer;
  if (!authorizer) return ALWAYS;
  const host = clientHost(context);
  const decided = new Map<string, boolean>();
  return (name) => {
    let decision = decided.get(name);
    if (decision === undefined) {
      decision = authorizer.authorize(context.principal, host, operation, resourceType, name);
      decided.set(name, decision);
    }
    return decision;
  };
}

/**
 * Kafka's `authorizeByResourceType`: may the principal do `operation` on some resource of the
 * type (InitProducerId's "Write on any topic" for idempotent producers).
 */
export function authorizedOnAny(context: RequestContext, operation: number, resourceType: number): boolean {
  const authorizer = context.services.authorizer;
  if (!authorizer) return true;
  return authorizer.authorizeByResourceType(context.principal, clientHost(context), operation, resourceType);
}

/** KIP-430: a bit (1 << code) per operation of the resource type the principal may do on it. */
export function authorizedOperations(context: RequestContext, resourceType: number, name: string): number {
  const operations = SUPPORTED_OPERATIONS.get(resourceType) ?? [];
  const authorizer = context.services.authorizer;
  if (!authorizer) return operations.reduce((bits, op) => bits | (1 << op), 0);
  return authorizer.authorizedOperations(
    context.principal,
    clientHost(context),
    resourceType,
    name,
    operations,
  );
}

/** The cluster's authorized operations when asked for: 0 without Describe on the cluster, as Kafka answers. */
export function clusterAuthorizedOperations(context: RequestContext, requested: boolean): number {
  if (!requested) return AUTHORIZED_OPERATIONS_OMITTED;
  if (!clusterAuthorized(context, AclOperation.DESCRIBE)) return 0;
  return authorizedOperations(context, ResourceType.CLUSTER, CLUSTER_RESOURCE_NAME);
}

export const topicAuthorizationFailed = (topic: string, operation: string): SamsaError =>
  new SamsaError('TOPIC_AUTHORIZATION_FAILED', `not authorized to ${operation} topic ${topic}`);

/**
 * Kafka's check of a config resource (DescribeConfigs, AlterConfigs): a broker's or broker
 * logger's configs need `operation` on the cluster, a topic's on the topic. Returns the error
 * code of a refusal, or undefined (other resource types are left to the handler to refuse).
 */
export function configResourceRefusal(
  context: RequestContext,
  operation: number,
  resourceType: number,
  name: string,
): number | undefined {
  switch (resourceType) {
    case ConfigResourceType.BROKER:
    case ConfigResourceType.BROKER_LOGGER:
      return clusterAuthorized(context, operation) ? undefined : ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
    case ConfigResourceType.TOPIC:
      return topicAuthorized(context, operation, name) ? undefined : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
    default:
      return undefined;
  }
}
