import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { CreateAcls } from '../../src/protocol/messages/index.js';
import {
  AclPermission,
  AclOperation as Op,
  PatternType,
  ResourceType,
} from '../../src/security/authorizer/acl.js';
import { RawClient } from '../broker/raw-client.js';
import { samsaBin } from '../helpers/paths.js';
import { PLAIN_USERS, type SecureTestBroker, startSecureBroker } from '../helpers/secure-broker.js';

/** Runs a command and returns its output and exit code, whatever the outcome. */
function runCapture(command: string, args: string[], input?: string, timeoutMs = 20_000) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(command, args, { timeout: timeoutMs }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

function acl(
  principal: string,
  permission: 'ALLOW' | 'DENY',
  operation: number,
  name: string,
  patternType: number,
  resourceType: number = ResourceType.TOPIC,
) {
  return {
    resourceType,
    resourceName: name,
    resourcePatternType: patternType,
    principal,
    host: '*',
    operation,
    permissionType: AclPermission[permission],
  };
}

describe('ACLs enforced for real clients (kcat over SASL_PLAINTEXT)', { timeout: 180_000 }, () => {
  let broker: SecureTestBroker;
  let sasl: string;
  const as = (user: string, password: string) => [
    '-b',
    sasl,
    '-X',
    'security.protocol=SASL_PLAINTEXT',
    '-X',
    'sasl.mechanism=PLAIN',
    '-X',
    `sasl.username=${user}`,
    '-X',
    `sasl.password=${password}`,
  ];
  const alice = () => as('alice', PLAIN_USERS.alice);
  const bob = () => as('bob', PLAIN_USERS.bob);
  const admin = () => as('admin', 'admin-password');

  before(async () => {
    broker = await startSecureBroker({
      config: {
        'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer',
        // The PLAINTEXT listener's anonymous clients administer the test broker.
        'super.users': 'User:admin;User:ANONYMOUS',
      },
    });
    sasl = broker.bootstrapFor('SASL_PLAINTEXT');
    await broker.addScramUser('admin', 'admin-password');
    const plaintext = broker.bootstrapFor('PLAINTEXT');
    await runCapture(process.execPath, [
      samsaBin,
      'topic',
      'create',
      'acl-events',
      'orders-eu',
      'orders-secret',
      '--brokers',
      plaintext,
    ]);
    const client = await RawClient.open(plaintext);
    const created = await client.request(CreateAcls, 1, {
      creations: [
        acl('User:alice', 'ALLOW', Op.WRITE, 'acl-events', PatternType.LITERAL),
        acl('User:bob', 'ALLOW', Op.READ, 'orders-', PatternType.PREFIXED),
        acl('User:bob', 'DENY', Op.READ, 'orders-secret', PatternType.LITERAL),
        acl('User:bob', 'ALLOW', Op.READ, 'bob-group', PatternType.LITERAL, ResourceType.GROUP),
      ],
    });
    assert.deepEqual(
      created.results.map((r: { errorCode: number }) => r.errorCode),
      [0, 0, 0, 0],
    );
    client.close();
  });
  after(() => broker.cleanup());

  test('a user allowed to write but not read a topic', async () => {
    const produced = await runCapture('kcat', ['-P', '-t', 'acl-events', ...alice()], 'one\ntwo\n');
    assert.equal(produced.code, 0, produced.stderr);
    const consumed = await runCapture('kcat', [
      '-C',
      '-t',
      'acl-events',
      '-o',
      'beginning',
      '-e',
      ...alice(),
    ]);
    assert.match(consumed.stderr, /Topic authorization failed/i);
    assert.equal(consumed.stdout, '');
    // The super user reads what alice wrote.
    const read = await runCapture('kcat', ['-C', '-t', 'acl-events', '-o', 'beginning', '-e', ...admin()]);
    assert.deepEqual(read.stdout.trim().split('\n'), ['one', 'two']);
    // Writing elsewhere is refused.
    const elsewhere = await runCapture(
      'kcat',
      ['-P', '-t', 'orders-eu', '-X', 'message.timeout.ms=5000', ...alice()],
      'x\n',
    );
    assert.match(elsewhere.stderr, /authorization failed/i);
  });

  test('a PREFIXED allow with a LITERAL deny, and Metadata showing only describable topics', async () => {
    for (const topic of ['orders-eu', 'orders-secret']) {
      const produced = await runCapture('kcat', ['-P', '-t', topic, ...admin()], `${topic}-record\n`);
      assert.equal(produced.code, 0, produced.stderr);
    }
    const eu = await runCapture('kcat', ['-C', '-t', 'orders-eu', '-o', 'beginning', '-e', ...bob()]);
    assert.equal(eu.stdout.trim(), 'orders-eu-record');
    const secret = await runCapture('kcat', ['-C', '-t', 'orders-secret', '-o', 'beginning', '-e', ...bob()]);
    assert.match(secret.stderr, /Topic authorization failed/i);
    assert.equal(secret.stdout, '');

    const listed = (user: string[]) =>
      runCapture('kcat', ['-L', ...user]).then((r) =>
        [...r.stdout.matchAll(/topic "([^"]+)"/g)].map((m) => m[1]).sort(),
      );
    assert.deepEqual(await listed(bob()), ['orders-eu', 'orders-secret']);
    assert.deepEqual(await listed(alice()), ['acl-events']);
  });

  test('a consumer group needs Read on the group', async () => {
    const produced = await runCapture('kcat', ['-P', '-t', 'orders-eu', ...admin()], 'for-the-group\n');
    assert.equal(produced.code, 0, produced.stderr);
    const allowed = await runCapture('kcat', [
      '-G',
      'bob-group',
      '-o',
      'beginning',
      '-c',
      '1',
      ...bob(),
      'orders-eu',
    ]);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(allowed.stdout.trim(), 'orders-eu-record');
    const refused = await runCapture(
      'kcat',
      ['-G', 'not-bobs-group', '-o', 'beginning', '-c', '1', ...bob(), 'orders-eu'],
      undefined,
      8_000,
    );
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /Group authorization failed/i);
  });
});
