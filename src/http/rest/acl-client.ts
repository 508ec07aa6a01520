/**
 * The ACL APIs (KIP-140: DescribeAcls, CreateAcls, DeleteAcls) as the REST API uses them, over the REST client's broker connection, so the broker authorizes each call as the HTTP
 * user's login.
 */
import type { ClusterClient } from '../../client/cluster-client.js';
import { throwIfError } from '../../client/errors.js';
import { CreateAcls, DeleteAcls, DescribeAcls } from '../../protocol/messages/index.js';
import type { AclBinding, AclBindingFilter } from '../../security/authorizer/acl.js';

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

export async function describeAcls(cluster: ClusterClient, filter: AclBindingFilter): Promise<AclBinding[]> {
  const connection = await cluster.anyConnection();
  const response = await connection.send(DescribeAcls, wireFilter(filter));
  throwIfError(response.errorCode, 'DescribeAcls', response.errorMessage);
  return (response.resources as any[]).flatMap((r) =>
    (r.acls as any[]).map((a) => ({
      pattern: { resourceType: r.resourceType, name: r.resourceName, patternType: r.patternType },
      entry: { principal: a.principal, host: a.host, operation: a.operation, permission: a.permissionType },
    })),
  );
}

export async function createAcl(cluster: ClusterClient, binding: AclBinding): Promise<void> {
  const connection = await cluster.anyConnection();
  const response = await connection.send(CreateAcls, {
    creations: [
      {
        resourceType: binding.pattern.resourceType,
        resourceName: binding.pattern.name,
        resourcePatternType: binding.pattern.patternType,
        principal: binding.entry.principal,
        host: binding.entry.host,
        operation: binding.entry.operation,
        permissionType: binding.entry.permission,
      },
    ],
  });
  const [result] = response.results as { errorCode: number; errorMessage: string | null }[];
  throwIfError(result!.errorCode, 'CreateAcls', result!.errorMessage);
}

/** Deletes what `filter` matches; returns the bindings deleted. */
export async function deleteAcls(cluster: ClusterClient, filter: AclBindingFilter): Promise<AclBinding[]> {
  const connection = await cluster.anyConnection();
  const response = await connection.send(DeleteAcls, { filters: [wireFilter(filter)] });
  const [result] = response.filterResults as {
    errorCode: number;
    errorMessage: string | null;
    matchingAcls: any[];
  }[];
  throwIfError(result!.errorCode, 'DeleteAcls', result!.errorMessage);
  return result!.matchingAcls.map((a) => ({
    pattern: { resourceType: a.resourceType, name: a.resourceName, patternType: a.patternType },
    entry: { principal: a.principal, host: a.host, operation: a.operation, permission: a.permissionType },
  }));
}
