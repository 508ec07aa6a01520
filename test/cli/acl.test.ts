import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runSamsa } from '../helpers/run-samsa.js';
import { PLAIN_USERS, type SecureTestBroker, startSecureBroker } from '../helpers/secure-broker.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

interface ListedAcl {
  resourceType: string;
  name: string;
  patternType: string;
  principal: string;
  host: string;
  operation: string;
  permissionType: string;
}

const key = (a: ListedAcl) =>
  `${a.resourceType}:${a.patternType}:${a.name} ${a.permissionType} ${a.principal}@${a.host} ${a.operation}`;

describe('samsa acl create|list|delete', { timeout: 120_000 }, () => {
  let broker: SecureTestBroker;
  let dir: TempDir;
  let admin: string[];
  before(async () => {
    broker = await startSecureBroker({
      config: {
        'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer',
        // The PLAINTEXT listener's anonymous clients administer the test broker.
        'super.users': 'User:ANONYMOUS',
      },
    });
    dir = makeTempDir('samsa-acl-cli-');
    admin = ['--brokers', broker.bootstrapFor('PLAINTEXT')];
  });
  after(async () => {
    await broker.cleanup();
    dir.cleanup();
  });

  const list = async (...args: string[]): Promise<string[]> => {
    const r = await runSamsa(['acl', 'list', ...args, ...admin, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as ListedAcl[]).map(key).sort();
  };

  test('create with repeated operations and a prefixed pattern, then list it', async () => {
    const created = await runSamsa([
      'acl',
      'create',
      '--allow-principal',
      'User:alice',
      '--operation',
      'Read',
      '--operation',
      'describe',
      '--topic',
      'orders-',
      '--resource-pattern-type',
      'prefixed',
      ...admin,
    ]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(
      created.stdout,
      /Adding ACLs for resource `ResourcePattern\(resourceType=TOPIC, name=orders-, patternType=PREFIXED\)`/,
    );
    assert.match(created.stdout, /principal=User:alice, host=\*, operation=READ, permissionType=ALLOW/);
    assert.deepEqual(await list('--topic', 'orders-', '--resource-pattern-type', 'prefixed'), [
      'TOPIC:PREFIXED:orders- ALLOW User:alice@* DESCRIBE',
      'TOPIC:PREFIXED:orders- ALLOW User:alice@* READ',
    ]);
    // MATCH finds the prefixed ACLs that apply to a literal topic name.
    assert.equal((await list('--topic', 'orders-eu', '--resource-pattern-type', 'match')).length, 2);
    // A literal listing of the same name finds nothing.
    assert.deepEqual(await list('--topic', 'orders-', '--resource-pattern-type', 'literal'), []);
  });

  test('--producer and --consumer expand to the operations kafka-acls.sh grants; deny with hosts', async () => {
    const producer = await runSamsa([
      'acl',
      'create',
      '--producer',
      '--idempotent',
      '--allow-principal',
      'User:pat',
      '--topic',
      'payments',
      '--transactional-id',
      'pay-tx',
      ...admin,
    ]);
    assert.equal(producer.code, 0, producer.stderr);
    assert.deepEqual(await list('--principal', 'User:pat'), [
      'CLUSTER:LITERAL:kafka-cluster ALLOW User:pat@* IDEMPOTENT_WRITE',
      'TOPIC:LITERAL:payments ALLOW User:pat@* CREATE',
      'TOPIC:LITERAL:payments ALLOW User:pat@* DESCRIBE',
      'TOPIC:LITERAL:payments ALLOW User:pat@* WRITE',
      'TRANSACTIONAL_ID:LITERAL:pay-tx ALLOW User:pat@* DESCRIBE',
      'TRANSACTIONAL_ID:LITERAL:pay-tx ALLOW User:pat@* WRITE',
    ]);
    const consumer = await runSamsa([
      'acl',
      'create',
      '--consumer',
      '--allow-principal',
      'User:con',
      '--deny-principal',
      'User:mallory',
      '--deny-host',
      '10.0.0.1',
      '--topic',
      'payments',
      '--group',
      'billing',
      ...admin,
    ]);
    assert.equal(consumer.code, 0, consumer.stderr);
    assert.deepEqual(await list('--group', 'billing'), [
      'GROUP:LITERAL:billing ALLOW User:con@* READ',
      'GROUP:LITERAL:billing DENY User:mallory@10.0.0.1 READ',
    ]);
    const noGroup = await runSamsa([
      'acl',
      'create',
      '--consumer',
      '--allow-principal',
      'User:c',
      '--topic',
      't',
      ...admin,
    ]);
    assert.equal(noGroup.code, 2);
    assert.match(noGroup.stderr, /--consumer needs --group/);
    const badOperation = await runSamsa([
      'acl',
      'create',
      '--allow-principal',
      'User:c',
      '--operation',
      'Write',
      '--group',
      'g',
      ...admin,
    ]);
    assert.equal(badOperation.code, 2);
    assert.match(badOperation.stderr, /GROUP supports the operations READ, DESCRIBE, DELETE, not WRITE/);
  });

  test('delete asks unless --force; removes one principal or every ACL of the resource', async () => {
    const asked = await runSamsa(['acl', 'delete', '--group', 'billing', ...admin]);
    assert.equal(asked.code, 1);
    assert.equal((await list('--group', 'billing')).length, 2, 'nothing removed without confirmation');

    const one = await runSamsa([
      'acl',
      'delete',
      '--force',
      '--deny-principal',
      'User:mallory',
      '--deny-host',
      '10.0.0.1',
      '--consumer',
      '--topic',
      'payments',
      '--group',
      'billing',
      ...admin,
    ]);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /Removed ACLs for resource .*name=billing/);
    assert.deepEqual(await list('--group', 'billing'), ['GROUP:LITERAL:billing ALLOW User:con@* READ']);

    const all = await runSamsa(['acl', 'delete', '--force', '--topic', 'payments', ...admin]);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(await list('--topic', 'payments'), []);
  });

  test('--command-config connects as a SASL user, who needs Describe on the cluster to list', async () => {
    const config = path.join(dir.path, 'alice.properties');
    writeFileSync(
      config,
      [
        'security.protocol=SASL_PLAINTEXT',
        'sasl.mechanism=PLAIN',
        `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="${PLAIN_USERS.alice}";`,
        '',
      ].join('\n'),
    );
    const asAlice = ['--brokers', broker.bootstrapFor('SASL_PLAINTEXT'), '--command-config', config];
    const refused = await runSamsa(['acl', 'list', ...asAlice]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Cluster authorization failed/i);
    const grant = await runSamsa([
      'acl',
      'create',
      '--allow-principal',
      'User:alice',
      '--operation',
      'Describe',
      '--cluster',
      ...admin,
    ]);
    assert.equal(grant.code, 0, grant.stderr);
    const listed = await runSamsa(['acl', 'list', '--cluster', ...asAlice]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(
      listed.stdout,
      /Current ACLs for resource `ResourcePattern\(resourceType=CLUSTER, name=kafka-cluster/,
    );
    assert.match(listed.stdout, /principal=User:alice, host=\*, operation=DESCRIBE/);
    // Describe does not allow changing ACLs.
    const create = await runSamsa([
      'acl',
      'create',
      '--allow-principal',
      'User:alice',
      '--topic',
      'x',
      ...asAlice,
    ]);
    assert.equal(create.code, 1);
    assert.match(create.stderr, /Cluster authorization failed/i);
  });
});
