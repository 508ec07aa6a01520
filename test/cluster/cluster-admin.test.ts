/**
 * Admin requests in a 3-broker cluster. Manual replica assignments: CreateTopics and
 * CreatePartitions `assignments` place replicas exactly where the client asked (kafka-python and
 * KafkaJS admin), the first replica leads, and `/brokers/topics/<t>` holds that assignment.
 * Requests only a leader answers (ListOffsets, DeleteRecords, DescribeProducers) get
 * NOT_LEADER_OR_FOLLOWER from a follower, and ListOffsets fences stale leader epochs.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import type { ITopicConfig } from 'kafkajs';
import { Connection, type SendOptions } from '../../src/client/connection.js';
import { errorNameOf } from '../../src/protocol/errors.js';
import { DeleteRecords, DescribeProducers, ListOffsets } from '../../src/protocol/messages/index.js';
import type { ApiSpec } from '../../src/protocol/schema/types.js';
import { kafkaFor, uniqueTopic } from '../compat/kafkajs-client.js';
import { startCluster, zkReader } from '../helpers/cluster.js';
import { DEBIAN_PYTHON } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait-for.js';

const run = promisify(execFile);

interface KcatPartition {
  partition: number;
  leader: number;
  replicas: { id: number }[];
  isrs: { id: number }[];
}

async function partitionsOf(bootstrap: string, topic: string): Promise<KcatPartition[]> {
  const { stdout } = await run('kcat', ['-L', '-J', '-b', bootstrap, '-t', topic, '-m', '10'], {
    timeout: 30_000,
  });
  const md = JSON.parse(stdout) as { topics: { partitions: KcatPartition[] }[] };
  return [...md.topics[0]!.partitions].sort((a, b) => a.partition - b.partition);
}

test('admin requests in a cluster', { timeout: 300_000 }, async (t) => {
  const cluster = await startCluster({ brokers: 3 });
  t.after(() => cluster.cleanup());
  const bootstrap = cluster.bootstrap();
  const zk = await zkReader(cluster);
  t.after(() => zk.close());

  /** Creates topics through KafkaJS's admin client on broker 1, waiting for their leaders. */
  const createTopics = async (topics: ITopicConfig[]) => {
    const admin = kafkaFor(cluster.brokers.get(1)!.bootstrap).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics, waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
  };
  /** One request to broker `id` over a connection of its own. */
  const ask = async (id: number, spec: ApiSpec, body: object, options?: SendOptions) => {
    const [host, port] = cluster.brokers.get(id)!.bootstrap.split(':');
    const c = await Connection.connect({ host: host!, port: Number(port) });
    try {
      return await c.send(spec, body, options);
    } finally {
      c.close();
    }
  };
  /** DeleteRecords of partition 0 of `topic` below `offset`, asked of broker `id`. */
  const deleteRecords = async (id: number, topic: string, offset: bigint) =>
    (
      await ask(id, DeleteRecords, {
        topics: [{ name: topic, partitions: [{ partitionIndex: 0, offset }] }],
        timeoutMs: 5000,
      })
    ).topics[0].partitions[0];

  await t.test('kafka-python: create_topics and create_partitions with assignments', async () => {
    const topic = uniqueTopic('manual-py');
    const { stdout } = await run(
      DEBIAN_PYTHON,
      [
        '-c',
        `import json, os
from kafka.admin import KafkaAdminClient, NewTopic, NewPartitions
from kafka.errors import InvalidReplicationAssignmentError
admin = KafkaAdminClient(bootstrap_servers=os.environ["BOOTSTRAP"].split(","))
topic = os.environ["TOPIC"]
admin.create_topics([NewTopic(topic, -1, -1, replica_assignments={0: [3, 1], 1: [2, 3]})])
admin.create_partitions({topic: NewPartitions(3, [[1, 2]])})
try:
    admin.create_partitions({topic: NewPartitions(4, [[1, 10]])})
    refused = None
except InvalidReplicationAssignmentError as e:
    refused = str(e)
print(json.dumps({"refused": refused}))`,
      ],
      { timeout: 90_000, env: { ...process.env, BOOTSTRAP: bootstrap, TOPIC: topic } },
    );
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!);
    assert.match(
      out.refused ?? '',
      /Unknown broker\(s\) in replica assignment: 10/,
      'an unknown broker is refused',
    );
    const expected = [
      [3, 1],
      [2, 3],
      [1, 2],
    ];
    const zkAssignment = JSON.parse((await zk.get(`/brokers/topics/${topic}`))!.data.toString());
    assert.deepEqual(zkAssignment.partitions, { '0': [3, 1], '1': [2, 3], '2': [1, 2] });
    const partitions = await waitFor(
      async () => {
        const ps = await partitionsOf(bootstrap, topic);
        return ps.length === 3 && ps.every((p) => p.isrs.length === 2) ? ps : undefined;
      },
      { timeoutMs: 30_000, description: 'three partitions with full ISRs' },
    );
    assert.deepEqual(
      partitions.map((p) => p.replicas.map((r) => r.id)),
      expected,
    );
    // The first replica of each list is the preferred leader, and the controller elects it.
    assert.deepEqual(
      partitions.map((p) => p.leader),
      [3, 2, 1],
    );
  });

  await t.test('KafkaJS: createTopics with replicaAssignment', async () => {
    const topic = uniqueTopic('manual-js');
    await createTopics([
      {
        topic,
        replicaAssignment: [
          { partition: 0, replicas: [2, 1, 3] },
          { partition: 1, replicas: [1, 3, 2] },
        ],
      },
    ]);
    const partitions = await partitionsOf(bootstrap, topic);
    assert.deepEqual(
      partitions.map((p) => p.replicas.map((r) => r.id)),
      [
        [2, 1, 3],
        [1, 3, 2],
      ],
    );
    assert.deepEqual(
      partitions.map((p) => p.leader),
      [2, 1],
    );
  });

  await t.test('only the leader answers ListOffsets, DeleteRecords and DescribeProducers', async () => {
    const topic = uniqueTopic('leader-only');
    await createTopics([{ topic, replicaAssignment: [{ partition: 0, replicas: [2, 3] }] }]);
    const producer = kafkaFor(cluster.brokers.get(1)!.bootstrap).producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    await producer.disconnect();
    const leader = (await partitionsOf(bootstrap, topic))[0]!;
    assert.equal(leader.leader, 2);
    /** ListOffsets of partition 0 of the topic, asked of broker `id`. */
    const listOffsets = async (id: number, timestamp: bigint, currentLeaderEpoch = -1, replicaId = -1) =>
      (
        await ask(id, ListOffsets, {
          replicaId,
          isolationLevel: 0,
          topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch, timestamp }] }],
        })
      ).topics[0].partitions[0];
    const latest = (id: number, currentLeaderEpoch = -1) => listOffsets(id, -1n, currentLeaderEpoch);
    const fromLeader = await latest(2, -1);
    assert.equal(errorNameOf(fromLeader.errorCode), 'NONE');
    assert.equal(fromLeader.offset, 3n);
    const epoch = fromLeader.leaderEpoch as number;
    assert.ok(epoch >= 0, 'the latest offset carries the leader epoch');
    assert.equal(errorNameOf((await latest(2, epoch)).errorCode), 'NONE');
    if (epoch > 0) assert.equal(errorNameOf((await latest(2, epoch - 1)).errorCode), 'FENCED_LEADER_EPOCH');
    assert.equal(errorNameOf((await latest(2, epoch + 1)).errorCode), 'UNKNOWN_LEADER_EPOCH');
    assert.equal(errorNameOf((await latest(3, -1)).errorCode), 'NOT_LEADER_OR_FOLLOWER', 'follower');
    assert.equal(errorNameOf((await latest(1, -1)).errorCode), 'NOT_LEADER_OR_FOLLOWER', 'no replica');

    assert.equal(errorNameOf((await deleteRecords(3, topic, 1n)).errorCode), 'NOT_LEADER_OR_FOLLOWER');
    const producers = await ask(
      3,
      DescribeProducers,
      { topics: [{ name: topic, partitionIndexes: [0] }] },
      {
        version: 0,
      },
    );
    assert.equal(errorNameOf(producers.topics[0].partitions[0].errorCode), 'NOT_LEADER_OR_FOLLOWER');
    const deleted = await deleteRecords(2, topic, 1n);
    assert.equal(errorNameOf(deleted.errorCode), 'NONE');
    assert.equal(deleted.lowWatermark, 1n);
    // The answer waited for the in-sync follower: its log start has moved already (read on the
    // follower itself with the debugging replica id).
    const earliest = await listOffsets(3, -2n, -1, -2);
    assert.equal(errorNameOf(earliest.errorCode), 'NONE');
    assert.equal(earliest.offset, 1n);
  });

  await t.test('DeleteRecords on a compacted topic is a POLICY_VIOLATION', async () => {
    const topic = uniqueTopic('compacted');
    await createTopics([
      {
        topic,
        configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        replicaAssignment: [{ partition: 0, replicas: [1, 2] }],
      },
    ]);
    assert.equal(errorNameOf((await deleteRecords(1, topic, 0n)).errorCode), 'POLICY_VIOLATION');
  });
});
