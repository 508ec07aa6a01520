/**
 * The console's Security page beyond REST Proxy's v3 ACL API: who the caller is and what it may
 * do, and SCRAM users (DescribeUserScramCredentials / AlterUserScramCredentials) through the REST
 * client, so the broker authorizes each call too.
 */
import { alterScramUsers, describeScramUsers } from '../../client/scram-admin.js';
import { AclOperation, CLUSTER_RESOURCE_NAME, ResourceType } from '../../security/authorizer/acl.js';
import { isScramMechanism, type ScramMechanism } from '../../security/sasl/scram.js';
import { HttpError } from '../http-response.js';
import type { RestClient } from '../rest/rest-client.js';
import { jsonBody, type RestRouter } from '../rest/router.js';

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
    });
}
