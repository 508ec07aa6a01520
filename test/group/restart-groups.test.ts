import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Consumer } from 'kafkajs';
import { ClusterClient } from '../../src/client/cluster-client.js';
import { GroupAdmin } from '../../src/client/groups.js';
import { kafkaFor, uniqueTopic } from '../compat/kafkajs-client.js';
import { type BrokerProcess, startBrokerProcess } from '../helpers/broker.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

// A broker killed (SIGKILL) while a KafkaJS group is consuming comes back with its groups and
// committed offsets from __consumer_offsets: the live member carries on (or rejoins) and reads on
// from its committed offsets without re-reading, and an offsets-only group keeps its offsets.
test('groups and committed offsets survive a broker kill mid-group', { timeout: 60_000 }, async (t) => {
  const dir = makeTempDir('samsa-group-restart-');
  t.after(() => dir.cleanup());
  let broker: BrokerProcess = await startBrokerProcess({ dataDir: dir.path });
  t.after(() => broker.kill());

  const kafka = kafkaFor(broker.bootstrap, 'restart-test');
  const admin = kafka.admin();
  await admin.connect();
  const topic = uniqueTopic('restart');
  const groupId = uniqueTopic('restart-live');
  const offsetsOnly = uniqueTopic('restart-offsets-only');
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  await admin.disconnect();

  const send = async (from: number, count: number) => {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: count }, (_, i) => ({
        partition: (from + i) % 2,
        value: String(from + i),
      })),
    });
    await producer.disconnect();
  };
  await send(0, 100);

  const seen: number[] = [];
  let joins = 0;
  const consumer: Consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 200,
    maxWaitTimeInMs: 100,
    // Long enough to ride out the restart; a crash would restart the consumer anyway.
    retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 500 },
  });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joins++;
  });
  t.after(() => consumer.disconnect());
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.push(Number(message.value!.toString()));
    },
  });
  await waitFor(() => seen.length >= 100, { timeoutMs: 20_000, description: '100 records before the kill' });

  const groupsBefore = async (bootstrap: string) => {
    const cluster = new ClusterClient({ brokers: bootstrap, retries: 20, retryBackoffMs: 100 });
    try {
      const groups = new GroupAdmin(cluster);
      return {
        live: await groups.fetchOffsets(groupId),
        description: await groups.describeGroup(groupId),
        list: await groups.listGroups(),
        offsetsOnly: await groups.fetchOffsets(offsetsOnly),
      };
    } finally {
      await cluster.close();
    }
  };
  // Offsets committed from outside group management, by an admin (generation -1).
  {
    const cluster = new ClusterClient({ brokers: broker.bootstrap });
    await new GroupAdmin(cluster).commitOffsets(offsetsOnly, [
      { topic, partition: 0, offset: 11n, metadata: 'kept' },
      { topic, partition: 1, offset: 22n },
    ]);
    await cluster.close();
  }
  await waitFor(
    async () => {
      const before = await groupsBefore(broker.bootstrap);
      return before.live.map((o) => o.offset).join() === '50,50';
    },
    { timeoutMs: 10_000, description: 'the consumer to commit 50 and 50' },
  );
  const before = await groupsBefore(broker.bootstrap);
  assert.equal(before.description.state, 'Stable');
  const memberBefore = before.description.members[0]!.memberId;

  await broker.kill('SIGKILL');
  broker = await startBrokerProcess({ dataDir: dir.path, port: broker.port });

  const afterRestart = await groupsBefore(broker.bootstrap);
  assert.deepEqual(
    afterRestart.live.map((o) => [o.partition, o.offset]),
    [
      [0, 50n],
      [1, 50n],
    ],
  );
  assert.deepEqual(
    afterRestart.offsetsOnly.map((o) => [o.partition, o.offset, o.metadata]),
    [
      [0, 11n, 'kept'],
      [1, 22n, ''],
    ],
  );
  const listed = new Map(afterRestart.list.map((g) => [g.groupId, g]));
  assert.equal(listed.get(offsetsOnly)?.state, 'Empty');
  assert.equal(listed.get(groupId)?.protocolType, 'consumer');
  // The group comes back as it was last written: Stable, with the member that was consuming.
  assert.ok(
    afterRestart.description.members.some((m) => m.memberId === memberBefore) ||
      afterRestart.description.state === 'PreparingRebalance',
    `group after restart: ${JSON.stringify(afterRestart.description)}`,
  );

  // The running consumer reads on from its committed offsets: nothing before them again.
  await send(100, 50);
  await waitFor(() => seen.length >= 150, {
    timeoutMs: 30_000,
    description: '150 records after the restart',
  });
  assert.deepEqual(
    [...seen].sort((a, b) => a - b),
    Array.from({ length: 150 }, (_, i) => i),
    'each record read once',
  );
  t.diagnostic(`group joins seen by the consumer: ${joins}`);
  await consumer.disconnect();
  await broker.stop();
});
