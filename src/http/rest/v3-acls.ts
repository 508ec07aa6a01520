/**
 * REST Proxy's v3 ACL API (`/v3/clusters/{id}/acls`): search with query parameters, create from a
 * JSON body, delete what a filter matches. Names as REST Proxy spells them (`TOPIC`, `LITERAL`,
 * `READ`, `ALLOW`); the broker answers through the REST client, as the HTTP user's login.
 */

import { createAcls, deleteAcls, describeAcls } from '../../client/acl-admin.js';
import {
  type AclBinding,
  type AclBindingFilter,
  AclOperation,
  AclPermission,
  PatternType,
  ResourceType,
} from '../../security/authorizer/acl.js';
import type { AdminRequest } from '../admin-server.js';
import { HttpError } from '../http-response.js';
import type { RestClient } from './rest-client.js';
import { jsonBody, type RestRouter } from './router.js';
import { clusterAt, list } from './v3.js';

const nameOf = (table: Record<string, number>, code: number) =>
  Object.entries(table).find(([, c]) => c === code)?.[0] ?? 'UNKNOWN';

/** The code of a name in `allowed` (case-insensitive), else 422 (42201) listing them. */
function codeOf(
  table: Record<string, number>,
  value: unknown,
  what: string,
  allowed: readonly string[],
): number {
  const name = typeof value === 'string' ? value.toUpperCase() : '';
  if (!allowed.includes(name))
    throw new HttpError(422, `${what} must be one of ${allowed.join(', ')}`, 42201);
  return table[name]!;
}

const names = (table: Record<string, number>, ...drop: string[]) =>
  Object.keys(table).filter((n) => !drop.includes(n));

/** A filter from `resource_type`, `resource_name`, ... query parameters (absent: any). */
function filterOf(query: URLSearchParams, requireType: boolean): AclBindingFilter {
  const param = (name: string) => query.get(name) ?? undefined;
  if (requireType && !param('resource_type'))
    throw new HttpError(400, 'resource_type is required to delete ACLs', 40002);
  const code = (table: Record<string, number>, name: string, fallback: string, drop: string[]) =>
    codeOf(table, param(name) ?? fallback, name, names(table, ...drop));
  return {
    resourceType: code(ResourceType, 'resource_type', 'ANY', ['UNKNOWN']),
    name: param('resource_name') ?? null,
    patternType: code(PatternType, 'pattern_type', 'ANY', ['UNKNOWN']),
    principal: param('principal') ?? null,
    host: param('host') ?? null,
    operation: code(AclOperation, 'operation', 'ANY', ['UNKNOWN']),
    permission: code(AclPermission, 'permission', 'ANY', ['UNKNOWN']),
  };
}

function bindingOf(body: Record<string, unknown>): AclBinding {
  const text = (name: string) => {
    const value = body[name];
    if (typeof value !== 'string' || value === '') throw new HttpError(422, `${name} is required`, 42201);
    return value;
  };
  return {
    pattern: {
      resourceType: codeOf(ResourceType, body.resource_type, 'resource_type', [
        'TOPIC',
        'GROUP',
        'CLUSTER',
        'TRANSACTIONAL_ID',
      ]),
      name: text('resource_name'),
      patternType: codeOf(PatternType, body.pattern_type, 'pattern_type', ['LITERAL', 'PREFIXED']),
    },
    entry: {
      principal: text('principal'),
      host: typeof body.host === 'string' && body.host !== '' ? body.host : '*',
      operation: codeOf(AclOperation, body.operation, 'operation', names(AclOperation, 'UNKNOWN', 'ANY')),
      permission: codeOf(AclPermission, body.permission, 'permission', ['ALLOW', 'DENY']),
    },
  };
}

function aclResource(base: string, clusterId: string, b: AclBinding) {
  const fields = {
    resource_type: nameOf(ResourceType, b.pattern.resourceType),
    resource_name: b.pattern.name,
    pattern_type: nameOf(PatternType, b.pattern.patternType),
    principal: b.entry.principal,
    host: b.entry.host,
    operation: nameOf(AclOperation, b.entry.operation),
    permission: nameOf(AclPermission, b.entry.permission),
  };
  return {
    kind: 'KafkaAcl',
    metadata: { self: `${base}/acls?${new URLSearchParams(fields)}` },
    cluster_id: clusterId,
    ...fields,
  };
}

export function addV3AclRoutes(router: RestRouter, rest: RestClient): void {
  const base = async (request: AdminRequest, clusterId: string) =>
    (await clusterAt(rest, request, clusterId)).base;
  router
    .add('GET', '/v3/clusters/:cluster/acls', async (request, p) => {
      const self = await base(request, p.cluster!);
      const found = await describeAcls(rest.cluster, filterOf(request.query, false));
      return {
        status: 200,
        body: list(
          'KafkaAclList',
          `${self}/acls`,
          found.map((b) => aclResource(self, p.cluster!, b)),
        ),
      };
    })
    .add('POST', '/v3/clusters/:cluster/acls', async (request, p) => {
      await base(request, p.cluster!);
      const [refused] = await createAcls(rest.cluster, [bindingOf(await jsonBody(request))]);
      if (refused) throw refused;
      return { status: 201 };
    })
    .add('DELETE', '/v3/clusters/:cluster/acls', async (request, p) => {
      const self = await base(request, p.cluster!);
      const deleted = await deleteAcls(rest.cluster, [filterOf(request.query, true)]);
      return { status: 200, body: { data: deleted.map((b) => aclResource(self, p.cluster!, b)) } };
    });
}
