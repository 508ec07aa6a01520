import { AclOperation, CLUSTER_RESOURCE_NAME, ResourceType } from '../../security/authorizer/acl.js';
import { SamsaError } from '../../util/errors.js';
import { clientHost } from './acls.js';
import type { RequestContext } from './handler.js';

/**
 * True when the request's principal may do `operation` on the resource; always true without an
 * authorizer (`authorizer.class.name` unset). Decisions are cached by the authorizer.
 */
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

/** The group APIs need Read on the group (Kafka's JoinGroup, SyncGroup, Heartbeat). */
export function groupAuthorized(context: RequestContext, groupId: string): boolean {
  return authorized(context, AclOperation.READ, ResourceType.GROUP, groupId);
}

export const topicAuthorizationFailed = (topic: string, operation: string): SamsaError =>
  new SamsaError('TOPIC_AUTHORIZATION_FAILED', `not authorized to ${operation} topic ${topic}`);
