import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Admin } from '../../src/client/admin.js';
import { ClusterClient, parseBrokerList } from '../../src/client/cluster-client.js';
import { Consumer, type ConsumerRecord } from '../../src/client/consumer.js';
import { partitionForKey } from '../../src/client/partitioner.js';
import { Producer } from '../../src/client/producer.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';

async function collect(
  consumer: Consumer,
  options: Parameters<Consumer['records']>[0],
): Promise<ConsumerRecord[]> {
  const out: ConsumerRecord[] = [];
  for await (const r of consumer.records(options)) out.push(r);
  return out;
}

describe('client against a broker', () => {
  let broker: TestBroker;
  let cluster: ClusterClient;
  let admin: Admin;

  before(async () => {
    broker = await startBroker();
    cluster = new ClusterClient({ brokers: broker.bootstrap });
    admin = new Admin(cluster);
  });
  after(async () => {
    await cluster.close();
    await broker.cleanup();
  });

  it('creates, lists, describes, grows and deletes topics', async () => {
    const [created] = await admin.createTopics([{ name: 'admin-a', numPartitions: 2, replicationFactor: 1 }]);
    assert.equal(created!.numPartitions, 2);
    assert.ok((await admin.listTopics()).some((t) => t.name === 'admin-a'));
    const [described] = await admin.describeTopics(['admin-a']);
    assert.deepEqual(
      described!.partitions.map((p) => [p.partition, p.replicas.length, p.isr.length]),
      [
        [0, 1, 1],
        [1, 1, 1],
      ],
    );
    await admin.createPartitions('admin-a', 4);
    assert.equal((await admin.describeTopics(['admin-a']))[0]!.partitions.length, 4);
    await assert.rejects(admin.createTopics([{ name: 'admin-a' }]), { kafkaError: 'TOPIC_ALREADY_EXISTS' });
    const outcomes = await admin.deleteTopics(['admin-a', 'admin-missing']);
    assert.equal(outcomes.find((o) => o.name === 'admin-a')!.error, null);
    assert.equal(
      outcomes.find((o) => o.name === 'admin-missing')!.error!.kafkaError,
      'UNKNOWN_TOPIC_OR_PARTITION',
    );
    await assert.rejects(admin.describeTopics(['admin-a']), { kafkaError: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });

  it('reports config sources and applies incremental config changes', async () => {
    await admin.createTopics([
      { name: 'admin-configs', numPartitions: 1, configs: { 'retention.ms': '123456' } },
    ]);
    const before = await admin.describeConfigs({ type: 'topic', name: 'admin-configs' });
    assert.deepEqual(
      before.find((c) => c.name === 'retention.ms'),
      {
        name: 'retention.ms',
        value: '123456',
        source: 'DYNAMIC_TOPIC_CONFIG',
        readOnly: false,
        isSensitive: false,
      },
    );
    assert.equal(before.find((c) => c.name === 'compression.type')!.source, 'DEFAULT_CONFIG');
    await admin.incrementalAlterConfigs({ type: 'topic', name: 'admin-configs' }, [
      { name: 'cleanup.policy', op: 'set', value: 'compact' },
      { name: 'retention.ms', op: 'delete' },
    ]);
    const afterChange = await admin.describeConfigs({ type: 'topic', name: 'admin-configs' }, [
      'cleanup.policy',
      'retention.ms',
    ]);
    assert.deepEqual(afterChange.map((c) => [c.name, c.value, c.source]).sort(), [
      ['cleanup.policy', 'compact', 'DYNAMIC_TOPIC_CONFIG'],
      ['retention.ms', '604800000', 'DEFAULT_CONFIG'],
    ]);
    await assert.rejects(admin.describeConfigs({ type: 'topic', name: 'no-such-topic' }), {
      kafkaError: 'UNKNOWN_TOPIC_OR_PARTITION',
    });
  });

  it('partitions keyed records by murmur2 and reads them back with headers', async () => {
    await admin.createTopics([{ name: 'keyed', numPartitions: 3 }]);
    const producer = new Producer(cluster);
    const keys = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];
    const sent = await producer.sendBatch(
      keys.map((key, i) => ({
        topic: 'keyed',
        key,
        value: `v${i}`,
        headers: [{ key: 'h', value: `${i}` }],
      })),
    );
    for (const [i, m] of sent.entries()) assert.equal(m.partition, partitionForKey(Buffer.from(keys[i]!), 3));

    const consumer = new Consumer(cluster);
    await consumer.assign([{ topic: 'keyed', offset: 'earliest' }]);
    const records = await collect(consumer, { stopAtEnd: true });
    assert.equal(records.length, keys.length);
    for (const r of records) {
      const i = keys.indexOf(r.key!.toString());
      assert.equal(r.partition, sent[i]!.partition);
      assert.equal(r.offset, sent[i]!.offset);
      assert.equal(r.value!.toString(), `v${i}`);
      assert.deepEqual(
        r.headers.map((h) => [h.key, h.value?.toString()]),
        [['h', `${i}`]],
      );
    }
  });

  it('starts from an offset, from a timestamp, and stops after a count', async () => {
    await admin.createTopics([{ name: 'timed', numPartitions: 1 }]);
    const producer = new Producer(cluster, { acks: 1 });
    await producer.sendBatch(
      [1000, 2000, 3000, 4000].map((timestamp, i) => ({ topic: 'timed', value: `r${i}`, timestamp })),
    );
    const fromTime = new Consumer(cluster);
    await fromTime.assign([{ topic: 'timed', partition: 0, offset: { timestamp: 2500n } }]);
    assert.equal(fromTime.position('timed', 0), 2n);
    const timed = await collect(fromTime, { stopAtEnd: true });
    assert.deepEqual(
      timed.map((r) => [r.offset, r.timestamp, r.value!.toString()]),
      [
        [2n, 3000n, 'r2'],
        [3n, 4000n, 'r3'],
      ],
    );

    const fromOffset = new Consumer(cluster);
    await fromOffset.assign([{ topic: 'timed', partition: 0, offset: 1n }]);
    const two = await collect(fromOffset, { maxRecords: 2 });
    assert.deepEqual(
      two.map((r) => r.offset),
      [1n, 2n],
    );
    assert.equal(fromOffset.position('timed', 0), 3n);

    const pastEnd = new Consumer(cluster);
    await pastEnd.assign([{ topic: 'timed', partition: 0, offset: { timestamp: 99_999n } }]);
    assert.equal(pastEnd.position('timed', 0), 4n);

    const earliest = await admin.listOffsets([{ topic: 'timed', partition: 0, spec: 'earliest' }]);
    const latest = await admin.listOffsets([{ topic: 'timed', partition: 0, spec: 'latest' }]);
    assert.equal(earliest[0]!.offset, 0n);
    assert.equal(latest[0]!.offset, 4n);
  });

  it('throws OFFSET_OUT_OF_RANGE past the end unless told to reset', async () => {
    await admin.createTopics([{ name: 'ranged', numPartitions: 1 }]);
    await new Producer(cluster).sendBatch([{ topic: 'ranged', value: 'x' }]);
    const strict = new Consumer(cluster);
    await strict.assign([{ topic: 'ranged', partition: 0, offset: 10n }]);
    await assert.rejects(collect(strict, { stopAtEnd: true }), { kafkaError: 'OFFSET_OUT_OF_RANGE' });
    const lenient = new Consumer(cluster, { offsetReset: 'nearest' });
    await lenient.assign([{ topic: 'ranged', partition: 0, offset: 10n }]);
    assert.deepEqual(await collect(lenient, { stopAtEnd: true }), []);
    assert.equal(lenient.position('ranged', 0), 1n);
  });

  it('sends with acks=0 without waiting for an answer', async () => {
    await admin.createTopics([{ name: 'fire', numPartitions: 1 }]);
    const producer = new Producer(cluster, { acks: 0 });
    const sent = await producer.sendBatch([
      { topic: 'fire', value: 'a' },
      { topic: 'fire', value: 'b' },
    ]);
    assert.deepEqual(
      sent.map((m) => m.offset),
      [-1n, -1n],
    );
    const consumer = new Consumer(cluster);
    await consumer.assign([{ topic: 'fire', offset: 'earliest' }]);
    const records = await collect(consumer, { maxRecords: 2, idleTimeoutMs: 5_000 });
    assert.deepEqual(
      records.map((r) => r.value!.toString()),
      ['a', 'b'],
    );
  });

  it('describes the cluster from metadata', async () => {
    const info = await admin.describeCluster();
    assert.equal(info.brokers.length, 1);
    assert.equal(`${info.brokers[0]!.host}:${info.brokers[0]!.port}`, broker.bootstrap);
    assert.equal(info.controllerId, info.brokers[0]!.nodeId);
    assert.ok(info.clusterId);
  });

  it('rejects a partition the topic does not have', async () => {
    await admin.createTopics([{ name: 'narrow', numPartitions: 1 }]);
    await assert.rejects(new Producer(cluster).send({ topic: 'narrow', partition: 5, value: 'x' }), {
      kafkaError: 'UNKNOWN_TOPIC_OR_PARTITION',
    });
  });
});

describe('parseBrokerList', () => {
  it('splits host:port lists, defaulting the port to 9092', () => {
    assert.deepEqual(parseBrokerList('a:1, b ,[::1]:3'), [
      { host: 'a', port: 1 },
      { host: 'b', port: 9092 },
      { host: '::1', port: 3 },
    ]);
    assert.throws(() => parseBrokerList('a:notaport'), { kafkaError: 'NETWORK_EXCEPTION' });
  });
});
