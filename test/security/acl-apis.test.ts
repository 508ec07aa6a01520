import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { ErrorCode } from '../../src/protocol/errors.js';
import { CreateAcls, DeleteAcls, DescribeAcls } from '../../src/protocol/messages/index.js';
import {
  AclPermission,
  AclOperation as Op,
  PatternType,
  ResourceType,
} from '../../src/security/authorizer/acl.js';
import { RawClient } from '../broker/raw-client.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { DEBIAN_PYTHON } from '../helpers/paths.js';

const run = promisify(execFile);

const anyFilter = {
  resourceTypeFilter: ResourceType.ANY,
  resourceNameFilter: null,
  patternTypeFilter: PatternType.ANY,
  principalFilter: null,
  hostFilter: null,
  operation: Op.ANY,
  permissionType: AclPermission.ANY,
};

describe('CreateAcls, DescribeAcls and DeleteAcls', { timeout: 120_000 }, () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startBroker({
      config: {
        'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer',
        'allow.everyone.if.no.acl.found': 'true',
      },
    });
  });
  after(() => broker.cleanup());

  test('without an authorizer the ACL APIs answer SECURITY_DISABLED', async () => {
    const plain = await startBroker();
    try {
      const client = await RawClient.open(plain.bootstrap);
      const answer = await client.request(DescribeAcls, 1, anyFilter);
      assert.equal(answer.errorCode, ErrorCode.SECURITY_DISABLED);
      client.close();
    } finally {
      await plain.cleanup();
    }
  });

  test('create, describe (MATCH) and delete bindings; invalid ones are refused', async () => {
    const client = await RawClient.open(broker.bootstrap);
    const created = await client.request(CreateAcls, 1, {
      creations: [
        {
          resourceType: ResourceType.TOPIC,
          resourceName: 'orders-',
          resourcePatternType: PatternType.PREFIXED,
          principal: 'User:bob',
          host: '*',
          operation: Op.READ,
          permissionType: AclPermission.ALLOW,
        },
        {
          resourceType: ResourceType.TOPIC,
          resourceName: 'orders-secret',
          resourcePatternType: PatternType.LITERAL,
          principal: 'User:bob',
          host: '*',
          operation: Op.READ,
          permissionType: AclPermission.DENY,
        },
        {
          resourceType: ResourceType.CLUSTER,
          resourceName: 'wrong',
          resourcePatternType: PatternType.LITERAL,
          principal: 'User:bob',
          host: '*',
          operation: Op.ALTER,
          permissionType: AclPermission.ALLOW,
        },
      ],
    });
    assert.deepEqual(
      created.results.map((r: { errorCode: number }) => r.errorCode),
      [0, 0, ErrorCode.INVALID_REQUEST],
    );
    const described = await client.request(DescribeAcls, 2, {
      ...anyFilter,
      resourceTypeFilter: ResourceType.TOPIC,
      resourceNameFilter: 'orders-secret',
      patternTypeFilter: PatternType.MATCH,
    });
    assert.equal(described.errorCode, ErrorCode.NONE);
    assert.deepEqual(
      described.resources.map((r: { resourceName: string; patternType: number; acls: unknown[] }) => [
        r.resourceName,
        r.patternType,
        r.acls.length,
      ]),
      [
        ['orders-', PatternType.PREFIXED, 1],
        ['orders-secret', PatternType.LITERAL, 1],
      ],
    );
    const deleted = await client.request(DeleteAcls, 1, {
      filters: [{ ...anyFilter, permissionType: AclPermission.DENY }],
    });
    assert.equal(deleted.filterResults[0].matchingAcls.length, 1);
    assert.equal(deleted.filterResults[0].matchingAcls[0].resourceName, 'orders-secret');
    const left = await client.request(DescribeAcls, 1, anyFilter);
    assert.equal(left.resources.length, 1);
    await client.request(DeleteAcls, 1, { filters: [anyFilter] });
    client.close();
  });

  test('kafka-python 2.0.2 admin creates and describes ACLs', async () => {
    const script = `
import sys
from kafka.admin import KafkaAdminClient, ACL, ACLFilter, ResourcePattern, ResourcePatternFilter, ResourceType, ACLOperation, ACLPermissionType, ACLResourcePatternType
admin = KafkaAdminClient(bootstrap_servers=sys.argv[1])
acl = ACL('User:carol', '*', ACLOperation.WRITE, ACLPermissionType.ALLOW, ResourcePattern(ResourceType.TOPIC, 'events', ACLResourcePatternType.LITERAL))
result = admin.create_acls([acl])
assert not result['failed'], result
acls, error = admin.describe_acls(ACLFilter('User:carol', None, ACLOperation.ANY, ACLPermissionType.ANY, ResourcePatternFilter(ResourceType.TOPIC, None, ACLResourcePatternType.ANY)))
print(len(acls), acls[0].principal, acls[0].resource_pattern.resource_name, acls[0].operation.name)
`;
    const { stdout } = await run(DEBIAN_PYTHON, ['-c', script, broker.bootstrap], { timeout: 60_000 });
    assert.equal(stdout.trim(), '1 User:carol events WRITE');
  });

  test('the ACL APIs need Alter (Describe) on the cluster once cluster ACLs exist', async () => {
    const client = await RawClient.open(broker.bootstrap);
    await client.request(CreateAcls, 1, {
      creations: [
        {
          resourceType: ResourceType.CLUSTER,
          resourceName: 'kafka-cluster',
          resourcePatternType: PatternType.LITERAL,
          principal: 'User:admin',
          host: '*',
          operation: Op.ALTER,
          permissionType: AclPermission.ALLOW,
        },
      ],
    });
    const refused = await client.request(CreateAcls, 1, {
      creations: [
        {
          resourceType: ResourceType.TOPIC,
          resourceName: 't',
          resourcePatternType: PatternType.LITERAL,
          principal: 'User:x',
          host: '*',
          operation: Op.READ,
          permissionType: AclPermission.ALLOW,
        },
      ],
    });
    assert.equal(refused.results[0].errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    const describe = await client.request(DescribeAcls, 1, anyFilter);
    assert.equal(describe.errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    client.close();
  });

  test('an ACL store that cannot be written answers each creation with the error', async () => {
    const failing = await startBroker({
      config: {
        'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer',
        'allow.everyone.if.no.acl.found': 'true',
      },
    });
    try {
      // A directory where the ACL file goes: every write of it fails.
      mkdirSync(path.join(failing.dataDir, 'samsa-acls.json', 'blocked'), { recursive: true });
      const client = await RawClient.open(failing.bootstrap);
      const creation = {
        resourceType: ResourceType.TOPIC,
        resourceName: 'orders',
        resourcePatternType: PatternType.LITERAL,
        principal: 'User:alice',
        host: '*',
        operation: Op.READ,
        permissionType: AclPermission.ALLOW,
      };
      const created = await client.request(CreateAcls, 1, {
        creations: [creation, { ...creation, principal: 'User:bob' }],
      });
      assert.equal(created.results.length, 2);
      for (const r of created.results) {
        assert.notEqual(r.errorCode, ErrorCode.NONE);
        assert.match(r.errorMessage ?? '', /samsa-acls\.json/);
      }
      // Nothing was applied, and the connection still answers.
      const described = await client.request(DescribeAcls, 1, anyFilter);
      assert.equal(described.errorCode, ErrorCode.NONE);
      assert.deepEqual(described.resources, []);
      client.close();
    } finally {
      await failing.cleanup();
    }
  });
});
