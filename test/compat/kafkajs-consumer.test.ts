import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Admin, Consumer, EachMessagePayload, Kafka, Producer } from 'kafkajs';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { waitFor } from '../helpers/wait-for.js';
import { kafkaFor, uniqueTopic } from './kafkajs-client.js';

// KafkaJS 2.2.4 consumers: group membership (FindCoordinator, JoinGroup, SyncGroup, Heartbeat,
// OffsetFetch/Commit) and Fetch, reading what a KafkaJS producer wrote.
describe('KafkaJS consumer', { timeout: 90_000 }, () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;

  before(async () => {
    broker = await startBroker();
    kafka = kafkaFor(broker.bootstrap);
    admin = kafka.admin();
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await admin.connect();
    await producer.connect();
  });

  after(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await broker?.cleanup();
  });

  /** A consumer in a fresh group with short timeouts; the test's `after` hook disconnects it. */
  function newConsumer(): Consumer {
    return kafka.consumer({
      groupId: uniqueTopic('kjs-group'),
      sessionTimeout: 10_000,
      heartbeatInterval: 500,
      maxWaitTimeInMs: 200,
      retry: { retries: 2, initialRetryTime: 100 },
    });
  }

  /**
   * Runs `consumer`, calls `start` once it has joined its group, and collects messages until
   * `count` arrived. A consumer crash (KafkaJS gives up on an error) fails at once with its cause.
   */
  async function collect(consumer: Consumer, count: number, start: () => void = () => {}) {
    const received: EachMessagePayload[] = [];
    let crash: Error | undefined;
    consumer.on(consumer.events.CRASH, (event) => {
      crash ??= event.payload.error;
    });
    const failIfCrashed = () => {
      if (crash) throw new Error(`KafkaJS consumer crashed: ${crash.message}`, { cause: crash });
    };
    await consumer.run({
      eachMessage: async (payload) => {
        received.push(payload);
      },
    });
    failIfCrashed();
    start();
    await waitFor(() => crash !== undefined || received.length >= count, {
      timeoutMs: 30_000,
      description: `${count} messages`,
    }).catch((error: Error) => {
      throw new Error(`${error.message} (received ${received.length})`, { cause: error });
    });
    failIfCrashed();
    return received;
  }

  test('reads keys, values, headers, partitions and offsets back from the beginning', async (t) => {
    const topic = uniqueTopic('kjs-consume');
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    const sent = Array.from({ length: 30 }, (_, i) => ({
      partition: i % 3,
      key: `key-${i}`,
      value: `value-${i}`,
      headers: { seq: String(i), 'content-type': 'text/plain' },
    }));
    // Two requests, so each partition holds more than one batch.
    await producer.send({ topic, acks: -1, messages: sent.slice(0, 15) });
    await producer.send({ topic, acks: -1, messages: sent.slice(15) });

    const consumer = newConsumer();
    t.after(() => consumer.disconnect());
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const received = await collect(consumer, sent.length);

    assert.equal(received.length, sent.length, 'no record delivered twice');
    for (const partition of [0, 1, 2]) {
      const inPartition = received.filter((r) => r.partition === partition);
      const expected = sent.filter((s) => s.partition === partition);
      assert.deepEqual(
        inPartition.map((r) => r.message.offset),
        expected.map((_, offset) => String(offset)),
        `partition ${partition}: offsets are consecutive from 0, in order`,
      );
      assert.deepEqual(
        inPartition.map((r) => ({
          key: r.message.key?.toString(),
          value: r.message.value?.toString(),
          seq: r.message.headers?.seq?.toString(),
          contentType: r.message.headers?.['content-type']?.toString(),
        })),
        expected.map((s) => ({
          key: s.key,
          value: s.value,
          seq: s.headers.seq,
          contentType: 'text/plain',
        })),
        `partition ${partition}: keys, values and headers as sent, in send order`,
      );
    }
    for (const r of received) {
      assert.equal(r.topic, topic);
      const timestamp = Number(r.message.timestamp);
      assert.ok(Math.abs(timestamp - Date.now()) < 60_000, `timestamp ${r.message.timestamp} is recent`);
    }
  });

  test('starts a partition at the offset given to seek', async (t) => {
    const topic = uniqueTopic('kjs-seek');
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 30 }, (_, i) => ({ partition: i % 3, key: `k${i}`, value: `v${i}` })),
    });

    const consumer = newConsumer();
    t.after(() => consumer.disconnect());
    await consumer.connect();
    // A fresh group starting at the latest offsets: only the seeks below can deliver anything.
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    // Partition 0 from offset 6 (4 records: 6..9), partition 1 from its first record (10 records).
    const received = await collect(consumer, 14, () => {
      consumer.seek({ topic, partition: 0, offset: '6' });
      consumer.seek({ topic, partition: 1, offset: '0' });
    });

    const offsetsOf = (partition: number) =>
      received.filter((r) => r.partition === partition).map((r) => Number(r.message.offset));
    assert.deepEqual(offsetsOf(0), [6, 7, 8, 9]);
    assert.deepEqual(offsetsOf(1), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(offsetsOf(2), [], 'partition 2 starts at its end');
    // Partition 0 holds records 0, 3, 6, ... so its offset 6 is record 18.
    assert.equal(received.find((r) => r.partition === 0)!.message.value?.toString(), 'v18');
  });
});
