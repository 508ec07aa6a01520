/**
 * A 3-broker cluster over a real ZooKeeper, seen by real clients: kcat (librdkafka), confluent-kafka,
 * kafka-python and KafkaJS. One ZooKeeper and one cluster for the whole file; the subtests run in
 * order and the later ones (controlled shutdown, kill -9 of the controller) change the cluster.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { partitionForKey } from '../../src/group/group-metadata-manager.js';
import { kafkaFor, uniqueTopic } from '../compat/kafkajs-client.js';
import { startCluster, zkReader } from '../helpers/cluster.js';
import { waitForDataOnReplicas } from '../helpers/coordinator-logs.js';
import { samsaBin } from '../helpers/paths.js';
import { python } from '../helpers/python-client.js';
import { waitFor } from '../helpers/wait-for.js';

const run = promisify(execFile);

interface KcatMetadata {
  controllerid: number;
  brokers: { id: number; name: string }[];
  topics: {
    topic: string;
    partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: { id: number }[] }[];
  }[];
}

async function kcatMetadata(bootstrap: string, topic?: string): Promise<KcatMetadata> {
  const args = ['-L', '-J', '-b', bootstrap, '-m', '10'];
  if (topic) args.push('-t', topic);
  const { stdout } = await run('kcat', args, { timeout: 30_000 });
  return JSON.parse(stdout) as KcatMetadata;
}

async function controllerOf(bootstrap: string): Promise<number> {
  return (await kcatMetadata(bootstrap)).controllerid;
}

test('a 3-broker cluster over ZooKeeper, with real clients', { timeout: 600_000 }, async (t) => {
  const cluster = await startCluster({ brokers: 3 });
  t.after(() => cluster.cleanup());
  const zk = await zkReader(cluster);
  t.after(() => zk.close());

  await t.test('every client sees 3 brokers and one controller', async () => {
    const md = await kcatMetadata(cluster.bootstrap());
    assert.deepEqual(md.brokers.map((b) => b.id).sort(), [1, 2, 3]);
    assert.ok([1, 2, 3].includes(md.controllerid), `controller ${md.controllerid}`);
    // Every broker, asked alone, names the same controller.
    for (const b of cluster.brokers.values()) assert.equal(await controllerOf(b.bootstrap), md.controllerid);

    const confluent = await python(
      `import json, os
from confluent_kafka.admin import AdminClient
md = AdminClient({"bootstrap.servers": os.environ["BOOTSTRAP"]}).list_topics(timeout=15)
print(json.dumps({"brokers": sorted(md.brokers), "controller": md.controller_id, "cluster": md.cluster_id}))`,
      cluster.bootstrap(),
    );
    assert.deepEqual(confluent.brokers, [1, 2, 3]);
    assert.equal(confluent.controller, md.controllerid);

    const kafkaPython = await python(
      `import json, os
from kafka import KafkaAdminClient
a = KafkaAdminClient(bootstrap_servers=os.environ["BOOTSTRAP"].split(","), request_timeout_ms=15000)
d = a.describe_cluster()
print(json.dumps({"brokers": sorted(b["node_id"] for b in d["brokers"]), "controller": d["controller_id"], "cluster": d["cluster_id"]}))`,
      cluster.bootstrap(),
    );
    assert.deepEqual(kafkaPython.brokers, [1, 2, 3]);
    assert.equal(kafkaPython.controller, md.controllerid);
    assert.equal(kafkaPython.cluster, confluent.cluster);

    const admin = kafkaFor(cluster.bootstrap().split(',')[0]!).admin();
    await admin.connect();
    try {
      const described = await admin.describeCluster();
      assert.deepEqual(described.brokers.map((b) => b.nodeId).sort(), [1, 2, 3]);
      assert.equal(described.controller, md.controllerid);
      assert.equal(described.clusterId, confluent.cluster);
    } finally {
      await admin.disconnect();
    }

    // ZooKeeper holds what an operator expects, in Kafka's JSON.
    const ids = await zk.children('/brokers/ids');
    assert.deepEqual(ids?.sort(), ['1', '2', '3']);
    const registration = JSON.parse((await zk.get('/brokers/ids/2'))!.data.toString());
    assert.equal(registration.version, 5);
    assert.deepEqual(registration.endpoints, [`PLAINTEXT://${cluster.brokers.get(2)!.bootstrap}`]);
    assert.deepEqual(registration.listener_security_protocol_map, { PLAINTEXT: 'PLAINTEXT' });
    const controller = JSON.parse((await zk.get('/controller'))!.data.toString());
    assert.equal(controller.brokerid, md.controllerid);
    assert.ok(Number((await zk.get('/controller_epoch'))!.data.toString()) >= 1);
    assert.equal(JSON.parse((await zk.get('/cluster/id'))!.data.toString()).id, confluent.cluster);
  });

  const replicated = uniqueTopic('rf3');
  await t.test(
    'a topic with RF 3 gets 3 replicas per partition and leaders spread over every broker',
    async () => {
      const { stdout } = await run(
        process.execPath,
        [
          samsaBin,
          'topic',
          'create',
          replicated,
          '--partitions',
          '6',
          '--replication-factor',
          '3',
          '--brokers',
          cluster.bootstrap(),
        ],
        { timeout: 60_000 },
      );
      assert.match(stdout, new RegExp(`${replicated}\\s+OK\\s+6\\s+3`));
      const md = await kcatMetadata(cluster.bootstrap(), replicated);
      const partitions = md.topics[0]!.partitions;
      assert.equal(partitions.length, 6);
      for (const p of partitions) {
        assert.equal(new Set(p.replicas.map((r) => r.id)).size, 3);
        assert.equal(p.isrs.length, 3);
        assert.ok(p.leader >= 1);
      }
      assert.deepEqual([...new Set(partitions.map((p) => p.leader))].sort(), [1, 2, 3]);
      const assignment = JSON.parse((await zk.get(`/brokers/topics/${replicated}`))!.data.toString());
      assert.equal(assignment.version, 3);
      assert.equal(Object.keys(assignment.partitions).length, 6);
      const state = JSON.parse(
        (await zk.get(`/brokers/topics/${replicated}/partitions/0/state`))!.data.toString(),
      );
      assert.deepEqual(Object.keys(state).sort(), [
        'controller_epoch',
        'isr',
        'leader',
        'leader_epoch',
        'version',
      ]);
      assert.equal(state.leader, partitions.find((p) => p.partition === 0)!.leader);

      // KafkaJS sees the same leaders.
      const admin = kafkaFor(cluster.bootstrap().split(',')[0]!).admin();
      await admin.connect();
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: [replicated] });
        const leaders = new Map(topics[0]!.partitions.map((p) => [p.partitionId, p.leader]));
        for (const p of partitions) assert.equal(leaders.get(p.partition), p.leader);
      } finally {
        await admin.disconnect();
      }
    },
  );

  await t.test('adding partitions: the controller gives the new ones leaders', async () => {
    await run(
      process.execPath,
      [samsaBin, 'topic', 'add-partitions', replicated, '--num', '8', '--brokers', cluster.bootstrap()],
      {
        timeout: 60_000,
      },
    );
    const md = await waitFor(
      async () => {
        const m = await kcatMetadata(cluster.bootstrap(), replicated);
        const ps = m.topics[0]!.partitions;
        return ps.length === 8 && ps.every((p) => p.leader >= 1) ? m : undefined;
      },
      { description: '8 partitions with leaders' },
    );
    for (const p of md.topics[0]!.partitions) assert.equal(new Set(p.replicas.map((r) => r.id)).size, 3);
  });

  await t.test('produce to a broker that is not the leader gets NOT_LEADER_OR_FOLLOWER', async () => {
    const md = await kcatMetadata(cluster.bootstrap(), replicated);
    const p0 = md.topics[0]!.partitions.find((p) => p.partition === 0)!;
    const follower = p0.replicas.map((r) => r.id).find((id) => id !== p0.leader)!;
    const result = await python(
      `import json, os, time
from kafka.client_async import KafkaClient
from kafka.protocol.produce import ProduceRequest
from kafka.record.memory_records import MemoryRecordsBuilder
kc = KafkaClient(bootstrap_servers=os.environ["BOOTSTRAP"].split(","), request_timeout_ms=15000)
kc.poll(future=kc.cluster.request_update(), timeout_ms=10000)
node = int(os.environ["NODE"])
deadline = time.time() + 20
while not kc.ready(node) and time.time() < deadline:
    kc.poll(timeout_ms=100)
b = MemoryRecordsBuilder(magic=2, compression_type=0, batch_size=1 << 20)
b.append(timestamp=int(time.time() * 1000), key=None, value=b"x", headers=[])
b.close()
fut = kc.send(node, ProduceRequest[7](transactional_id=None, required_acks=1, timeout=10000, topics=[(os.environ["TOPIC"], [(0, b.buffer())])]))
while not fut.is_done and time.time() < deadline:
    kc.poll(future=fut, timeout_ms=500)
print(json.dumps({"error": fut.value.topics[0][1][0][1]}))`,
      cluster.bootstrap(),
      { NODE: String(follower), TOPIC: replicated },
    );
    assert.equal(result.error, 6); // NOT_LEADER_OR_FOLLOWER
  });

  const single = uniqueTopic('rf1');
  await t.test(
    'RF 1 topic on every broker: kcat produces and consumes through any bootstrap broker',
    async () => {
      await python(
        `import json, os
from confluent_kafka.admin import AdminClient, NewTopic
a = AdminClient({"bootstrap.servers": os.environ["BOOTSTRAP"]})
a.create_topics([NewTopic(os.environ["TOPIC"], num_partitions=6, replication_factor=1)])[os.environ["TOPIC"]].result(30)
print(json.dumps({}))`,
        cluster.bootstrap(),
        { TOPIC: single },
      );
      const md = await kcatMetadata(cluster.bootstrap(), single);
      assert.deepEqual([...new Set(md.topics[0]!.partitions.map((p) => p.leader))].sort(), [1, 2, 3]);
      const lines = Array.from({ length: 60 }, (_, i) => `k${i}:v${i}`).join('\n');
      const first = cluster.brokers.get(1)!.bootstrap;
      await new Promise<void>((resolve, reject) => {
        const child = execFile(
          'kcat',
          ['-P', '-b', first, '-t', single, '-K', ':'],
          { timeout: 30_000 },
          (err) => (err ? reject(err) : resolve()),
        );
        child.stdin!.end(`${lines}\n`);
      });
      const { stdout } = await run(
        'kcat',
        ['-C', '-b', cluster.brokers.get(3)!.bootstrap, '-t', single, '-e', '-q', '-f', '%k:%s\\n'],
        {
          timeout: 30_000,
        },
      );
      assert.deepEqual(stdout.trim().split('\n').sort(), lines.split('\n').sort());
      // Each broker holds logs only for the partitions it is a replica of.
      for (const [id, b] of cluster.brokers) {
        const own = readdirSync(b.dataDir).filter((d) => d.startsWith(`${single}-`));
        const expected = md.topics[0]!.partitions.filter((p) => p.leader === id).map(
          (p) => `${single}-${p.partition}`,
        );
        assert.deepEqual(own.sort(), expected.sort(), `broker ${id} logs`);
      }
    },
  );

  await t.test(
    'a consumer group works across the cluster (coordinator on the __consumer_offsets leader)',
    async () => {
      const group = uniqueTopic('g');
      const result = await python(
        `import json, os, time
from confluent_kafka import Consumer, TopicPartition
c = Consumer({"bootstrap.servers": os.environ["BOOTSTRAP"], "group.id": os.environ["GROUP"], "auto.offset.reset": "earliest", "enable.auto.commit": False})
c.subscribe([os.environ["TOPIC"]])
n = 0
deadline = time.time() + 60
while n < 60 and time.time() < deadline:
    m = c.poll(0.5)
    if m is not None and not m.error():
        n += 1
c.commit(asynchronous=False)
committed = c.committed([TopicPartition(os.environ["TOPIC"], p) for p in range(6)], timeout=15)
c.close()
print(json.dumps({"read": n, "committed": sum(tp.offset for tp in committed)}))`,
        cluster.bootstrap(),
        { TOPIC: single, GROUP: group },
      );
      assert.deepEqual(result, { read: 60, committed: 60 });
      const offsets = await kcatMetadata(cluster.bootstrap(), '__consumer_offsets');
      const partitions = offsets.topics[0]!.partitions;
      assert.equal(partitions.length, 6); // offsets.topic.num.partitions in TEST_CLUSTER_CONFIG
      for (const p of partitions) assert.equal(p.replicas.length, 3); // offsets.topic.replication.factor
      // The commits replicate: every replica of the group's partition (Kafka's partitionFor) holds them.
      const partition = partitionForKey(group, partitions.length);
      const replicas = partitions.find((p) => p.partition === partition)!.replicas.map((r) => r.id);
      assert.deepEqual(replicas.sort(), [1, 2, 3]);
      await waitForDataOnReplicas(cluster, '__consumer_offsets', partition, replicas);
    },
  );

  await t.test('deleting a topic removes it from ZooKeeper, every broker and every data dir', async () => {
    await python(
      `import json, os
from confluent_kafka.admin import AdminClient
a = AdminClient({"bootstrap.servers": os.environ["BOOTSTRAP"]})
a.delete_topics([os.environ["TOPIC"]])[os.environ["TOPIC"]].result(30)
print(json.dumps({}))`,
      cluster.brokers.get(2)!.bootstrap,
      { TOPIC: single },
    );
    for (const b of cluster.brokers.values()) {
      await waitFor(async () => !(await kcatMetadata(b.bootstrap)).topics.some((x) => x.topic === single), {
        description: `broker at ${b.bootstrap} to forget ${single}`,
      });
      await waitFor(
        () => !readdirSync(b.dataDir).some((d) => d.startsWith(`${single}-`) && !d.endsWith('-delete')),
        {
          description: `logs of ${single} gone from ${b.dataDir}`,
        },
      );
    }
    assert.equal(await zk.get(`/brokers/topics/${single}`), undefined);
    assert.equal(await zk.get(`/config/topics/${single}`), undefined);
    assert.deepEqual(await zk.children('/admin/delete_topics'), []);
  });

  await t.test('SIGTERM is a controlled shutdown: leadership moves off before the broker exits', async () => {
    const controller = await controllerOf(cluster.bootstrap());
    const victim = [1, 2, 3].find((id) => id !== controller)!;
    const before = await kcatMetadata(cluster.bootstrap(), replicated);
    assert.ok(before.topics[0]!.partitions.some((p) => p.leader === victim));
    const status = await cluster.brokers.get(victim)!.kill('SIGTERM');
    assert.equal(status.code, 0);
    cluster.brokers.delete(victim);
    // At once (no session timeout to wait for), nothing is led by the stopped broker.
    const after = await kcatMetadata(cluster.bootstrap(), replicated);
    for (const p of after.topics[0]!.partitions) {
      assert.notEqual(p.leader, victim);
      assert.ok(p.leader >= 1, `partition ${p.partition} has a leader`);
      assert.ok(!p.isrs.some((r) => r.id === victim), `partition ${p.partition} ISR without ${victim}`);
    }
    await cluster.startBroker(victim);
    await waitFor(async () => (await kcatMetadata(cluster.bootstrap())).brokers.length === 3, {
      description: 'the broker to register again',
    });
  });

  await t.test(
    'kill -9 of the controller: another broker takes over and rebuilds from ZooKeeper',
    async () => {
      const controller = await controllerOf(cluster.bootstrap());
      const epochBefore = Number((await zk.get('/controller_epoch'))!.data.toString());
      await cluster.brokers.get(controller)!.kill('SIGKILL');
      cluster.brokers.delete(controller);
      const next = await waitFor(
        async () => {
          const c = await controllerOf(cluster.bootstrap());
          return c >= 1 && c !== controller ? c : undefined;
        },
        { timeoutMs: 30_000, description: 'a new controller' },
      );
      assert.ok(cluster.brokers.has(next));
      assert.ok(Number((await zk.get('/controller_epoch'))!.data.toString()) > epochBefore);
      // The partitions the dead broker led have live leaders from their ISR.
      await waitFor(
        async () => {
          const md = await kcatMetadata(cluster.bootstrap(), replicated);
          return md.topics[0]!.partitions.every((p) => p.leader >= 1 && p.leader !== controller);
        },
        { timeoutMs: 30_000, description: 'new leaders for the dead controller partitions' },
      );
      // The new controller serves topic changes.
      const after = uniqueTopic('after-failover');
      await run(
        process.execPath,
        [
          samsaBin,
          'topic',
          'create',
          after,
          '--partitions',
          '4',
          '--replication-factor',
          '2',
          '--brokers',
          cluster.bootstrap(),
        ],
        { timeout: 60_000 },
      );
      const md = await kcatMetadata(cluster.bootstrap(), after);
      assert.equal(md.topics[0]!.partitions.length, 4);
      for (const p of md.topics[0]!.partitions) assert.ok(p.leader >= 1 && p.leader !== controller);
    },
  );
});
