import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Admin, Consumer, ConsumerConfig, Kafka, Producer } from 'kafkajs';
import { ClusterClient } from '../../src/client/cluster-client.js';
import { GroupAdmin } from '../../src/client/groups.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { waitFor } from '../helpers/wait-for.js';
import { kafkaFor, uniqueTopic } from './kafkajs-client.js';

// KafkaJS 2.2.4 consumer groups: several members sharing partitions, a rebalance when one leaves,
// explicit commitOffsets, and seek. Sessions are short so rebalances settle in well under a second.
describe('KafkaJS consumer groups', { timeout: 90_000 }, () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let cluster: ClusterClient;
  const consumers: Consumer[] = [];

  before(async () => {
    broker = await startBroker();
    kafka = kafkaFor(broker.bootstrap);
    admin = kafka.admin();
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await admin.connect();
    await producer.connect();
    cluster = new ClusterClient({ brokers: broker.bootstrap });
  });

  after(async () => {
    await Promise.allSettled(consumers.map((c) => c.disconnect()));
    await producer?.disconnect();
    await admin?.disconnect();
    await cluster?.close();
    await broker?.cleanup();
  });

  function newConsumer(groupId: string, config: Partial<ConsumerConfig> = {}): Consumer {
    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: 6_000,
      rebalanceTimeout: 10_000,
      heartbeatInterval: 200,
      maxWaitTimeInMs: 100,
      retry: { retries: 5, initialRetryTime: 100 },
      ...config,
    });
    consumers.push(consumer);
    return consumer;
  }

  /** The partitions a consumer was given in its latest JoinGroup/SyncGroup round. */
  function trackAssignment(consumer: Consumer, topic: string): { partitions: number[]; crash?: Error } {
    const state: { partitions: number[]; crash?: Error } = { partitions: [] };
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      state.partitions = [...(event.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
    });
    consumer.on(consumer.events.CRASH, (event) => {
      state.crash ??= event.payload.error;
    });
    return state;
  }

  async function produce(topic: string, from: number, count: number, partitions: number): Promise<void> {
    await producer.send({
      topic,
      messages: Array.from({ length: count }, (_, i) => ({
        partition: (from + i) % partitions,
        value: String(from + i),
      })),
    });
  }

  test('three members split six partitions, read each record once, and rebalance when one leaves', async () => {
    const topic = uniqueTopic('kjs-members');
    const groupId = uniqueTopic('kjs-members-group');
    await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
    await produce(topic, 0, 600, 6);

    const seen: number[] = [];
    const members = [0, 1, 2].map(() => newConsumer(groupId));
    const states = members.map((m) => trackAssignment(m, topic));
    for (const m of members) {
      await m.connect();
      await m.subscribe({ topic, fromBeginning: true });
      await m.run({
        eachMessage: async ({ message }) => {
          seen.push(Number(message.value!.toString()));
        },
      });
    }
    const noCrash = () => {
      for (const s of states) if (s.crash) throw s.crash;
    };
    await waitFor(
      () => {
        noCrash();
        const parts = states.flatMap((s) => s.partitions).sort((a, b) => a - b);
        return states.every((s) => s.partitions.length === 2) && parts.join() === '0,1,2,3,4,5';
      },
      { timeoutMs: 20_000, description: 'two partitions for each of three members' },
    );
    await waitFor(() => new Set(seen).size >= 600, { timeoutMs: 20_000, description: '600 records' });
    noCrash();

    const description = await new GroupAdmin(cluster).describeGroup(groupId);
    assert.equal(description.state, 'Stable');
    assert.equal(description.protocol, 'RoundRobinAssigner');
    assert.equal(description.members.length, 3);
    assert.deepEqual(
      description.members.flatMap((m) => m.assignment.map((tp) => tp.partition)).sort(),
      [0, 1, 2, 3, 4, 5],
    );

    // One member leaves (LeaveGroup): the other two take over its partitions.
    await members[2]!.disconnect();
    await waitFor(
      () => {
        noCrash();
        const parts = states
          .slice(0, 2)
          .flatMap((s) => s.partitions)
          .sort((a, b) => a - b);
        return parts.join() === '0,1,2,3,4,5';
      },
      { timeoutMs: 20_000, description: 'the two remaining members to hold all six partitions' },
    );
    await produce(topic, 600, 300, 6);
    await waitFor(() => new Set(seen).size >= 900, { timeoutMs: 20_000, description: '900 records' });
    noCrash();
    // Auto-commit runs on each batch, and the leaving member committed before LeaveGroup: no re-reads.
    assert.equal(seen.length, new Set(seen).size, 'no record read twice');
    assert.deepEqual(
      [...new Set(seen)].sort((a, b) => a - b),
      Array.from({ length: 900 }, (_, i) => i),
    );
    const after = await new GroupAdmin(cluster).describeGroup(groupId);
    assert.equal(after.members.length, 2);
    await Promise.all(members.slice(0, 2).map((m) => m.disconnect()));
  });

  test('commitOffsets stores what admin.fetchOffsets and the group admin read back', async () => {
    const topic = uniqueTopic('kjs-commit');
    const groupId = uniqueTopic('kjs-commit-group');
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    await produce(topic, 0, 40, 2);

    const consumer = newConsumer(groupId);
    const state = trackAssignment(consumer, topic);
    const seen: number[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        seen.push(Number(message.value!.toString()));
      },
    });
    await waitFor(() => state.crash ?? seen.length >= 40, { timeoutMs: 20_000, description: '40 records' });
    if (state.crash) throw state.crash;
    await consumer.commitOffsets([
      { topic, partition: 0, offset: '7' },
      { topic, partition: 1, offset: '13' },
    ]);

    const fetched = await admin.fetchOffsets({ groupId, topics: [topic] });
    const offsets = fetched[0]!.partitions.sort((a, b) => a.partition - b.partition);
    assert.deepEqual(
      offsets.map((p) => [p.partition, p.offset]),
      [
        [0, '7'],
        [1, '13'],
      ],
    );
    const lag = await new GroupAdmin(cluster).describeOffsets(groupId);
    assert.deepEqual(
      lag.map((l) => [l.partition, l.committedOffset, l.logEndOffset, l.lag, l.clientId]),
      [
        [0, 7n, 20n, 13n, 'samsa-compat'],
        [1, 13n, 20n, 7n, 'samsa-compat'],
      ],
    );

    // Leaving the group keeps its committed offsets.
    await consumer.disconnect();
    const kept = await new GroupAdmin(cluster).fetchOffsets(groupId);
    assert.deepEqual(
      kept.map((o) => o.offset),
      [7n, 13n],
    );

    // A new member of the group starts at the committed offsets.
    const resumed = newConsumer(groupId);
    const again: number[] = [];
    await resumed.connect();
    await resumed.subscribe({ topic, fromBeginning: true });
    await resumed.run({
      eachMessage: async ({ message }) => {
        again.push(Number(message.value!.toString()));
      },
    });
    // Partition 0 holds the even values (offset n = value 2n), partition 1 the odd ones.
    const expected = [
      ...Array.from({ length: 13 }, (_, i) => 2 * (7 + i)),
      ...Array.from({ length: 7 }, (_, i) => 2 * (13 + i) + 1),
    ].sort((a, b) => a - b);
    await waitFor(() => again.length >= expected.length, { timeoutMs: 20_000, description: 'resumed reads' });
    assert.deepEqual(
      again.sort((a, b) => a - b),
      expected,
    );
    await resumed.disconnect();
  });

  test('seek moves a member back to an earlier offset', async () => {
    const topic = uniqueTopic('kjs-seek');
    const groupId = uniqueTopic('kjs-seek-group');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await produce(topic, 0, 20, 1);

    const consumer = newConsumer(groupId);
    const state = trackAssignment(consumer, topic);
    const seen: number[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(Number(message.value!.toString()));
      },
    });
    await waitFor(() => state.crash ?? seen.length >= 20, { timeoutMs: 20_000, description: '20 records' });
    if (state.crash) throw state.crash;
    consumer.seek({ topic, partition: 0, offset: '15' });
    await waitFor(() => seen.length >= 25, { timeoutMs: 20_000, description: 're-reads after seek' });
    assert.deepEqual(seen.slice(20), [15, 16, 17, 18, 19]);
    // seek commits the new position (KafkaJS commits it when autoCommit is on), then reading on moves it.
    await consumer.disconnect();
    const committed = await new GroupAdmin(cluster).fetchOffsets(groupId);
    assert.deepEqual(
      committed.map((o) => [o.partition, o.offset]),
      [[0, 20n]],
    );
  });
});
