import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hasAccessRule, RequestAccess } from '../../src/http/auth/rest-access.js';
import { addConsoleApiRoutes } from '../../src/http/console/console-api.js';
import { addSecurityApiRoutes } from '../../src/http/console/security-api.js';
import { RestClient } from '../../src/http/rest/rest-client.js';
import { RestRouter } from '../../src/http/rest/router.js';
import { addV2Routes } from '../../src/http/rest/v2.js';
import { addV2ConsumerRoutes } from '../../src/http/rest/v2-consumers.js';
import { addV3Routes } from '../../src/http/rest/v3.js';
import { addV3AclRoutes } from '../../src/http/rest/v3-acls.js';
import { AclOperation, AclPermission, PatternType, ResourceType } from '../../src/security/authorizer/acl.js';
import { AclAuthorizer } from '../../src/security/authorizer/acl-authorizer.js';

describe('admin HTTP access rules', () => {
  test('every REST and console endpoint has an ACL rule', async () => {
    const rest = new RestClient(() => {
      throw new Error('no broker in this test');
    });
    const router = new RestRouter();
    addV3Routes(router, rest);
    addV3AclRoutes(router, rest);
    addV2Routes(router, rest);
    const consumers = addV2ConsumerRoutes(router, rest);
    addConsoleApiRoutes(router, rest, { version: 'test', metrics: undefined, transactions: () => [] });
    addSecurityApiRoutes(router, rest);
    const endpoints = router.list();
    assert.ok(endpoints.length > 40, `only ${endpoints.length} endpoints`);
    const missing = endpoints.filter((e) => !hasAccessRule(e.method, e.pattern));
    assert.deepEqual(missing, []);
    await consumers.close();
    await rest.close();
  });

  test('a denial is REST Proxy 403 40301 naming the resources; lists are filtered by Describe', async () => {
    const authorizer = new AclAuthorizer(
      { load: async () => [], save: async () => undefined },
      { superUsers: [], allowEveryoneIfNoAclFound: false },
    );
    await authorizer.createAcls([
      {
        pattern: { resourceType: ResourceType.TOPIC, name: 'pub-', patternType: PatternType.PREFIXED },
        entry: {
          principal: 'User:eve',
          host: '*',
          operation: AclOperation.READ,
          permission: AclPermission.ALLOW,
        },
      },
    ]);
    const access = new RequestAccess(authorizer, 'User:eve', '127.0.0.1');
    // Read implies Describe.
    assert.deepEqual(
      access.visibleTopics(['pub-a', 'priv', 'pub-b'], (t) => t),
      ['pub-a', 'pub-b'],
    );
    assert.throws(
      () => access.require(AclOperation.WRITE, ResourceType.TOPIC, ['pub-a', 'priv']),
      (error: { status: number; errorCode: number; message: string }) =>
        error.status === 403 &&
        error.errorCode === 40301 &&
        error.message === 'Not authorized to access topics: [pub-a, priv]',
    );
    const open = new RequestAccess(undefined, 'User:ANONYMOUS', '127.0.0.1');
    assert.equal(open.can(AclOperation.ALTER, ResourceType.CLUSTER, 'kafka-cluster'), true);
  });
});
