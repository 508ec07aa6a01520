/**
 * The JSON and names of the security znodes against the literal forms Kafka's ZooKeeper mode
 * writes (apache/kafka ZkData.scala, AclEntry.scala, ScramCredentialUtils, Sanitizer,
 * ZkAdminManager.alterClientQuotas).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { javaDoubleString, quotaEntityOfPath, quotaEntityPath } from '../../src/cluster/zk-quota-store.js';
import {
  aclResourcePath,
  decodeAclChange,
  decodeAcls,
  decodeConfigChange,
  decodeEntityConfig,
  desanitizeEntityName,
  EXTENDED_ACL_CHANGES_PATH,
  encodeAclChange,
  encodeAcls,
  encodeConfigChange,
  encodeEntityConfig,
  LITERAL_ACL_CHANGES_PATH,
  sanitizeEntityName,
} from '../../src/cluster/zookeeper/zk-data.js';
import { AclOperation, AclPermission, PatternType, ResourceType } from '../../src/security/authorizer/acl.js';
import { encodeUserConfig, scramCredentialsOf } from '../../src/security/credential-store.js';

const text = (b: Buffer) => b.toString('utf8');

test('ACL znode: ResourceZNode/AclEntry JSON, keys in Kafka order, names as SecurityUtils spells them', () => {
  const data = encodeAcls([
    { principal: 'User:alice', host: '*', operation: AclOperation.READ, permission: AclPermission.ALLOW },
    {
      principal: 'User:bob',
      host: '10.0.0.1',
      operation: AclOperation.DESCRIBE_CONFIGS,
      permission: AclPermission.DENY,
    },
    {
      principal: 'User:*',
      host: '*',
      operation: AclOperation.IDEMPOTENT_WRITE,
      permission: AclPermission.ALLOW,
    },
  ]);
  assert.equal(
    text(data),
    '{"version":1,"acls":[' +
      '{"principal":"User:alice","permissionType":"Allow","operation":"Read","host":"*"},' +
      '{"principal":"User:bob","permissionType":"Deny","operation":"DescribeConfigs","host":"10.0.0.1"},' +
      '{"principal":"User:*","permissionType":"Allow","operation":"IdempotentWrite","host":"*"}]}',
  );
  // AclEntry.fromBytes' documented example (spaces, other key order).
  const kafkaExample =
    '{"version": 1, "acls": [{"host":"host1", "permissionType": "Deny", "operation": "Read", "principal": "User:alice"}]}';
  assert.deepEqual(decodeAcls(Buffer.from(kafkaExample)), [
    { principal: 'User:alice', host: 'host1', operation: AclOperation.READ, permission: AclPermission.DENY },
  ]);
  assert.throws(() => decodeAcls(Buffer.from('{"version":2,"acls":[]}')), /version 2/);
});

test('ACL paths: /kafka-acl/<Type>/<name> for LITERAL, /kafka-acl-extended/prefixed/<Type>/<name> for PREFIXED', () => {
  const at = (resourceType: number, name: string, patternType: number) =>
    aclResourcePath({ resourceType, name, patternType });
  assert.equal(at(ResourceType.TOPIC, 'orders', PatternType.LITERAL), '/kafka-acl/Topic/orders');
  assert.equal(at(ResourceType.GROUP, '*', PatternType.LITERAL), '/kafka-acl/Group/*');
  assert.equal(
    at(ResourceType.CLUSTER, 'kafka-cluster', PatternType.LITERAL),
    '/kafka-acl/Cluster/kafka-cluster',
  );
  assert.equal(
    at(ResourceType.TRANSACTIONAL_ID, 'tx-', PatternType.PREFIXED),
    '/kafka-acl-extended/prefixed/TransactionalId/tx-',
  );
  assert.equal(at(ResourceType.DELEGATION_TOKEN, 't', PatternType.LITERAL), '/kafka-acl/DelegationToken/t');
});

test('ACL change notifications: LiteralAclChangeStore `TOPIC:name`, ExtendedAclChangeEvent JSON', () => {
  const literal = { resourceType: ResourceType.TOPIC, name: 'orders:eu', patternType: PatternType.LITERAL };
  assert.equal(text(encodeAclChange(literal)), 'TOPIC:orders:eu');
  assert.deepEqual(decodeAclChange(LITERAL_ACL_CHANGES_PATH, encodeAclChange(literal)), literal);
  // Kafka 1.x wrote the resource type's display name; split at the first colon either way.
  assert.deepEqual(decodeAclChange(LITERAL_ACL_CHANGES_PATH, Buffer.from('Group:g1')), {
    resourceType: ResourceType.GROUP,
    name: 'g1',
    patternType: PatternType.LITERAL,
  });
  const prefixed = {
    resourceType: ResourceType.TRANSACTIONAL_ID,
    name: 'tx-',
    patternType: PatternType.PREFIXED,
  };
  assert.equal(
    text(encodeAclChange(prefixed)),
    '{"version":1,"resourceType":"TRANSACTIONAL_ID","name":"tx-","patternType":"PREFIXED"}',
  );
  assert.deepEqual(decodeAclChange(EXTENDED_ACL_CHANGES_PATH, encodeAclChange(prefixed)), prefixed);
});

test('config entity znode and its change notification (ConfigEntityZNode, ...SequenceZNode version 2)', () => {
  assert.equal(
    text(encodeEntityConfig({ producer_byte_rate: '1048576', request_percentage: '200.0' })),
    '{"version":1,"config":{"producer_byte_rate":"1048576","request_percentage":"200.0"}}',
  );
  assert.deepEqual(decodeEntityConfig(Buffer.alloc(0)), {});
  assert.equal(text(encodeConfigChange('users/alice')), '{"version":2,"entity_path":"users/alice"}');
  assert.equal(
    decodeConfigChange(Buffer.from('{"version":2,"entity_path":"users/a/clients/c"}')),
    'users/a/clients/c',
  );
  // Version 1, as Kafka before 0.10.1 wrote it.
  assert.equal(
    decodeConfigChange(Buffer.from('{"version":1,"entity_type":"clients","entity_name":"app"}')),
    'clients/app',
  );
});

test('a user znode holds ScramCredentialUtils strings next to quotas; quota keys are not credentials', () => {
  const salt = Buffer.from('salt-bytes');
  const credential = {
    salt,
    storedKey: Buffer.alloc(32, 1),
    serverKey: Buffer.alloc(32, 2),
    iterations: 4096,
  };
  const json = encodeUserConfig(new Map([['SCRAM-SHA-256', credential]]));
  assert.equal(
    json,
    `{"version":1,"config":{"SCRAM-SHA-256":"salt=c2FsdC1ieXRlcw==,stored_key=${Buffer.alloc(32, 1).toString('base64')},server_key=${Buffer.alloc(32, 2).toString('base64')},iterations=4096"}}`,
  );
  const config = { ...JSON.parse(json).config, producer_byte_rate: '1024' };
  const credentials = scramCredentialsOf(config);
  assert.deepEqual([...credentials.keys()], ['SCRAM-SHA-256']);
  assert.equal(credentials.get('SCRAM-SHA-256')!.iterations, 4096);
  assert.deepEqual(credentials.get('SCRAM-SHA-256')!.salt, salt);
});

test("entity names are sanitized as Kafka's Sanitizer (URL-encoded, * and space percent-encoded)", () => {
  assert.equal(sanitizeEntityName('alice'), 'alice');
  assert.equal(sanitizeEntityName('my-app_1.0'), 'my-app_1.0');
  assert.equal(sanitizeEntityName('CN=a b*'), 'CN%3Da%20b%2A');
  assert.equal(sanitizeEntityName('ü'), '%C3%BC');
  // SanitizerTest's principal: only [A-Za-z0-9._-] and % escapes remain, and it reads back.
  const principal = "CN=Some characters !@#$%&*()_-+=';:,/~";
  const sanitized = sanitizeEntityName(principal);
  assert.match(sanitized.replace(/%/g, '_'), /^[a-zA-Z0-9._-]+$/);
  assert.equal(desanitizeEntityName(sanitized), principal);
  assert.equal(desanitizeEntityName('a+b'), 'a b');
  assert.equal(desanitizeEntityName('bad%zz'), 'bad%zz');
});

test('quota entity paths (users, users/<u>/clients/<c>, clients, ips, <default>) both ways', () => {
  const cases = [
    [{ user: 'alice' }, 'users/alice'],
    [{ user: null }, 'users/<default>'],
    [{ user: 'CN=x y', clientId: 'app' }, 'users/CN%3Dx%20y/clients/app'],
    [{ user: null, clientId: null }, 'users/<default>/clients/<default>'],
    [{ clientId: 'app' }, 'clients/app'],
    [{ clientId: null }, 'clients/<default>'],
    [{ ip: '10.0.0.1' }, 'ips/10.0.0.1'],
    [{ ip: null }, 'ips/<default>'],
  ] as const;
  for (const [entity, path] of cases) {
    assert.equal(quotaEntityPath(entity), path);
    assert.deepEqual(quotaEntityOfPath(path), entity);
  }
  assert.equal(quotaEntityOfPath('topics/orders'), undefined);
  assert.equal(quotaEntityOfPath('brokers/1'), undefined);
});

test("DOUBLE quota values are written as Java's Double.toString", () => {
  assert.equal(javaDoubleString(200), '200.0');
  assert.equal(javaDoubleString(0.5), '0.5');
  assert.equal(javaDoubleString(12.25), '12.25');
  assert.equal(javaDoubleString(1e7), '1.0E7');
  assert.equal(javaDoubleString(12345678.9), '1.23456789E7');
  assert.equal(javaDoubleString(0.0001), '1.0E-4');
  assert.equal(javaDoubleString(0), '0.0');
});
