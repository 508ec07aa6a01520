/**
 * The console's Security page: who the caller is and what it may do, SCRAM users
 * (DescribeUserScramCredentials / AlterUserScramCredentials) and ACLs, through the REST client,
 * so the broker authorizes each call too. ACLs travel as names (`TOPIC`, `LITERAL`, `READ`, `ALLOW`).
 */
import { alterScramUsers, describeScramUsers } from '../../client/scram-admin.js';
import {
  type AclBinding,
  AclOperation,
  AclPermission,
  CLUSTER_RESOURCE_NAME,
  PatternType,
  ResourceType,
} from '../../security/authorizer/acl.js';
import { isScramMechanism, type ScramMechanism } from '../../security/sasl/scram.js';
import { HttpError } from '../http-response.js';
import type { RestClient } from '../rest/rest-client.js';
import { jsonBody, type RestRouter } from '../rest/router.js';
import { createAcl, deleteAcl, describeAllAcls } from './acl-client.js';

export interface AclJson {
  readonly resourceType: string;
  readonly name: string;
  readonly patternType: string;
  readonly principal: string;
  readonly host: string;
  readonly operation: string;
  readonly permission: string;
}

const nameOf = (table: Record<string, number>, code: number) =>
  Object.entries(table).find(([, c]) => c === code)?.[0] ?? 'UNKNOWN';

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

export function aclToJson(b: AclBinding): AclJson {
  return {
    resourceType: nameOf(ResourceType, b.pattern.resourceType),
    name: b.pattern.name,
    patternType: nameOf(PatternType, b.pattern.patternType),
    principal: b.entry.principal,
    host: b.entry.host,
    operation: nameOf(AclOperation, b.entry.operation),
    permission: nameOf(AclPermission, b.entry.permission),
  };
}

const OPERATIONS = Object.keys(AclOperation).filter((o) => o !== 'UNKNOWN' && o !== 'ANY');

export function aclFromJson(body: Record<string, unknown>): AclBinding {
  const text = (value: unknown, what: string, fallback?: string) => {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== 'string' || value === '') throw new HttpError(422, `${what} is required`, 42201);
    return value;
  };
  return {
    pattern: {
      resourceType: codeOf(ResourceType, body.resourceType, 'resourceType', [
        'TOPIC',
        'GROUP',
        'CLUSTER',
        'TRANSACTIONAL_ID',
      ]),
      name: text(body.name, 'name', body.resourceType === 'CLUSTER' ? CLUSTER_RESOURCE_NAME : undefined),
      patternType: codeOf(PatternType, body.patternType ?? 'LITERAL', 'patternType', ['LITERAL', 'PREFIXED']),
    },
    entry: {
      principal: text(body.principal, 'principal'),
      host: text(body.host, 'host', '*'),
      operation: codeOf(AclOperation, body.operation, 'operation', OPERATIONS),
      permission: codeOf(AclPermission, body.permission ?? 'ALLOW', 'permission', ['ALLOW', 'DENY']),
    },
  };
}

export function addSecurityApiRoutes(router: RestRouter, rest: RestClient): void {
  router
    .add('GET', '/v1/console/whoami', async (request) => ({
      status: 200,
      body: {
        principal: request.identity.principal,
        authenticated: request.identity.login !== undefined,
        canDescribeCluster: request.access.can(
          AclOperation.DESCRIBE,
          ResourceType.CLUSTER,
          CLUSTER_RESOURCE_NAME,
        ),
        canAlterCluster: request.access.can(AclOperation.ALTER, ResourceType.CLUSTER, CLUSTER_RESOURCE_NAME),
      },
    }))
    .add('GET', '/v1/console/security/users', async () => ({
      status: 200,
      body: (await describeScramUsers(rest.cluster)).map((u) => ({
        user: u.user,
        mechanisms: u.credentials.map((c) => ({ mechanism: c.mechanism, iterations: c.iterations })),
      })),
    }))
    .add('POST', '/v1/console/security/users', async (request) => {
      const body = await jsonBody<{ user?: unknown; password?: unknown; mechanism?: unknown }>(request);
      if (typeof body.user !== 'string' || body.user === '')
        throw new HttpError(422, 'user is required', 42201);
      if (typeof body.password !== 'string' || body.password === '')
        throw new HttpError(422, 'password is required', 42201);
      const mechanism = String(body.mechanism ?? 'SCRAM-SHA-256').toUpperCase();
      if (!isScramMechanism(mechanism))
        throw new HttpError(422, 'mechanism must be SCRAM-SHA-256 or SCRAM-SHA-512', 42201);
      const [result] = await alterScramUsers(rest.cluster, [
        { kind: 'upsert', user: body.user, mechanism, password: body.password },
      ]);
      if (result?.error) throw result.error;
      return { status: 204 };
    })
    .add('DELETE', '/v1/console/security/users/:user', async (_request, p) => {
      const [user] = await describeScramUsers(rest.cluster, [p.user!]);
      const mechanisms = (user?.credentials ?? []).map((c) => c.mechanism as ScramMechanism);
      const results = await alterScramUsers(
        rest.cluster,
        mechanisms.map((mechanism) => ({ kind: 'delete' as const, user: p.user!, mechanism })),
      );
      const failed = results.find((r) => r.error);
      if (failed?.error) throw failed.error;
      return { status: 204 };
    })
    .add('GET', '/v1/console/security/acls', async () => ({
      status: 200,
      body: (await describeAllAcls(rest.cluster)).map(aclToJson),
    }))
    .add('POST', '/v1/console/security/acls', async (request) => {
      await createAcl(rest.cluster, aclFromJson(await jsonBody(request)));
      return { status: 204 };
    })
    .add('POST', '/v1/console/security/acls:delete', async (request) => {
      const deleted = await deleteAcl(rest.cluster, aclFromJson(await jsonBody(request)));
      return { status: 200, body: { deleted } };
    });
}
