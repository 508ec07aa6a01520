import { ErrorCode } from '../../protocol/errors.js';
import { CreateAcls } from '../../protocol/messages/create-acls.js';
import { DeleteAcls } from '../../protocol/messages/delete-acls.js';
import { DescribeAcls } from '../../protocol/messages/describe-acls.js';
import {
  type AclBinding,
  type AclBindingFilter,
  AclOperation,
  CLUSTER_RESOURCE_NAME,
  ResourceType,
} from '../../security/authorizer/acl.js';
import type { AclAuthorizer } from '../../security/authorizer/acl-authorizer.js';
import { errorCodeFor, errorMessageFor } from './error-code.js';
import type { Handler, RequestContext } from './handler.js';

const NO_AUTHORIZER = 'No Authorizer is configured on the broker';

/** The client's IP address (`clientAddress` is `ip:port`). */
export function clientHost(context: RequestContext): string {
  const address = context.clientAddress;
  return address.slice(0, address.lastIndexOf(':'));
}

/** Kafka checks the ACL APIs against the cluster resource: Describe to read, Alter to change. */
function clusterCheck(
  context: RequestContext,
  operation: number,
): { authorizer: AclAuthorizer } | { errorCode: number; errorMessage: string } {
  const authorizer = context.services.authorizer;
  if (!authorizer) return { errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: NO_AUTHORIZER };
  const allowed = authorizer.authorize(
    context.principal,
    clientHost(context),
    operation,
    ResourceType.CLUSTER,
    CLUSTER_RESOURCE_NAME,
  );
  if (!allowed) {
    return {
      errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
      errorMessage: 'Cluster authorization failed.',
    };
  }
  return { authorizer };
}

interface WireFilter {
  resourceTypeFilter: number;
  resourceNameFilter: string | null;
  patternTypeFilter: number;
  principalFilter: string | null;
  hostFilter: string | null;
  operation: number;
  permissionType: number;
}

function filterOf(f: WireFilter): AclBindingFilter {
  return {
    resourceType: f.resourceTypeFilter,
    name: f.resourceNameFilter,
    patternType: f.patternTypeFilter,
    principal: f.principalFilter,
    host: f.hostFilter,
    operation: f.operation,
    permission: f.permissionType,
  };
}

/** A binding's entry as the ACL responses carry it. */
function wireEntry(b: AclBinding) {
  return {
    principal: b.entry.principal,
    host: b.entry.host,
    operation: b.entry.operation,
    permissionType: b.entry.permission,
  };
}

/** CreateAcls v0-3: each creation is validated and added; Alter on the cluster is required. */
export const createAclsHandler: Handler = {
  api: CreateAcls,
  minVersion: 0,
  maxVersion: 3,
  async handle(request: { creations: any[] }, _version, context) {
    const check = clusterCheck(context, AclOperation.ALTER);
    if (!('authorizer' in check)) {
      return { throttleTimeMs: 0, results: request.creations.map(() => check) };
    }
    const bindings: AclBinding[] = request.creations.map((c) => ({
      pattern: { resourceType: c.resourceType, name: c.resourceName, patternType: c.resourcePatternType },
      entry: { principal: c.principal, host: c.host, operation: c.operation, permission: c.permissionType },
    }));
    let errors: (string | undefined)[];
    try {
      errors = await check.authorizer.createAcls(bindings);
    } catch (error) {
      // The store could not be written (ZooKeeper, the disk): each creation gets the error, as Kafka.
      context.logger.warn({ err: error }, 'could not store the created ACLs');
      const failed = { errorCode: errorCodeFor(error), errorMessage: errorMessageFor(error) };
      return { throttleTimeMs: 0, results: bindings.map(() => failed) };
    }
    return {
      throttleTimeMs: 0,
      results: errors.map((message) =>
        message === undefined
          ? { errorCode: ErrorCode.NONE, errorMessage: null }
          : { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: message },
      ),
    };
  },
};

/** DescribeAcls v0-3 (kafka-python infers the broker version from v2): bindings grouped by resource. */
export const describeAclsHandler: Handler = {
  api: DescribeAcls,
  minVersion: 0,
  maxVersion: 3,
  handle(request: WireFilter, _version, context) {
    const check = clusterCheck(context, AclOperation.DESCRIBE);
    if (!('authorizer' in check)) return { throttleTimeMs: 0, ...check, resources: [] };
    const byResource = new Map<
      string,
      { resourceType: number; resourceName: string; patternType: number; acls: object[] }
    >();
    for (const b of check.authorizer.describeAcls(filterOf(request))) {
      const key = `${b.pattern.resourceType}\0${b.pattern.patternType}\0${b.pattern.name}`;
      let resource = byResource.get(key);
      if (!resource) {
        resource = {
          resourceType: b.pattern.resourceType,
          resourceName: b.pattern.name,
          patternType: b.pattern.patternType,
          acls: [],
        };
        byResource.set(key, resource);
      }
      resource.acls.push(wireEntry(b));
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      resources: [...byResource.values()],
    };
  },
};

/** DeleteAcls v0-3: each filter's matching bindings are removed and returned. */
export const deleteAclsHandler: Handler = {
  api: DeleteAcls,
  minVersion: 0,
  maxVersion: 3,
  async handle(request: { filters: WireFilter[] }, _version, context) {
    const check = clusterCheck(context, AclOperation.ALTER);
    if (!('authorizer' in check)) {
      return {
        throttleTimeMs: 0,
        filterResults: request.filters.map(() => ({ ...check, matchingAcls: [] })),
      };
    }
    let removed: AclBinding[][];
    try {
      removed = await check.authorizer.deleteAcls(request.filters.map(filterOf));
    } catch (error) {
      context.logger.warn({ err: error }, 'could not store the ACL deletions');
      const failed = {
        errorCode: errorCodeFor(error),
        errorMessage: errorMessageFor(error),
        matchingAcls: [],
      };
      return { throttleTimeMs: 0, filterResults: request.filters.map(() => failed) };
    }
    return {
      throttleTimeMs: 0,
      filterResults: removed.map((bindings) => ({
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        matchingAcls: bindings.map((b) => ({
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          resourceType: b.pattern.resourceType,
          resourceName: b.pattern.name,
          patternType: b.pattern.patternType,
          ...wireEntry(b),
        })),
      })),
    };
  },
};
