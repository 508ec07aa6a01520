/**
 * Coordinator failover in a 3-broker cluster over a real ZooKeeper, seen by confluent-kafka: the
 * broker leading a group's `__consumer_offsets` partition, then the one leading a transactional
 * id's `__transaction_state` partition, is killed with SIGKILL; the new leader of that partition
 * takes over as coordinator from its replica of the log. Commits and transaction states are
 * acknowledged only once the ISR has them, so nothing acknowledged is lost.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { partitionForKey } from '../../src/group/group-metadata-manager.js';
import { uniqueTopic } from '../compat/kafkajs-client.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { logBytes } from '../helpers/coordinator-logs.js';
import { python, startPython } from '../helpers/python-client.js';
import { waitFor } from '../helpers/wait-for.js';

const run = promisify(execFile);

/** offsets.topic.num.partitions and transaction.state.log.num.partitions in TEST_CLUSTER_CONFIG. */
const INTERNAL_PARTITIONS = 6;

interface PartitionMetadata {
  partition: number;
  leader: number;
  replicas: { id: number }[];
}

async function partitionsOf(bootstrap: string, topic: string): Promise<PartitionMetadata[]> {
  const { stdout } = await run('kcat', ['-L', '-J', '-b', bootstrap, '-m', '10', '-t', topic], {
    timeout: 30_000,
  });
  return (
    (JSON.parse(stdout) as { topics: { partitions: PartitionMetadata[] }[] }).topics[0]?.partitions ?? []
  );
}

/** The partition's leader and replicas, once it has a live leader other than `not`. */
async function leaderOf(cluster: TestCluster, topic: string, partition: number, not = -1) {
  return waitFor(
    async () => {
      const p = (await partitionsOf(cluster.bootstrap(), topic)).find((x) => x.partition === partition);
      return p && p.leader >= 1 && p.leader !== not && cluster.brokers.has(p.leader)
        ? { leader: p.leader, replicas: p.replicas.map((r) => r.id) }
        : undefined;
    },
    { timeoutMs: 30_000, description: `a live leader of ${topic}-${partition}` },
  );
}

/** Checked at once, not waited for: an acknowledged coordinator write is on every in-sync replica. */
function assertDataOnEveryReplica(
  dataDirs: ReadonlyMap<number, string>,
  topic: string,
  partition: number,
  replicas: readonly number[],
): void {
  const bytes = replicas.map((id) => logBytes(dataDirs.get(id)!, topic, partition));
  assert.ok(
    bytes.every((n) => n > 0),
    `${topic}-${partition} on brokers ${replicas.join(', ')}: ${bytes.join(', ')} bytes`,
  );
}

/** SIGKILL; the broker stays out of `cluster.brokers` until started again. */
async function killBroker(cluster: TestCluster, id: number): Promise<void> {
  await cluster.brokers.get(id)!.kill('SIGKILL');
  cluster.brokers.delete(id);
}

const CREATE_AND_PRODUCE = `import json, os
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic
t = os.environ["TOPIC"]
a = AdminClient({"bootstrap.servers": os.environ["BOOTSTRAP"]})
a.create_topics([NewTopic(t, num_partitions=3, replication_factor=3)])[t].result(30)
p = Producer({"bootstrap.servers": os.environ["BOOTSTRAP"], "acks": "all"})
for i in range(30):
    p.produce(t, value=str(i).encode(), partition=i % 3)
left = p.flush(30)
print(json.dumps({"unsent": left}))`;

/** Consumes all 30 records, commits, prints what it committed, and waits (on stdin) to close. */
const CONSUME_AND_COMMIT = `import json, os, sys, time
from confluent_kafka import Consumer, TopicPartition
t = os.environ["TOPIC"]
c = Consumer({"bootstrap.servers": os.environ["BOOTSTRAP"], "group.id": os.environ["GROUP"], "auto.offset.reset": "earliest", "enable.auto.commit": False})
c.subscribe([t])
n = 0
deadline = time.time() + 60
while n < 30 and time.time() < deadline:
    m = c.poll(0.5)
    if m is not None and not m.error():
        n += 1
committed = c.commit(asynchronous=False)
print(json.dumps({"read": n, "committed": {str(tp.partition): tp.offset for tp in committed}}), flush=True)
sys.stdin.readline()`;

const FETCH_COMMITTED = `import json, os
from confluent_kafka import Consumer, TopicPartition
t = os.environ["TOPIC"]
c = Consumer({"bootstrap.servers": os.environ["BOOTSTRAP"], "group.id": os.environ["GROUP"], "enable.auto.commit": False})
committed = c.committed([TopicPartition(t, p) for p in range(3)], timeout=45)
c.close()
print(json.dumps({"committed": {str(tp.partition): tp.offset for tp in committed}}))`;

/** Writes 20 records in a transaction, says READY, and commits only when told to (on stdin). */
const TXN_IN_FLIGHT = `import json, os, sys
from confluent_kafka import Producer
t = os.environ["TOPIC"]
p = Producer({"bootstrap.servers": os.environ["BOOTSTRAP"], "transactional.id": os.environ["TXN_ID"], "transaction.timeout.ms": 20000})
p.init_transactions(60)
p.begin_transaction()
for i in range(20):
    p.produce(t, value=("t1-%d" % i).encode(), partition=i % 3)
p.flush(30)
print("READY", flush=True)
sys.stdin.readline()
try:
    p.commit_transaction(60)
    print(json.dumps({"committed": True}))
except Exception as e:
    print(json.dumps({"committed": False, "error": str(e)}))`;

const TXN_AFTER = `import json, os
from confluent_kafka import Producer
t = os.environ["TOPIC"]
p = Producer({"bootstrap.servers": os.environ["BOOTSTRAP"], "transactional.id": os.environ["TXN_ID"]})
p.init_transactions(60)
p.begin_transaction()
for i in range(5):
    p.produce(t, value=("t2-%d" % i).encode(), partition=i % 3)
p.commit_transaction(60)
print(json.dumps({"ok": True}))`;

/** read_committed from the start of every partition until the second transaction's 5 records are in. */
const READ_COMMITTED = `import json, os, time
from confluent_kafka import Consumer, TopicPartition
t = os.environ["TOPIC"]
c = Consumer({"bootstrap.servers": os.environ["BOOTSTRAP"], "group.id": "reader-" + t, "isolation.level": "read_committed", "enable.auto.commit": False})
c.assign([TopicPartition(t, p, 0) for p in range(3)])
values = []
deadline = time.time() + 45
while time.time() < deadline and sum(v.startswith("t2-") for v in values) < 5:
    m = c.poll(0.5)
    if m is not None and not m.error():
        values.append(m.value().decode())
c.close()
print(json.dumps({"values": values}))`;

test('coordinator failover after kill -9, with confluent-kafka', { timeout: 240_000 }, async (t) => {
  const cluster = await startCluster({ brokers: 3 });
  t.after(() => cluster.cleanup());
  // Kept across kills: a killed broker's log stays on disk.
  const dataDirs = new Map([...cluster.brokers].map(([id, b]) => [id, b.dataDir]));

  await t.test('a group keeps its committed offsets when its coordinator is killed', async () => {
    const topic = uniqueTopic('failover-offsets');
    const group = uniqueTopic('g');
    assert.deepEqual(await python(CREATE_AND_PRODUCE, cluster.bootstrap(), { TOPIC: topic }), { unsent: 0 });
    const consumer = startPython(CONSUME_AND_COMMIT, cluster.bootstrap(), { TOPIC: topic, GROUP: group });
    t.after(() => consumer.kill());
    const before = JSON.parse(await consumer.nextLine());
    assert.deepEqual(before, { read: 30, committed: { 0: 10, 1: 10, 2: 10 } });

    // The coordinator dies as soon as the commit is acknowledged: the ISR has it already.
    const partition = partitionForKey(group, INTERNAL_PARTITIONS);
    const { leader: coordinator, replicas } = await leaderOf(cluster, '__consumer_offsets', partition);
    await killBroker(cluster, coordinator);
    consumer.kill();
    assert.equal(replicas.length, 3);
    assertDataOnEveryReplica(dataDirs, '__consumer_offsets', partition, replicas);

    const { leader: next } = await leaderOf(cluster, '__consumer_offsets', partition, coordinator);
    assert.notEqual(next, coordinator);
    const after = await python(FETCH_COMMITTED, cluster.bootstrap(), { TOPIC: topic, GROUP: group });
    assert.deepEqual(after.committed, before.committed);
  });

  await t.test(
    'a transaction in flight when its coordinator is killed is never half visible; its id works again',
    async () => {
      // Three brokers again: __transaction_state is created only with as many alive as its replicas.
      for (const id of dataDirs.keys()) if (!cluster.brokers.has(id)) await cluster.startBroker(id);
      const topic = uniqueTopic('failover-txn');
      const txnId = uniqueTopic('tx');
      assert.deepEqual(await python(CREATE_AND_PRODUCE, cluster.bootstrap(), { TOPIC: topic }), {
        unsent: 0,
      });
      const producer = startPython(TXN_IN_FLIGHT, cluster.bootstrap(), { TOPIC: topic, TXN_ID: txnId });
      t.after(() => producer.kill());
      assert.equal(await producer.nextLine(), 'READY');

      const partition = partitionForKey(txnId, INTERNAL_PARTITIONS);
      const { leader: coordinator, replicas } = await leaderOf(cluster, '__transaction_state', partition);
      assert.equal(replicas.length, 3);
      await killBroker(cluster, coordinator);
      // What the coordinator acknowledged (the partitions added to the transaction) is on every replica.
      assertDataOnEveryReplica(dataDirs, '__transaction_state', partition, replicas);
      producer.send('commit');
      const outcome = await producer.result();

      const env = { TOPIC: topic, TXN_ID: txnId };
      assert.deepEqual(await python(TXN_AFTER, cluster.bootstrap(), env), { ok: true });
      const { values } = (await python(READ_COMMITTED, cluster.bootstrap(), env)) as { values: string[] };
      const first = values.filter((v) => v.startsWith('t1-')).length;
      assert.equal(values.filter((v) => v.startsWith('t2-')).length, 5, `read: ${values.join(',')}`);
      assert.ok(first === 0 || first === 20, `the first transaction is half visible: ${first} of 20`);
      if (outcome.committed) assert.equal(first, 20, 'a committed transaction is entirely visible');
      t.diagnostic(`first transaction: ${JSON.stringify(outcome)}, ${first} of its records visible`);
    },
  );
});
