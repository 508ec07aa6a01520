/**
 * The ACL APIs (KIP-140: DescribeAcls, CreateAcls, DeleteAcls) as the console uses them, over the
 * REST client's broker connection, so the broker authorizes each call as the HTTP user's login.
 */
import type { ClusterClient } from '../../client/cluster-client.js';
import { throwIfError } from '../../client/errors.js';
import { CreateAcls, DeleteAcls, DescribeAcls } from '../../protocol/messages/index.js';
import {
  type AclBinding,
  AclOperation,
  AclPermission,
  PatternType,
  ResourceType,
} from '../../security/authorizer/acl.js';

/** Every binding the principal's login may see. */
export async function describeAllAcls(cluster: ClusterClient): Promise<AclBinding[]> {
  const connection = await cluster.anyConnection();
  const response = await connection.send(DescribeAcls, {
    resourceTypeFilter: ResourceType.ANY,
    resourceNameFilter: null,
    patternTypeFilter: PatternType.ANY,
    principalFilter: null,
    hostFilter: null,
    operation: AclOperation.ANY,
    permissionType: AclPermission.ANY,
  });
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

/** Deletes exactly `binding`; returns how many bindings went. */
export async function deleteAcl(cluster: ClusterClient, binding: AclBinding): Promise<number> {
  const connection = await cluster.anyConnection();
  const response = await connection.send(DeleteAcls, {
    filters: [
      {
        resourceTypeFilter: binding.pattern.resourceType,
        resourceNameFilter: binding.pattern.name,
        patternTypeFilter: binding.pattern.patternType,
        principalFilter: binding.entry.principal,
        hostFilter: binding.entry.host,
        operation: binding.entry.operation,
        permissionType: binding.entry.permission,
      },
    ],
  });
  const [result] = response.filterResults as {
    errorCode: number;
    errorMessage: string | null;
    matchingAcls: unknown[];
  }[];
  throwIfError(result!.errorCode, 'DeleteAcls', result!.errorMessage);
  return result!.matchingAcls.length;
}
