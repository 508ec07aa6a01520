/**
 * ACL administration over the Kafka protocol: CreateAcls, DescribeAcls and DeleteAcls, with
 * bindings and filters in the authorizer's own model (security/authorizer/acl.ts).
 */
import { CreateAcls, DeleteAcls, DescribeAcls } from '../protocol/messages/index.js';
import type { AclBinding, AclBindingFilter } from '../security/authorizer/acl.js';
import type { ClusterClient } from './cluster-client.js';
import { type KafkaResponseError, responseError, throwIfError } from './errors.js';

function wireFilter(f: AclBindingFilter) {
  return {
    resourceTypeFilter: f.resourceType,
    resourceNameFilter: f.name,
    patternTypeFilter: f.patternType,
    principalFilter: f.principal,
    hostFilter: f.host,
    operation: f.operation,
    permissionType: f.permission,
  };
}

/** Creates the bindings; one error (or null) per binding, in order. */
export async function createAcls(
  cluster: ClusterClient,
  bindings: readonly AclBinding[],
): Promise<(KafkaResponseError | null)[]> {
  const connection = await cluster.anyConnection();
  const response = await connection.send(CreateAcls, {
    creations: bindings.map((b) => ({
      resourceType: b.pattern.resourceType,
      resourceName: b.pattern.name,
      resourcePatternType: b.pattern.patternType,
      principal: b.entry.principal,
      host: b.entry.host,
      operation: b.entry.operation,
      permissionType: b.entry.permission,
    })),
  });
  return response.results.map((r: { errorCode: number; errorMessage: string | null }) =>
    r.errorCode === 0 ? null : responseError(r.errorCode, 'create ACL', r.errorMessage),
  );
}

/** The bindings the filter matches. */
export async function describeAcls(cluster: ClusterClient, filter: AclBindingFilter): Promise<AclBinding[]> {
  const connection = await cluster.anyConnection();
  const response = await connection.send(DescribeAcls, wireFilter(filter));
  throwIfError(response.errorCode, 'describe ACLs', response.errorMessage);
  return response.resources.flatMap(
    (r: {
      resourceType: number;
      resourceName: string;
      patternType: number;
      acls: { principal: string; host: string; operation: number; permissionType: number }[];
    }) =>
      r.acls.map((a) => ({
        pattern: { resourceType: r.resourceType, name: r.resourceName, patternType: r.patternType },
        entry: { principal: a.principal, host: a.host, operation: a.operation, permission: a.permissionType },
      })),
  );
}

/** Deletes what each filter matches; returns the bindings removed (per filter, flattened). */
export async function deleteAcls(
  cluster: ClusterClient,
  filters: readonly AclBindingFilter[],
): Promise<AclBinding[]> {
  const connection = await cluster.anyConnection();
  const response = await connection.send(DeleteAcls, { filters: filters.map(wireFilter) });
  const removed: AclBinding[] = [];
  for (const result of response.filterResults) {
    throwIfError(result.errorCode, 'delete ACLs', result.errorMessage);
    for (const m of result.matchingAcls) {
      throwIfError(m.errorCode, 'delete ACL', m.errorMessage);
      removed.push({
        pattern: { resourceType: m.resourceType, name: m.resourceName, patternType: m.patternType },
        entry: { principal: m.principal, host: m.host, operation: m.operation, permission: m.permissionType },
      });
    }
  }
  return removed;
}
