/**
 * Metadata for a client on a listener that not every broker has. Brokers 1 and 2 listen on
 * PLAINTEXT and EXTERNAL, broker 3 on PLAINTEXT only. A client on EXTERNAL is answered as Kafka's
 * ZooKeeper-mode metadata cache answers it: only brokers 1 and 2 are listed; a partition led by
 * broker 3 has leader -1 with LISTENER_NOT_FOUND from Metadata v6 (LEADER_NOT_AVAILABLE before);
 * and v0 alone leaves replica 3 out of replicas and ISR, with REPLICA_NOT_AVAILABLE where the
 * leader is reachable. A leader that is down is LEADER_NOT_AVAILABLE at every version, and a group
 * coordinator on broker 3 is COORDINATOR_NOT_AVAILABLE on EXTERNAL.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { OFFSETS_TOPIC_NAME } from '../../src/cluster/internal-topics.js';
import { partitionForKey } from '../../src/group/group-metadata-manager.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { FindCoordinator, Metadata } from '../../src/protocol/messages/index.js';
import { kafkaFor, uniqueTopic } from '../compat/kafkajs-client.js';
import { startCluster } from '../helpers/cluster.js';
import { python } from '../helpers/python-client.js';
import { requestOnce } from '../helpers/request-once.js';
import { waitFor } from '../helpers/wait-for.js';

const run = promisify(execFile);

const PROTOCOL_MAP = 'PLAINTEXT:PLAINTEXT,EXTERNAL:PLAINTEXT';

interface PartitionAnswer {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  replicaNodes: number[];
  isrNodes: number[];
}

interface MetadataAnswer {
  controllerId: number;
  brokers: { nodeId: number; host: string; port: number }[];
  topics: { errorCode: number; name: string; partitions: PartitionAnswer[] }[];
}

/** Metadata of `topic` at `version`, asked over its own connection to `address`. */
function metadataAt(address: string, topic: string, version: number): Promise<MetadataAnswer> {
  return requestOnce(
    address,
    Metadata,
    { topics: [{ name: topic }], allowAutoTopicCreation: false },
    { version },
  );
}

/** FindCoordinator (v3, one key) of group `group`, asked of `address`. */
async function coordinatorAt(address: string, group: string) {
  const res = await requestOnce(address, FindCoordinator, { key: group, keyType: 0 }, { version: 3 });
  return {
    errorCode: res.errorCode as number,
    nodeId: res.nodeId as number,
    address: `${res.host}:${res.port}`,
  };
}

/** The partitions of the topic's one entry, by index, as [error, leader, replicas, isr]. */
function summary(answer: MetadataAnswer): [number, number, number[], number[]][] {
  return [...answer.topics[0]!.partitions]
    .sort((a, b) => a.partitionIndex - b.partitionIndex)
    .map((p) => [p.errorCode, p.leaderId, [...p.replicaNodes], [...p.isrNodes]]);
}

test('metadata on a listener one broker lacks', { timeout: 300_000 }, async (t) => {
  const cluster = await startCluster({
    brokers: 2,
    config: {
      listeners: 'PLAINTEXT://127.0.0.1:0,EXTERNAL://127.0.0.1:0',
      'listener.security.protocol.map': PROTOCOL_MAP,
      'inter.broker.listener.name': 'PLAINTEXT',
    },
  });
  t.after(() => cluster.cleanup());
  await cluster.startBroker(3, { config: { listeners: 'PLAINTEXT://127.0.0.1:0' } });
  const plain = (id: number) => cluster.brokers.get(id)!.listeners.PLAINTEXT!;
  const external = (id: number) => cluster.brokers.get(id)!.listeners.EXTERNAL!;
  assert.equal(cluster.brokers.get(3)!.listeners.EXTERNAL, undefined);

  // p0 is led by 1 with replica 2; p1 is led by 3, the broker without EXTERNAL; p2 is led by 1
  // with replica 3. The second topic lives on 3 alone.
  const topic = uniqueTopic('listener-md');
  const solo = uniqueTopic('listener-solo');
  const admin = kafkaFor(plain(1)).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [
        {
          topic,
          replicaAssignment: [
            { partition: 0, replicas: [1, 2] },
            { partition: 1, replicas: [3, 1] },
            { partition: 2, replicas: [1, 3] },
          ],
        },
        { topic: solo, replicaAssignment: [{ partition: 0, replicas: [3] }] },
      ],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
  const replicated = await waitFor(
    async () => {
      const md = await metadataAt(plain(1), topic, 12);
      const ps = summary(md);
      return ps.length === 3 && ps.every(([, , replicas, isr]) => isr.length === replicas.length)
        ? md
        : undefined;
    },
    { timeoutMs: 30_000, description: 'every replica in the ISR' },
  );

  await t.test('on PLAINTEXT every broker and every leader is reachable', () => {
    assert.deepEqual(replicated.brokers.map((b) => b.nodeId).sort(), [1, 2, 3]);
    assert.deepEqual(summary(replicated), [
      [ErrorCode.NONE, 1, [1, 2], [1, 2]],
      [ErrorCode.NONE, 3, [3, 1], [3, 1]],
      [ErrorCode.NONE, 1, [1, 3], [1, 3]],
    ]);
  });

  await t.test('on EXTERNAL, Samsa answers each version as Kafka does', async () => {
    for (let version = 0; version <= 12; version++) {
      const md = await metadataAt(external(1), topic, version);
      assert.deepEqual(
        md.brokers.map((b) => [b.nodeId, `${b.host}:${b.port}`]),
        [
          [1, external(1)],
          [2, external(2)],
        ],
        `v${version}: only the brokers with EXTERNAL, at their EXTERNAL addresses`,
      );
      // As Kafka, the controller is named whatever its listeners (v1+).
      if (version >= 1) assert.equal(md.controllerId, replicated.controllerId, `v${version} controller`);
      const expected: [number, number, number[], number[]][] =
        version === 0
          ? [
              [ErrorCode.NONE, 1, [1, 2], [1, 2]],
              [ErrorCode.LEADER_NOT_AVAILABLE, -1, [1], [1]],
              [ErrorCode.REPLICA_NOT_AVAILABLE, 1, [1], [1]],
            ]
          : [
              [ErrorCode.NONE, 1, [1, 2], [1, 2]],
              [
                version >= 6 ? ErrorCode.LISTENER_NOT_FOUND : ErrorCode.LEADER_NOT_AVAILABLE,
                -1,
                [3, 1],
                [3, 1],
              ],
              [ErrorCode.NONE, 1, [1, 3], [1, 3]],
            ];
      assert.deepEqual(summary(md), expected, `v${version}`);
      const notFound = version >= 6 ? ErrorCode.LISTENER_NOT_FOUND : ErrorCode.LEADER_NOT_AVAILABLE;
      assert.deepEqual(
        summary(await metadataAt(external(1), solo, version)),
        [[notFound, -1, version === 0 ? [] : [3], version === 0 ? [] : [3]]],
        `v${version} ${solo}`,
      );
    }
  });

  await t.test(
    'kafka-python (Metadata v5) is told LEADER_NOT_AVAILABLE for the partition led by 3',
    async () => {
      const out = await python(
        `import json, os
from kafka.admin import KafkaAdminClient
admin = KafkaAdminClient(bootstrap_servers=os.environ["BOOTSTRAP"])
topic = admin.describe_topics([os.environ["TOPIC"]])[0]
brokers = admin.describe_cluster()["brokers"]
admin.close()
print(json.dumps({"brokers": sorted(b["node_id"] for b in brokers),
  "partitions": sorted([p["partition"], p["error_code"], p["leader"]] for p in topic["partitions"])}))`,
        external(2),
        { TOPIC: topic },
      );
      assert.deepEqual(out.brokers, [1, 2]);
      assert.deepEqual(out.partitions, [
        [0, ErrorCode.NONE, 1],
        [1, ErrorCode.LEADER_NOT_AVAILABLE, -1],
        [2, ErrorCode.NONE, 1],
      ]);
    },
  );

  await t.test('KafkaJS (Metadata v6) is told LISTENER_NOT_FOUND', async () => {
    const kafkajs = kafkaFor(external(1)).admin();
    await kafkajs.connect();
    try {
      // KafkaJS fails a metadata answer on the first partition error it finds.
      await assert.rejects(kafkajs.fetchTopicMetadata({ topics: [topic] }), {
        name: 'KafkaJSProtocolError',
        type: 'LISTENER_NOT_FOUND',
        code: 72,
      });
    } finally {
      await kafkajs.disconnect();
    }
  });

  await t.test(
    'kcat (librdkafka, Metadata v4) lists the EXTERNAL brokers, no leader for the partition led by 3',
    async () => {
      const { stdout } = await run('kcat', ['-L', '-J', '-b', external(1), '-t', topic, '-m', '10'], {
        timeout: 30_000,
      });
      const md = JSON.parse(stdout) as {
        brokers: { id: number; name: string }[];
        topics: { partitions: { partition: number; leader: number; error?: string }[] }[];
      };
      assert.deepEqual(md.brokers.map((b) => [b.id, b.name]).sort(), [
        [1, external(1)],
        [2, external(2)],
      ]);
      const partitions = [...md.topics[0]!.partitions].sort((a, b) => a.partition - b.partition);
      assert.deepEqual(
        partitions.map((p) => [p.leader, p.error]),
        [
          [1, undefined],
          [-1, 'Broker: Leader not available'],
          [1, undefined],
        ],
      );
    },
  );

  await t.test(
    'FindCoordinator on EXTERNAL: COORDINATOR_NOT_AVAILABLE for a coordinator on broker 3',
    async () => {
      // The first lookup creates the offsets topic; wait until each of its partitions has a leader.
      const offsetsLeaders = await waitFor(
        async () => {
          await coordinatorAt(plain(1), 'probe');
          const ps = summary(await metadataAt(plain(1), OFFSETS_TOPIC_NAME, 12));
          return ps.length > 0 && ps.every(([error]) => error === ErrorCode.NONE)
            ? ps.map(([, leader]) => leader)
            : undefined;
        },
        { timeoutMs: 30_000, description: 'the offsets topic with a leader on every partition' },
      );
      const groupLedBy = (wanted: (leader: number) => boolean) => {
        for (let i = 0; i < 1000; i++) {
          const group = `group-${i}`;
          if (wanted(offsetsLeaders[partitionForKey(group, offsetsLeaders.length)]!)) return group;
        }
        throw new Error(`no group found for offsets partitions led by ${offsetsLeaders}`);
      };
      const onThree = groupLedBy((leader) => leader === 3);
      const elsewhere = groupLedBy((leader) => leader !== 3);
      assert.deepEqual(await coordinatorAt(plain(1), onThree), {
        errorCode: ErrorCode.NONE,
        nodeId: 3,
        address: plain(3),
      });
      assert.equal(
        (await coordinatorAt(external(1), onThree)).errorCode,
        ErrorCode.COORDINATOR_NOT_AVAILABLE,
      );
      const found = await coordinatorAt(external(1), elsewhere);
      assert.equal(found.errorCode, ErrorCode.NONE);
      assert.equal(found.address, external(found.nodeId));
    },
  );

  await t.test('once broker 3 is down its partitions have no leader: LEADER_NOT_AVAILABLE', async () => {
    await cluster.brokers.get(3)!.kill();
    // p1 fails over to 1; the second topic has no replica left.
    await waitFor(
      async () => {
        const md = await metadataAt(plain(1), topic, 12);
        return md.brokers.length === 2 && summary(md)[1]![1] === 1;
      },
      { timeoutMs: 30_000, description: 'broker 3 gone and partition 1 led by 1' },
    );
    for (const version of [0, 5, 6, 12]) {
      const [p0, p1, p2] = summary(await metadataAt(external(1), topic, version));
      assert.deepEqual(p0, [ErrorCode.NONE, 1, [1, 2], [1, 2]], `v${version} p0`);
      // A replica that is down: listed from v1, left out in v0.
      const missingReplica = version === 0 ? ErrorCode.REPLICA_NOT_AVAILABLE : ErrorCode.NONE;
      assert.deepEqual(p1, [missingReplica, 1, version === 0 ? [1] : [3, 1], [1]], `v${version} p1`);
      assert.deepEqual(p2!.slice(0, 2), [missingReplica, 1], `v${version} p2`);
      // A leader that is down is not a missing listener, whatever the version.
      const [alone] = summary(await metadataAt(external(1), solo, version));
      assert.deepEqual(alone!.slice(0, 2), [ErrorCode.LEADER_NOT_AVAILABLE, -1], `v${version} ${solo}`);
    }
  });
});
