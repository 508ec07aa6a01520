/**
 * Manual replica assignments in a cluster: CreateTopics `assignments` and CreatePartitions
 * `assignments` place replicas exactly where the client asked (kafka-python and KafkaJS admin), the
 * first replica leads, and ZooKeeper's `/brokers/topics/<t>` holds that assignment.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { ZkClient } from '../../src/cluster/zookeeper/zk-client.js';
import { silentLogger } from '../../src/util/logger.js';
import { kafkaFor, uniqueTopic } from '../compat/kafkajs-client.js';
import { startCluster } from '../helpers/cluster.js';
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

test('manual replica assignments are honoured in a cluster', { timeout: 300_000 }, async (t) => {
  const cluster = await startCluster({ brokers: 3 });
  t.after(() => cluster.cleanup());
  const bootstrap = cluster.bootstrap();
  const zk = new ZkClient({
    connect: cluster.zookeeperConnect,
    sessionTimeoutMs: 10_000,
    connectionTimeoutMs: 10_000,
    logger: silentLogger(),
  });
  await zk.start();
  t.after(() => zk.close());

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
    const admin = kafkaFor(cluster.brokers.get(1)!.bootstrap).admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [
          {
            topic,
            replicaAssignment: [
              { partition: 0, replicas: [2, 1, 3] },
              { partition: 1, replicas: [1, 3, 2] },
            ],
          },
        ],
        waitForLeaders: true,
      });
    } finally {
      await admin.disconnect();
    }
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
});
