import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Consumer, Kafka } from 'kafkajs';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { samsaBin } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait-for.js';
import { kafkaFor, uniqueTopic } from './kafkajs-client.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function samsa(bootstrap: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [samsaBin, ...args, '--brokers', bootstrap], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function json(bootstrap: string, ...args: string[]): Promise<any> {
  const run = await samsa(bootstrap, ...args, '--format', 'json');
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
}

// `samsa group` against a KafkaJS group: describe with lag, reset-offsets (each target, refused
// while the group has a member), delete.
describe('samsa group', { timeout: 60_000 }, () => {
  let broker: TestBroker;
  let kafka: Kafka;
  const topic = uniqueTopic('cli-group');
  const groupId = uniqueTopic('cli-group-id');
  let consumer: Consumer;
  let startedAt: number;

  before(async () => {
    broker = await startBroker();
    kafka = kafkaFor(broker.bootstrap, 'cli-group-client');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: 20 }, (_, i) => ({ partition: i % 2, value: String(i) })),
    });
    startedAt = Date.now();
    await producer.send({
      topic,
      messages: Array.from({ length: 10 }, (_, i) => ({ partition: i % 2, value: String(20 + i) })),
    });
    await producer.disconnect();
    consumer = kafka.consumer({
      groupId,
      sessionTimeout: 6_000,
      heartbeatInterval: 200,
      maxWaitTimeInMs: 100,
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    await consumer.run({
      autoCommit: false,
      eachMessage: async () => {
        seen++;
      },
    });
    await waitFor(() => seen >= 30, { timeoutMs: 20_000, description: '30 records' });
    await consumer.commitOffsets([
      { topic, partition: 0, offset: '4' },
      { topic, partition: 1, offset: '15' },
    ]);
  });

  after(async () => {
    await consumer?.disconnect();
    await broker?.cleanup();
  });

  it('lists the group and describes members, assignments, offsets and lag', async () => {
    const groups: any[] = await json(broker.bootstrap, 'group', 'list');
    assert.deepEqual(
      groups.filter((g) => g.groupId === groupId),
      [{ groupId, protocolType: 'consumer', state: 'Stable', coordinatorId: 0 }],
    );
    const d = await json(broker.bootstrap, 'group', 'describe', groupId);
    assert.equal(d.state, 'Stable');
    assert.equal(d.members.length, 1);
    assert.equal(d.members[0].clientId, 'cli-group-client');
    assert.deepEqual(d.members[0].assignment, [
      { topic, partition: 0 },
      { topic, partition: 1 },
    ]);
    assert.deepEqual(
      d.offsets.map((o: any) => [o.partition, o.committedOffset, o.logEndOffset, o.lag, o.memberId]),
      [
        [0, 4, 15, 11, d.members[0].memberId],
        [1, 15, 15, 0, d.members[0].memberId],
      ],
    );
    const text = await samsa(broker.bootstrap, 'group', 'describe', groupId);
    assert.match(text.stdout, /CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG\s+CONSUMER-ID\s+HOST\s+CLIENT-ID/);
  });

  it('refuses to reset or delete while the group has a member', async () => {
    const reset = await samsa(
      broker.bootstrap,
      'group',
      'reset-offsets',
      groupId,
      '--all-topics',
      '--to-earliest',
      '--execute',
    );
    assert.equal(reset.code, 1);
    assert.match(reset.stderr, /NON_EMPTY_GROUP: .*Stable with 1 member/);
    const del = await samsa(broker.bootstrap, 'group', 'delete', groupId);
    assert.equal(del.code, 1);
    assert.match(del.stderr, /NON_EMPTY_GROUP/);
  });

  it('resets an empty group to earliest, latest, an offset, a time and by a shift', async () => {
    await consumer.disconnect();
    const reset = async (...target: string[]) => {
      const r = await json(broker.bootstrap, 'group', 'reset-offsets', groupId, ...target);
      return r.offsets.map((o: any) => [o.partition, o.currentOffset, o.newOffset]);
    };
    // Without --execute nothing is committed.
    assert.deepEqual(await reset('--all-topics', '--to-earliest'), [
      [0, 4, 0],
      [1, 15, 0],
    ]);
    assert.deepEqual(await reset('--all-topics', '--to-earliest'), [
      [0, 4, 0],
      [1, 15, 0],
    ]);
    assert.deepEqual(await reset('--topic', `${topic}:1`, '--to-offset', '3', '--execute'), [[1, 15, 3]]);
    assert.deepEqual(await reset('--topic', topic, '--shift-by=-2', '--execute'), [
      [0, 4, 2],
      [1, 3, 1],
    ]);
    assert.deepEqual(await reset('--topic', topic, '--shift-by', '100', '--execute'), [
      [0, 2, 15],
      [1, 1, 15],
    ]);
    assert.deepEqual(await reset('--topic', topic, '--to-offset', '999', '--execute'), [
      [0, 15, 15],
      [1, 15, 15],
    ]);
    // The second batch (values 20-29) starts at offset 10 of each partition.
    assert.deepEqual(await reset('--topic', topic, '--to-timestamp', String(startedAt), '--execute'), [
      [0, 15, 10],
      [1, 15, 10],
    ]);
    assert.deepEqual(await reset('--all-topics', '--to-latest', '--execute'), [
      [0, 10, 15],
      [1, 10, 15],
    ]);
    const d = await json(broker.bootstrap, 'group', 'describe', groupId);
    assert.equal(d.state, 'Empty');
    assert.deepEqual(
      d.offsets.map((o: any) => [o.partition, o.committedOffset, o.lag]),
      [
        [0, 15, 0],
        [1, 15, 0],
      ],
    );
  });

  it('rejects bad reset command lines with exit code 2', async () => {
    const none = await samsa(broker.bootstrap, 'group', 'reset-offsets', groupId, '--all-topics');
    assert.equal(none.code, 2);
    const two = await samsa(
      broker.bootstrap,
      'group',
      'reset-offsets',
      groupId,
      '--all-topics',
      '--to-earliest',
      '--to-latest',
    );
    assert.equal(two.code, 2);
    const noTopics = await samsa(broker.bootstrap, 'group', 'reset-offsets', groupId, '--to-earliest');
    assert.equal(noTopics.code, 2);
  });

  it('deletes the empty group, after which describe reports GROUP_ID_NOT_FOUND', async () => {
    const del = await samsa(broker.bootstrap, 'group', 'delete', groupId);
    assert.equal(del.code, 0, del.stderr);
    const d = await samsa(broker.bootstrap, 'group', 'describe', groupId);
    assert.equal(d.code, 1);
    assert.match(d.stderr, /GROUP_ID_NOT_FOUND/);
    const again = await samsa(broker.bootstrap, 'group', 'delete', groupId);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /GROUP_ID_NOT_FOUND/);
  });
});
