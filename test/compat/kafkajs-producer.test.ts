import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Admin, Partitioners, type Producer } from 'kafkajs';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { kafkaFor, uniqueTopic } from './kafkajs-client.js';

// KafkaJS 2.2.4 admin and producer: CreateTopics, Metadata, Produce (acks=-1) and ListOffsets.
// Nothing here needs the group coordinator.
describe('KafkaJS admin and producer', { timeout: 60_000 }, () => {
  let broker: TestBroker;
  let admin: Admin;
  let producer: Producer;

  before(async () => {
    broker = await startBroker();
    const kafka = kafkaFor(broker.bootstrap);
    admin = kafka.admin();
    producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    await admin.connect();
    await producer.connect();
  });

  after(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await broker?.cleanup();
  });

  test('creates a 3-partition topic and describes it', async () => {
    const topic = uniqueTopic('kjs-create');
    assert.equal(
      await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true }),
      true,
    );
    // KafkaJS answers false when every topic already exists (TOPIC_ALREADY_EXISTS).
    assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] }), false);

    assert.ok((await admin.listTopics()).includes(topic), 'listTopics includes the new topic');
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    assert.equal(topics.length, 1);
    assert.equal(topics[0]!.name, topic);
    const partitions = [...topics[0]!.partitions].sort((a, b) => a.partitionId - b.partitionId);
    assert.deepEqual(
      partitions.map((p) => p.partitionId),
      [0, 1, 2],
    );
    for (const partition of partitions) {
      assert.equal(partition.partitionErrorCode, 0);
      assert.ok(partition.leader >= 0, `partition ${partition.partitionId} has a leader`);
      assert.ok(partition.replicas.includes(partition.leader));
      assert.ok(partition.isr.includes(partition.leader));
    }
  });

  test('produces keyed records with headers and reports their offsets per partition', async () => {
    const topic = uniqueTopic('kjs-produce');
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });

    // Explicit partitions: 4 records to partition 0, 3 to 1, 2 to 2, in two requests.
    const layout = [0, 0, 1, 2, 0, 1, 0, 2, 1];
    const first = await producer.send({
      topic,
      acks: -1,
      messages: layout.slice(0, 5).map((partition, i) => record(partition, i)),
    });
    const second = await producer.send({
      topic,
      acks: -1,
      messages: layout.slice(5).map((partition, i) => record(partition, i + 5)),
    });
    const byPartition = (result: typeof first) =>
      Object.fromEntries(
        result.map((r) => [r.partition, { errorCode: r.errorCode, baseOffset: r.baseOffset }]),
      );
    assert.deepEqual(byPartition(first), {
      0: { errorCode: 0, baseOffset: '0' },
      1: { errorCode: 0, baseOffset: '0' },
      2: { errorCode: 0, baseOffset: '0' },
    });
    assert.deepEqual(byPartition(second), {
      0: { errorCode: 0, baseOffset: '3' },
      1: { errorCode: 0, baseOffset: '1' },
      2: { errorCode: 0, baseOffset: '1' },
    });

    const offsets = await admin.fetchTopicOffsets(topic);
    assert.deepEqual(
      offsets
        .sort((a, b) => a.partition - b.partition)
        .map(({ partition, low, high }) => ({ partition, low, high })),
      [
        { partition: 0, low: '0', high: '4' },
        { partition: 1, low: '0', high: '3' },
        { partition: 2, low: '0', high: '2' },
      ],
    );
  });

  test('keyed records without a partition land on one partition per key', async () => {
    const topic = uniqueTopic('kjs-keys');
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    const keys = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
    const results = [];
    for (let round = 0; round < 3; round++) {
      results.push(
        ...(await producer.send({
          topic,
          messages: keys.map((key) => ({ key, value: `${key}-${round}` })),
        })),
      );
    }
    for (const result of results) assert.equal(result.errorCode, 0);
    const total = (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
    assert.equal(total, keys.length * 3, 'every record is counted once across the partitions');
  });

  test('finds offsets by timestamp', async () => {
    const topic = uniqueTopic('kjs-times');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const base = Date.now() - 60_000;
    await producer.send({
      topic,
      messages: Array.from({ length: 10 }, (_, i) => ({
        value: `v${i}`,
        partition: 0,
        timestamp: String(base + i * 1000),
      })),
    });
    const at = async (timestamp: number) =>
      (await admin.fetchTopicOffsetsByTimestamp(topic, timestamp)).map(({ partition, offset }) => ({
        partition,
        offset,
      }));
    // ListOffsets by time answers the first offset whose timestamp is >= the one asked.
    assert.deepEqual(await at(base - 1), [{ partition: 0, offset: '0' }]);
    assert.deepEqual(await at(base + 4500), [{ partition: 0, offset: '5' }]);
    assert.deepEqual(await at(base + 9000), [{ partition: 0, offset: '9' }]);
    // Past the last record Kafka answers -1, which KafkaJS replaces with the high watermark.
    assert.deepEqual(await at(base + 60_000), [{ partition: 0, offset: '10' }]);
  });
});

function record(partition: number, i: number) {
  return {
    partition,
    key: `key-${i}`,
    value: `value-${i}`,
    headers: { seq: String(i), source: 'kafkajs' },
  };
}
