import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { CreateAcls, OffsetCommit } from '../../src/protocol/messages/index.js';
import {
  AclPermission,
  AclOperation as Op,
  PatternType,
  ResourceType,
} from '../../src/security/authorizer/acl.js';
import { RawClient } from '../broker/raw-client.js';
import { DEBIAN_PYTHON, repoRoot, samsaBin } from '../helpers/paths.js';
import { PLAIN_USERS, type SecureTestBroker, startSecureBroker } from '../helpers/secure-broker.js';

const MATRIX_SCRIPT = path.join(repoRoot, 'test', 'security', 'acl-matrix.py');

function run(command: string, args: string[], timeoutMs = 60_000) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(command, args, { timeout: timeoutMs }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const allow = (
  principal: string,
  operation: number,
  resourceType: number,
  name: string,
  prefixed = false,
) => ({
  resourceType,
  resourceName: name,
  resourcePatternType: prefixed ? PatternType.PREFIXED : PatternType.LITERAL,
  principal,
  host: '*',
  operation,
  permissionType: AclPermission.ALLOW,
});

/**
 * What the broker answers each principal, API by API, through real clients: confluent-kafka's
 * AdminClient and transactional Producer, kafka-python's KafkaAdminClient and KafkaConsumer.
 */
describe('ACL matrix with real clients', { timeout: 240_000 }, () => {
  let broker: SecureTestBroker;
  let sasl: string;
  const matrix = async (check: string, user: string, password: string, args: object = {}) => {
    const r = await run(DEBIAN_PYTHON, [MATRIX_SCRIPT, check, sasl, user, password, JSON.stringify(args)]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').pop()!);
  };

  before(async () => {
    broker = await startSecureBroker({
      config: {
        'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer',
        'super.users': 'User:admin;User:ANONYMOUS',
      },
    });
    sasl = broker.bootstrapFor('SASL_PLAINTEXT');
    await broker.addScramUser('admin', 'admin-password');
    const plaintext = broker.bootstrapFor('PLAINTEXT');
    const created = await run(process.execPath, [
      samsaBin,
      'topic',
      'create',
      'alice-data',
      'other-topic',
      'bob-topic',
      '--brokers',
      plaintext,
    ]);
    assert.equal(created.code, 0, created.stderr);
    const client = await RawClient.open(plaintext);
    // Offsets committed outside group management make Empty groups to list, fetch and delete.
    for (const groupId of ['alice-group', 'hidden-group', 'bob-group']) {
      const committed = await client.request(OffsetCommit, 2, {
        groupId,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        retentionTimeMs: -1n,
        topics: ['alice-data', 'other-topic'].map((name) => ({
          name,
          partitions: [{ partitionIndex: 0, committedOffset: 5n, committedMetadata: '' }],
        })),
      });
      assert.ok(
        committed.topics.every((t: { partitions: { errorCode: number }[] }) =>
          t.partitions.every((p) => p.errorCode === 0),
        ),
      );
    }
    const acls = await client.request(CreateAcls, 1, {
      creations: [
        ...[Op.CREATE, Op.DELETE, Op.ALTER, Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS].map((op) =>
          allow('User:alice', op, ResourceType.TOPIC, 'alice-', true),
        ),
        allow('User:alice', Op.DESCRIBE, ResourceType.GROUP, 'alice-group'),
        allow('User:alice', Op.DELETE, ResourceType.GROUP, 'alice-group'),
        allow('User:bob', Op.WRITE, ResourceType.TOPIC, 'bob-topic'),
        allow('User:bob', Op.READ, ResourceType.TOPIC, 'bob-topic'),
        allow('User:bob', Op.WRITE, ResourceType.TRANSACTIONAL_ID, 'bob-ok-tx'),
        allow('User:bob', Op.DESCRIBE, ResourceType.GROUP, 'bob-group'),
      ],
    });
    assert.ok(created && acls.results.every((r: { errorCode: number }) => r.errorCode === 0));
    client.close();
  });
  after(() => broker.cleanup());

  test('topic admin: create, describe/alter configs, create partitions, delete (confluent-kafka)', async () => {
    const answers = await matrix('topics', 'alice', PLAIN_USERS.alice, {
      create: ['alice-new', 'other-new'],
      describe: ['alice-new', 'other-topic'],
      alter: ['alice-new', 'other-topic'],
      delete: ['alice-new', 'other-topic', 'alice-missing', 'missing-elsewhere'],
    });
    assert.deepEqual(answers.create, { 'alice-new': 'NONE', 'other-new': 'TOPIC_AUTHORIZATION_FAILED' });
    assert.deepEqual(answers.describe, {
      'alice-new': 'NONE',
      'other-topic': 'TOPIC_AUTHORIZATION_FAILED',
      '0': 'CLUSTER_AUTHORIZATION_FAILED',
    });
    assert.deepEqual(answers.alter, { 'alice-new': 'NONE', 'other-topic': 'TOPIC_AUTHORIZATION_FAILED' });
    assert.deepEqual(answers.partitions, {
      'alice-new': 'NONE',
      'other-topic': 'TOPIC_AUTHORIZATION_FAILED',
    });
    // Only a principal allowed to Delete learns that a topic does not exist.
    assert.deepEqual(answers.delete, {
      'alice-new': 'NONE',
      'other-topic': 'TOPIC_AUTHORIZATION_FAILED',
      // librdkafka's name for UNKNOWN_TOPIC_OR_PARTITION.
      'alice-missing': 'UNKNOWN_TOPIC_OR_PART',
      'missing-elsewhere': 'TOPIC_AUTHORIZATION_FAILED',
    });
  });

  test('KafkaJS admin: create topics, list groups, fetch offsets', async () => {
    const kafka = new Kafka({
      clientId: 'acl-matrix',
      brokers: [sasl],
      sasl: { mechanism: 'plain', username: 'alice', password: PLAIN_USERS.alice },
      logLevel: logLevel.NOTHING,
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 500 },
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      // The errors KafkaJS reports, by Kafka error type.
      const failure = (error: unknown) => {
        const e = error as { type?: string; errors?: { type?: string }[]; originalError?: { type?: string } };
        return e.type ?? e.originalError?.type ?? e.errors?.map((inner) => inner.type).join(',');
      };
      assert.equal(await admin.createTopics({ topics: [{ topic: 'alice-kafkajs' }] }), true);
      await assert.rejects(admin.createTopics({ topics: [{ topic: 'elsewhere-kafkajs' }] }), (error) => {
        assert.equal(failure(error), 'TOPIC_AUTHORIZATION_FAILED');
        return true;
      });
      const groups = await admin.listGroups();
      assert.deepEqual(
        groups.groups.map((g) => g.groupId),
        ['alice-group'],
      );
      // Offsets of topics alice may not Describe are left out.
      const offsets = await admin.fetchOffsets({ groupId: 'alice-group' });
      assert.deepEqual(
        offsets.map((t) => `${t.topic}:${t.partitions.map((p) => p.offset).join(',')}`),
        ['alice-data:5'],
      );
      // FindCoordinator answers GROUP_AUTHORIZATION_FAILED, which KafkaJS reports as this.
      await assert.rejects(admin.fetchOffsets({ groupId: 'hidden-group' }), {
        name: 'KafkaJSGroupCoordinatorNotFound',
      });
    } finally {
      await admin.disconnect();
    }
  });

  test('groups: list, fetch offsets, delete (kafka-python admin); a super user sees all', async () => {
    const asAdmin = await matrix('groups', 'admin', 'admin-password', {
      offsets: ['hidden-group'],
      delete: [],
    });
    assert.deepEqual(asAdmin.listed, ['alice-group', 'bob-group', 'hidden-group']);
    assert.deepEqual(asAdmin.offsets, { 'hidden-group': ['alice-data-0=5', 'other-topic-0=5'] });

    const answers = await matrix('groups', 'alice', PLAIN_USERS.alice, {
      offsets: ['alice-group', 'hidden-group'],
      delete: ['alice-group', 'hidden-group'],
    });
    assert.deepEqual(answers.listed, ['alice-group']);
    // Offsets of topics alice may not Describe are left out.
    assert.deepEqual(answers.offsets, {
      'alice-group': ['alice-data-0=5'],
      'hidden-group': 'GroupAuthorizationFailedError',
    });
    assert.deepEqual(answers.deleted, {
      'alice-group': 'NONE',
      'hidden-group': 'GroupAuthorizationFailedError',
    });
  });

  test('a group without Read refuses offset commits (kafka-python consumer)', async () => {
    const answers = await matrix('commit', 'bob', PLAIN_USERS.bob, {
      group: 'bob-group',
      topic: 'bob-topic',
    });
    assert.deepEqual(answers, { commit: 'GroupAuthorizationFailedError' });
  });

  test('a transactional id without Write, and one with it (confluent-kafka producer)', async () => {
    const refused = await matrix('transaction', 'bob', PLAIN_USERS.bob, {
      transactionalId: 'bob-tx',
      topic: 'bob-topic',
    });
    assert.deepEqual(refused, { transaction: 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED' });
    const allowed = await matrix('transaction', 'bob', PLAIN_USERS.bob, {
      transactionalId: 'bob-ok-tx',
      topic: 'bob-topic',
    });
    assert.deepEqual(allowed, { transaction: 'NONE' });
    const read = await run('kcat', [
      '-C',
      '-t',
      'bob-topic',
      '-o',
      'beginning',
      '-e',
      '-X',
      'isolation.level=read_committed',
      '-b',
      sasl,
      '-X',
      'security.protocol=SASL_PLAINTEXT',
      '-X',
      'sasl.mechanism=PLAIN',
      '-X',
      'sasl.username=admin',
      '-X',
      'sasl.password=admin-password',
    ]);
    assert.equal(read.stdout.trim(), 'in-a-transaction', read.stderr);
  });
});
