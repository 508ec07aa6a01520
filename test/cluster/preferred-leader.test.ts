/**
 * Preferred replica leader election on 3 broker processes over one real ZooKeeper. A 6-partition
 * RF 3 topic has its preferred leaders spread over the brokers; broker 1 is killed, its partitions
 * move to the survivors, and it comes back into every ISR still leading nothing. Then:
 * - with a 1 s `leader.imbalance.check.interval.seconds` the controller moves leadership back by
 *   itself, as kcat's metadata shows;
 * - with `auto.leader.rebalance.enable=false` it stays moved until `samsa cluster elect-leaders`
 *   (ElectLeaders to the controller) moves it back; a broker that is not the controller answers
 *   NOT_CONTROLLER.
 * A librdkafka producer (acks=all, idempotent) streams throughout; every acknowledged record is read
 * back at its offset. A single node answers ElectLeaders too, with nothing to elect.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { Admin } from '../../src/client/admin.js';
import { ClusterClient } from '../../src/client/cluster-client.js';
import { Connection } from '../../src/client/connection.js';
import { Controller } from '../../src/cluster/controller/controller.js';
import type { ZkClient } from '../../src/cluster/zookeeper/zk-client.js';
import {
  decodeLeaderAndIsr,
  encodeBrokerRegistration,
  encodeLeaderAndIsr,
  encodeTopicAssignment,
  PERSISTENT_PATHS,
  partitionStatePath,
  topicPath,
} from '../../src/cluster/zookeeper/zk-data.js';
import { errorNameOf } from '../../src/protocol/errors.js';
import { ElectLeaders } from '../../src/protocol/messages/index.js';
import { silentLogger } from '../../src/util/logger.js';
import { startBroker } from '../helpers/broker.js';
import { startCluster, type TestCluster, zkReader } from '../helpers/cluster.js';
import {
  checkAcknowledged,
  FAILOVER_PRODUCER_SETTINGS,
  failoverBrokerConfig,
  partitionState,
  readBack,
  StreamingProducer,
  waitForFullIsr,
} from '../helpers/failover.js';
import { runSamsa } from '../helpers/run-samsa.js';
import { waitFor } from '../helpers/wait-for.js';
import { startZooKeeper, type TestZooKeeper } from '../helpers/zookeeper.js';

const run = promisify(execFile);

const TOPIC = 'balanced';
/** Each broker prefers (is first in) two partitions; broker 1 prefers 0 and 3. */
const ASSIGNMENT = [
  [1, 2, 3],
  [2, 3, 1],
  [3, 1, 2],
  [1, 3, 2],
  [2, 1, 3],
  [3, 2, 1],
];
const PARTITIONS = ASSIGNMENT.length;
const VICTIM = 1;
const VICTIM_PREFERS = ASSIGNMENT.flatMap((replicas, p) => (replicas[0] === VICTIM ? [p] : []));

interface KcatPartition {
  partition: number;
  leader: number;
  replicas: { id: number }[];
}

/** The topic's partitions as librdkafka's metadata shows them. */
async function kcatPartitions(bootstrap: string): Promise<KcatPartition[]> {
  const { stdout } = await run('kcat', ['-L', '-J', '-b', bootstrap, '-t', TOPIC, '-m', '10'], {
    timeout: 30_000,
  });
  const md = JSON.parse(stdout) as { topics: { partitions: KcatPartition[] }[] };
  return [...md.topics[0]!.partitions].sort((a, b) => a.partition - b.partition);
}

/** True when kcat sees every partition led by its first replica, and that replica is the preferred one. */
async function preferredLeadersSeen(bootstrap: string): Promise<boolean> {
  const partitions = await kcatPartitions(bootstrap);
  return (
    partitions.length === PARTITIONS &&
    partitions.every(
      (p) => p.replicas[0]?.id === ASSIGNMENT[p.partition]![0] && p.leader === p.replicas[0]?.id,
    )
  );
}

async function leaders(zk: ZkClient): Promise<number[]> {
  const out: number[] = [];
  for (let p = 0; p < PARTITIONS; p++) out.push((await partitionState(zk, TOPIC, p)).leader);
  return out;
}

interface MovedCluster {
  cluster: TestCluster;
  zk: ZkClient;
  producer: StreamingProducer;
  /** When broker 1 was back in every ISR. */
  recoveredAt: number;
}

/**
 * A cluster under a streaming producer where broker 1 was killed (its partitions moved to the
 * others) and started again, back in every ISR.
 */
async function moveLeadershipOffVictim(
  t: { after(fn: () => Promise<void> | void): void },
  zookeeper: TestZooKeeper,
  chroot: string,
  config: Record<string, string>,
): Promise<MovedCluster> {
  const cluster = await startCluster({
    zookeeper,
    chroot,
    config: { ...failoverBrokerConfig(4000), ...config },
  });
  t.after(() => cluster.cleanup());
  const zk = await zkReader(cluster);
  t.after(() => zk.close());
  const client = new ClusterClient({ brokers: cluster.bootstrap() });
  try {
    await new Admin(client).createTopics([
      { name: TOPIC, replicaAssignment: ASSIGNMENT, configs: { 'min.insync.replicas': '2' } },
    ]);
  } finally {
    await client.close();
  }
  await waitForFullIsr(zk, TOPIC, PARTITIONS, 3);
  assert.deepEqual(
    await leaders(zk),
    ASSIGNMENT.map((r) => r[0]),
    'a new topic is led by its preferred replicas',
  );

  const producer = StreamingProducer.start({
    bootstrap: cluster.bootstrap(),
    topic: TOPIC,
    partitions: PARTITIONS,
    rate: 120,
    settings: [...FAILOVER_PRODUCER_SETTINGS],
  });
  t.after(() => producer.kill());
  await producer.nextAck(0, 0);

  await cluster.brokers.get(VICTIM)!.kill('SIGKILL');
  cluster.brokers.delete(VICTIM);
  await waitFor(async () => (await leaders(zk)).every((l) => l >= 0 && l !== VICTIM), {
    timeoutMs: 30_000,
    intervalMs: 100,
    description: `leadership moved off killed broker ${VICTIM}`,
  });
  await cluster.startBroker(VICTIM);
  await waitForFullIsr(zk, TOPIC, PARTITIONS, 3);
  const recoveredAt = Date.now();
  return { cluster, zk, producer, recoveredAt };
}

/** Records keep being acknowledged on every partition after `since`; then every one reads back. */
async function checkRecordsSurvived(moved: MovedCluster, since: number): Promise<void> {
  for (let p = 0; p < PARTITIONS; p++) await moved.producer.nextAck(p, since);
  const summary = await moved.producer.stop();
  assert.equal(summary.unflushed, 0);
  assert.deepEqual(moved.producer.errors, [], 'no delivery failed');
  assert.equal(moved.producer.acks.length, summary.produced, 'every record acknowledged');
  const problems = checkAcknowledged(moved.producer.acks, await readBack(moved.cluster.bootstrap(), TOPIC));
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problems`);
}

async function controllerId(zk: ZkClient): Promise<number> {
  return JSON.parse((await zk.get('/controller'))!.data.toString()).brokerid;
}

/** The CLI's JSON answer: one object per partition, error null when elected. */
async function electWithCli(
  bootstrap: string,
  args: string[],
): Promise<{ code: number | null; results: { topic: string; partition: number; error: string | null }[] }> {
  const result = await runSamsa([
    'cluster',
    'elect-leaders',
    ...args,
    '--brokers',
    bootstrap,
    '--format',
    'json',
  ]);
  assert.equal(result.stderr, '', 'nothing on stderr');
  return { code: result.code, results: JSON.parse(result.stdout) };
}

test('preferred replica leader election', { timeout: 600_000 }, async (t) => {
  const zookeeper = await startZooKeeper();
  t.after(() => zookeeper.cleanup());

  await t.test('the controller rebalances leadership back to preferred replicas by itself', async (t) => {
    const moved = await moveLeadershipOffVictim(t, zookeeper, '/auto', {
      'leader.imbalance.check.interval.seconds': '1',
    });
    await waitFor(() => preferredLeadersSeen(moved.cluster.bootstrap()), {
      timeoutMs: 30_000,
      intervalMs: 250,
      description: 'kcat metadata showing every partition led by its first replica',
    });
    assert.deepEqual(
      await leaders(moved.zk),
      ASSIGNMENT.map((r) => r[0]),
    );
    await checkRecordsSurvived(moved, Date.now());
  });

  await t.test('without auto rebalance, elect-leaders moves leadership back', async (t) => {
    const moved = await moveLeadershipOffVictim(t, zookeeper, '/manual', {
      'auto.leader.rebalance.enable': 'false',
      'leader.imbalance.check.interval.seconds': '1',
    });
    // With the check enabled it would have run by now (5 s after election, then every second):
    // watch the leaders for three more intervals; they must stay where the failure put them.
    const watchUntil = Math.max(moved.recoveredAt + 3000, Date.now() + 3000);
    while (Date.now() < watchUntil) {
      const now = await leaders(moved.zk);
      for (const p of VICTIM_PREFERS) assert.notEqual(now[p], VICTIM, `partition ${p} stays moved`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const bootstrap = moved.cluster.bootstrap();
    assert.equal(await preferredLeadersSeen(bootstrap), false);

    // Only the controller elects: another broker answers NOT_CONTROLLER for each partition.
    const controller = await controllerId(moved.zk);
    const other = [...moved.cluster.brokers.keys()].find((id) => id !== controller)!;
    const [host, port] = moved.cluster.brokers.get(other)!.bootstrap.split(':');
    const connection = await Connection.connect({ host: host!, port: Number(port) });
    try {
      const answer = await connection.send(ElectLeaders, {
        electionType: 0,
        topicPartitions: [{ topic: TOPIC, partitionId: [0] }],
        timeoutMs: 10_000,
      });
      assert.equal(errorNameOf(answer.errorCode), 'NONE');
      assert.deepEqual(
        answer.replicaElectionResults.map((r: any) => [
          r.topic,
          r.partitionResult.map((p: any) => [p.partitionId, errorNameOf(p.errorCode)]),
        ]),
        [[TOPIC, [[0, 'NOT_CONTROLLER']]]],
      );
      // Null asks about every partition the broker knows: none is left out for not being elected.
      const all = await connection.send(ElectLeaders, {
        electionType: 0,
        topicPartitions: null,
        timeoutMs: 10_000,
      });
      assert.deepEqual(
        all.replicaElectionResults.flatMap((r: any) =>
          r.partitionResult.map((p: any) => `${r.topic}-${p.partitionId} ${errorNameOf(p.errorCode)}`),
        ),
        ASSIGNMENT.map((_, p) => `${TOPIC}-${p} NOT_CONTROLLER`),
      );
    } finally {
      connection.close();
    }

    // Unclean election: every partition has a live leader, so there is nothing to do.
    const unclean = await electWithCli(bootstrap, ['--topic', TOPIC, '--election-type', 'unclean']);
    assert.equal(unclean.code, 0);
    assert.ok(
      unclean.results.every((r) => r.error === 'ELECTION_NOT_NEEDED'),
      JSON.stringify(unclean),
    );

    const electedAt = Date.now();
    const elected = await electWithCli(bootstrap, ['--topic', TOPIC]);
    assert.equal(elected.code, 0);
    assert.deepEqual(
      elected.results.map((r) => [r.partition, r.error]),
      ASSIGNMENT.map((_, p) => [p, VICTIM_PREFERS.includes(p) ? null : 'ELECTION_NOT_NEEDED']),
    );
    assert.deepEqual(
      await leaders(moved.zk),
      ASSIGNMENT.map((r) => r[0]),
    );
    await waitFor(() => preferredLeadersSeen(bootstrap), {
      timeoutMs: 15_000,
      intervalMs: 250,
      description: 'kcat metadata showing every partition led by its first replica',
    });

    // Every partition: those already led by their preferred replica are left out of the answer.
    const all = await electWithCli(bootstrap, []);
    assert.equal(all.code, 0);
    assert.deepEqual(all.results, []);

    const missing = await electWithCli(bootstrap, ['--topic', TOPIC, '--partition', '9']);
    assert.equal(missing.code, 1);
    assert.deepEqual(
      missing.results.map((r) => [r.topic, r.partition, r.error]),
      [[TOPIC, 9, 'UNKNOWN_TOPIC_OR_PARTITION']],
    );
    const noTopic = await electWithCli(bootstrap, ['--topic', 'no-such-topic', '--partition', '0']);
    assert.deepEqual(
      noTopic.results.map((r) => [r.topic, r.partition, r.error]),
      [['no-such-topic', 0, 'UNKNOWN_TOPIC_OR_PARTITION']],
    );

    await checkRecordsSurvived(moved, electedAt);
  });

  await t.test('the controller judges each partition of an ElectLeaders request', async (t) => {
    // In process: brokers 1-3 are ZooKeeper sessions holding their registrations; 1 is controller.
    const connect = `${zookeeper.connect}/controller-only`;
    const session = async () => {
      const zk = await zkReader({ zookeeperConnect: connect });
      t.after(() => zk.close());
      return zk;
    };
    const admin = await session();
    for (const path of PERSISTENT_PATHS) await admin.ensurePath(path);
    const brokers = new Map<number, ZkClient>();
    for (const id of [1, 2, 3]) {
      const zk = await session();
      const endpoints = [
        { listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: '127.0.0.1', port: 9000 + id },
      ];
      await zk.create(
        `/brokers/ids/${id}`,
        encodeBrokerRegistration({ id, endpoints, rack: null, epoch: 0n }, Date.now()),
        {
          ephemeral: true,
        },
      );
      brokers.set(id, zk);
    }
    const controller = new Controller(brokers.get(1)!, {
      brokerId: 1,
      uncleanLeaderElectionEnable: false,
      logger: silentLogger(),
    });
    controller.start();
    t.after(() => controller.stop());
    await waitFor(() => controller.isActive, { description: 'controller elected' });

    const stateOf = async (topic: string, p: number) => {
      const node = await admin.get(partitionStatePath(topic, p));
      return node ? { ...decodeLeaderAndIsr(node.data), version: node.version } : undefined;
    };
    /** Overwrites a partition's state, as an earlier failover would have left it. */
    const setState = async (topic: string, p: number, leader: number, isr: number[]) => {
      const s = (await stateOf(topic, p))!;
      const next = { leader, leaderEpoch: s.leaderEpoch + 1, isr, controllerEpoch: s.controllerEpoch };
      await admin.set(partitionStatePath(topic, p), encodeLeaderAndIsr(next), s.version);
    };
    await admin.create(
      topicPath('e'),
      encodeTopicAssignment({
        topicId: Buffer.alloc(16, 7),
        partitions: [
          [1, 2],
          [2, 1],
          [3, 1],
          [3, 2],
        ],
      }),
    );
    await waitFor(async () => (await stateOf('e', 3)) !== undefined, { description: 'partition states' });
    await setState('e', 1, 1, [1, 2]); // preferred 2 in sync, led by 1
    await setState('e', 2, 1, [1]); // preferred 3 out of sync
    await setState('e', 3, 3, [3]); // only 3 in sync; 3 is about to die
    await brokers.get(3)!.close();
    await waitFor(async () => (await stateOf('e', 3))!.leader === -1, { description: 'e-3 offline' });

    const before = (await stateOf('e', 1))!;
    const tps = [0, 1, 2, 3, 9].map((partition) => ({ topic: 'e', partition }));
    const preferred = await controller.electLeaders(tps, 'preferred');
    assert.deepEqual(
      preferred.map((r) => [r.partition, r.error]),
      [
        [0, 'ELECTION_NOT_NEEDED'],
        [1, 'NONE'],
        [2, 'PREFERRED_LEADER_NOT_AVAILABLE'],
        [3, 'PREFERRED_LEADER_NOT_AVAILABLE'],
        [9, 'UNKNOWN_TOPIC_OR_PARTITION'],
      ],
    );
    const after = (await stateOf('e', 1))!;
    assert.deepEqual(
      [after.leader, after.leaderEpoch, after.isr, after.controllerEpoch],
      [2, before.leaderEpoch + 1, [1, 2], controller.controllerEpoch],
      'the preferred replica leads, the ISR is unchanged, the leader epoch moves on',
    );

    // Unclean: only the partition without a live leader needs one; its live replica 2 takes it
    // although it is out of sync, with itself as the whole ISR.
    const unclean = await controller.electLeaders(tps.slice(0, 4), 'unclean');
    assert.deepEqual(
      unclean.map((r) => [r.partition, r.error]),
      [
        [0, 'ELECTION_NOT_NEEDED'],
        [1, 'ELECTION_NOT_NEEDED'],
        [2, 'ELECTION_NOT_NEEDED'],
        [3, 'NONE'],
      ],
    );
    const e3 = (await stateOf('e', 3))!;
    assert.deepEqual([e3.leader, e3.isr], [2, [2]]);
    await brokers.get(2)!.close();
    await waitFor(async () => (await stateOf('e', 3))!.leader === -1, { description: 'e-3 offline again' });
    assert.deepEqual(
      (await controller.electLeaders([{ topic: 'e', partition: 3 }], 'unclean')).map((r) => r.error),
      ['ELIGIBLE_LEADERS_NOT_AVAILABLE'],
    );
  });

  await t.test('a single node has nothing to elect', async (t) => {
    const single = await startBroker();
    t.after(() => single.cleanup());
    const client = new ClusterClient({ brokers: single.bootstrap });
    try {
      const admin = new Admin(client);
      await admin.createTopics([{ name: 'solo', numPartitions: 2 }]);
      const named = await admin.electLeaders([
        { topic: 'solo', partition: 1 },
        { topic: 'solo', partition: 5 },
      ]);
      assert.deepEqual(
        named.map((r) => [r.partition, r.error?.kafkaError ?? null]),
        [
          [1, 'ELECTION_NOT_NEEDED'],
          [5, 'UNKNOWN_TOPIC_OR_PARTITION'],
        ],
      );
      assert.deepEqual(await admin.electLeaders(undefined), []);
    } finally {
      await client.close();
    }
  });
});
