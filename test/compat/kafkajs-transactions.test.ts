import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { waitFor } from '../helpers/wait-for.js';
import { kafkaFor, uniqueTopic } from './kafkajs-client.js';

// KafkaJS 2.2.4 transactions: send + sendOffsets + commit, send + sendOffsets + abort, and what
// read_committed and read_uncommitted consumers see of them.
describe('KafkaJS transactional producer', { timeout: 90_000 }, () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let admin: Admin;

  before(async () => {
    broker = await startBroker();
    kafka = kafkaFor(broker.bootstrap);
    admin = kafka.admin();
    await admin.connect();
  });

  after(async () => {
    await admin?.disconnect();
    await broker?.cleanup();
  });

  function transactionalProducer(transactionalId: string): Producer {
    return kafka.producer({ idempotent: true, transactionalId, maxInFlightRequests: 1 });
  }

  async function committedOffset(groupId: string, topic: string): Promise<string> {
    const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return result!.partitions.find((p) => p.partition === 0)!.offset;
  }

  /** Every value a consumer of the given isolation sees, once `count` arrived and a pause added none. */
  async function readAll(topic: string, readUncommitted: boolean, count: number): Promise<string[]> {
    const consumer: Consumer = kafka.consumer({
      groupId: uniqueTopic('kjs-txn-reader'),
      readUncommitted,
      maxWaitTimeInMs: 200,
    });
    const values: string[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value!.toString());
        },
      });
      await waitFor(() => values.length >= count, { timeoutMs: 30_000, description: `${count} records` });
      await sleep(1000);
    } finally {
      await consumer.disconnect();
    }
    return values;
  }

  test('commits records and offsets together; an abort leaves neither', async () => {
    const source = uniqueTopic('kjs-txn-src');
    const output = uniqueTopic('kjs-txn-out');
    const groupId = uniqueTopic('kjs-txn-group');
    await admin.createTopics({
      topics: [
        { topic: source, numPartitions: 1 },
        { topic: output, numPartitions: 2 },
      ],
      waitForLeaders: true,
    });
    const producer = transactionalProducer(uniqueTopic('kjs-txn'));
    await producer.connect();
    try {
      const committed = await producer.transaction();
      await committed.send({
        topic: output,
        messages: Array.from({ length: 6 }, (_, i) => ({ value: `committed-${i}` })),
      });
      await committed.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic: source, partitions: [{ partition: 0, offset: '10' }] }],
      });
      await committed.commit();
      assert.equal(await committedOffset(groupId, source), '10');

      const aborted = await producer.transaction();
      await aborted.send({
        topic: output,
        messages: Array.from({ length: 4 }, (_, i) => ({ value: `aborted-${i}` })),
      });
      await aborted.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic: source, partitions: [{ partition: 0, offset: '20' }] }],
      });
      await aborted.abort();
      assert.equal(
        await committedOffset(groupId, source),
        '10',
        'offsets of an aborted transaction never show',
      );

      // A later transaction after the abort still works, with the same producer.
      const again = await producer.transaction();
      await again.send({ topic: output, messages: [{ value: 'committed-after-abort' }] });
      await again.commit();
    } finally {
      await producer.disconnect();
    }

    const readCommitted = await readAll(output, false, 7);
    assert.deepEqual(
      readCommitted.sort(),
      [...Array.from({ length: 6 }, (_, i) => `committed-${i}`), 'committed-after-abort'].sort(),
    );
    const readUncommitted = await readAll(output, true, 11);
    assert.equal(readUncommitted.filter((v) => v.startsWith('aborted-')).length, 4);
    assert.equal(readUncommitted.length, 11);
  });

  test('a second producer with the same transactional id fences the first', async () => {
    const topic = uniqueTopic('kjs-txn-fence');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const transactionalId = uniqueTopic('kjs-fence');
    const zombie = transactionalProducer(transactionalId);
    const fresh = transactionalProducer(transactionalId);
    await zombie.connect();
    await fresh.connect();
    try {
      const old = await zombie.transaction();
      await old.send({ topic, messages: [{ value: 'zombie' }] });
      const current = await fresh.transaction();
      await current.send({ topic, messages: [{ value: 'fresh' }] });
      await assert.rejects(old.commit(), (error: Error) =>
        /fenced|epoch/i.test(`${error.name} ${error.message}`),
      );
      await current.commit();
    } finally {
      await zombie.disconnect().catch(() => {});
      await fresh.disconnect();
    }
    assert.deepEqual(await readAll(topic, false, 1), ['fresh']);
  });
});
