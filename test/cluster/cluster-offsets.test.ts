/**
 * Offset lookups and DeleteRecords with real clients against a 3-broker cluster whose three
 * partition leaders are three different brokers: each client must send each partition's
 * ListOffsets / DeleteRecords to that partition's leader, as it learns it from Metadata.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ListOffsets, Metadata } from '../../src/protocol/messages/index.js';
import { kafkaFor, uniqueTopic } from '../compat/kafkajs-client.js';
import { startCluster } from '../helpers/cluster.js';
import { python } from '../helpers/python-client.js';
import { requestOnce } from '../helpers/request-once.js';
import { waitFor } from '../helpers/wait-for.js';

const RECORDS_PER_PARTITION = 10;

test('offset lookups and DeleteRecords with leaders on three brokers', { timeout: 300_000 }, async (t) => {
  const cluster = await startCluster({ brokers: 3 });
  t.after(() => cluster.cleanup());
  const bootstrap = cluster.bootstrap();
  /** One request to broker `id` over a connection of its own. */
  const ask = (id: number, spec: typeof Metadata | typeof ListOffsets, body: object) =>
    requestOnce(cluster.brokers.get(id)!.bootstrap, spec, body);

  const topic = uniqueTopic('spread-offsets');
  const kafka = kafkaFor(cluster.brokers.get(1)!.bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  t.after(() => admin.disconnect());
  await admin.createTopics({
    topics: [
      {
        topic,
        replicaAssignment: [
          { partition: 0, replicas: [1, 2] },
          { partition: 1, replicas: [2, 3] },
          { partition: 2, replicas: [3, 1] },
        ],
      },
    ],
    waitForLeaders: true,
  });
  const leaders = await waitFor(
    async () => {
      const md = await ask(1, Metadata, { topics: [{ name: topic }], allowAutoTopicCreation: false });
      const ps = [...md.topics[0].partitions].sort(
        (a: { partitionIndex: number }, b: { partitionIndex: number }) => a.partitionIndex - b.partitionIndex,
      );
      const full = ps.length === 3 && ps.every((p: { isrNodes: number[] }) => p.isrNodes.length === 2);
      return full ? ps.map((p: { leaderId: number }) => p.leaderId) : undefined;
    },
    { timeoutMs: 30_000, description: 'three partitions with full ISRs' },
  );
  assert.deepEqual(leaders, [1, 2, 3], 'each partition is led by a different broker');

  // Ten records a partition, one second apart in CreateTime: record i of every partition at base + i s.
  const base = Date.now() - 600_000;
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: [0, 1, 2].flatMap((partition) =>
        Array.from({ length: RECORDS_PER_PARTITION }, (_, i) => ({
          partition,
          value: `p${partition}-${i}`,
          timestamp: String(base + i * 1000),
        })),
      ),
    });
  } finally {
    await producer.disconnect();
  }

  await t.test('KafkaJS: fetchTopicOffsets and fetchTopicOffsetsByTimestamp ask each leader', async () => {
    const offsets = await admin.fetchTopicOffsets(topic);
    assert.deepEqual(offsets.map(({ partition, low, high }) => [partition, low, high]).sort(), [
      [0, '0', '10'],
      [1, '0', '10'],
      [2, '0', '10'],
    ]);
    const at = async (timestamp: number) =>
      (await admin.fetchTopicOffsetsByTimestamp(topic, timestamp))
        .map(({ partition, offset }) => [partition, offset])
        .sort();
    assert.deepEqual(await at(base + 4500), [
      [0, '5'],
      [1, '5'],
      [2, '5'],
    ]);
  });

  await t.test('KafkaJS: deleteTopicRecords on each leader', async () => {
    // KafkaJS 2.2.4 looks the leaders up in its cached metadata before it loads the topic into it
    // (admin/index.js: findLeaderForPartitions precedes fetchTopicOffsets), so on an admin client
    // that has not yet looked at the topic every partition fails with KafkaJSBrokerNotFound, whatever
    // the broker. This admin has: fetchTopicOffsets above loaded the topic.
    await admin.deleteTopicRecords({
      topic,
      partitions: [
        { partition: 0, offset: '3' },
        { partition: 1, offset: '4' },
        { partition: 2, offset: '-1' },
      ],
    });
    const offsets = await admin.fetchTopicOffsets(topic);
    assert.deepEqual(offsets.map(({ partition, low, high }) => [partition, low, high]).sort(), [
      [0, '3', '10'],
      [1, '4', '10'],
      [2, '10', '10'],
    ]);
    // DeleteRecords answered once the in-sync follower had moved its log start too (read on the
    // follower itself with the debugging replica id).
    const followers = [2, 3, 1];
    const expectedStart = [3n, 4n, 10n];
    for (const partition of [0, 1, 2]) {
      const res = await ask(followers[partition]!, ListOffsets, {
        replicaId: -2,
        isolationLevel: 0,
        topics: [
          {
            name: topic,
            partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp: -2n }],
          },
        ],
      });
      const answer = res.topics[0].partitions[0];
      assert.equal(answer.errorCode, ErrorCode.NONE);
      assert.equal(answer.offset, expectedStart[partition], `follower of partition ${partition}`);
    }
  });

  await t.test('kafka-python: beginning_offsets, end_offsets and offsets_for_times', async () => {
    const out = await python(
      `import json, os
from kafka import KafkaConsumer, TopicPartition
c = KafkaConsumer(bootstrap_servers=os.environ["BOOTSTRAP"].split(","))
tps = [TopicPartition(os.environ["TOPIC"], p) for p in range(3)]
base = int(os.environ["BASE"])
def times(ts):
    found = c.offsets_for_times({tp: ts for tp in tps})
    return [None if found[tp] is None else [found[tp].offset, found[tp].timestamp] for tp in tps]
out = {
  "beginning": [c.beginning_offsets(tps)[tp] for tp in tps],
  "end": [c.end_offsets(tps)[tp] for tp in tps],
  "before_all": times(base - 1),
  "middle": times(base + 4500),
  "after_all": times(base + 60000),
}
c.close()
print(json.dumps(out))`,
      bootstrap,
      { TOPIC: topic, BASE: String(base) },
    );
    assert.deepEqual(out.beginning, [3, 4, 10]);
    assert.deepEqual(out.end, [10, 10, 10]);
    // The first record at or after the time, from the log start on: deleted records are not found.
    assert.deepEqual(out.before_all, [[3, base + 3000], [4, base + 4000], null]);
    assert.deepEqual(out.middle, [[5, base + 5000], [5, base + 5000], null]);
    assert.deepEqual(out.after_all, [null, null, null]);
  });

  await t.test('confluent-kafka: get_watermark_offsets and offsets_for_times', async () => {
    // confluent-kafka 1.7.0 (Debian's) has no AdminClient.list_offsets (2.3+): its consumer's
    // lookups send the same ListOffsets to each leader.
    const out = await python(
      `import json, os
from confluent_kafka import Consumer, TopicPartition
c = Consumer({"bootstrap.servers": os.environ["BOOTSTRAP"], "group.id": "unused-" + os.environ["TOPIC"]})
topic = os.environ["TOPIC"]
base = int(os.environ["BASE"])
def times(ts):
    found = c.offsets_for_times([TopicPartition(topic, p, ts) for p in range(3)], timeout=15)
    return [[tp.offset, tp.error.code() if tp.error else 0] for tp in sorted(found, key=lambda tp: tp.partition)]
out = {
  "watermarks": [list(c.get_watermark_offsets(TopicPartition(topic, p), timeout=15, cached=False)) for p in range(3)],
  "before_all": times(base - 1),
  "middle": times(base + 4500),
}
c.close()
print(json.dumps(out))`,
      bootstrap,
      { TOPIC: topic, BASE: String(base) },
    );
    assert.deepEqual(out.watermarks, [
      [3, 10],
      [4, 10],
      [10, 10],
    ]);
    // librdkafka reports "no such offset" as -1 (OFFSET_END).
    assert.deepEqual(out.before_all, [
      [3, 0],
      [4, 0],
      [-1, 0],
    ]);
    assert.deepEqual(out.middle, [
      [5, 0],
      [5, 0],
      [-1, 0],
    ]);
  });
});
