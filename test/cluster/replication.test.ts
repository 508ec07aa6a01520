/**
 * Replication between in-process brokers on a static layout (the test plays the controller):
 * librdkafka produces with acks=all to the leader, followers converge byte for byte, min.insync
 * refuses writes when a follower is gone, a divergent follower truncates by leader epoch after a
 * leader change, and a stale leader never acknowledges.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Admin } from '../../src/client/admin.js';
import { ClusterClient } from '../../src/client/cluster-client.js';
import { Connection } from '../../src/client/connection.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { Fetch, ListOffsets, OffsetForLeaderEpoch } from '../../src/protocol/messages/index.js';
import { batchSummary, consume, logBytes, produce } from '../helpers/replication-clients.js';
import { StaticCluster } from '../helpers/static-cluster.js';
import { waitFor } from '../helpers/wait-for.js';

async function waitForConvergence(cluster: StaticCluster, topic: string, ids: number[]): Promise<Buffer> {
  return waitFor(
    () => {
      const logs = ids.map((id) => logBytes(cluster.dataDirs.get(id)!, topic));
      return logs.every((l) => l.length > 0 && l.equals(logs[0]!)) ? logs[0]! : undefined;
    },
    { timeoutMs: 20_000, description: `${topic} replicas converge byte for byte` },
  );
}

const FAST = {
  'replica.lag.time.max.ms': '1500',
  'replica.fetch.wait.max.ms': '200',
  'replica.fetch.backoff.ms': '100',
};

describe('replication on a static 3-broker layout', () => {
  let cluster: StaticCluster;

  before(async () => {
    cluster = await StaticCluster.start(3, FAST);
  });
  after(async () => {
    await cluster?.stop();
  });

  it('acknowledges acks=all once the ISR has the records; followers converge byte for byte', async () => {
    await cluster.createTopic('rf3', { leader: 0 });
    const report = await produce(cluster.bootstrap(0), 'rf3', 2000, 'a');
    assert.deepEqual(report.errors, {});
    assert.equal(report.acked.length, 2000);
    const log = await waitForConvergence(cluster, 'rf3', [0, 1, 2]);
    const batches = batchSummary(log);
    assert.ok(batches.length > 0);
    assert.ok(
      batches.every(([, epoch]) => epoch === 0),
      'every batch carries the leader epoch',
    );
    assert.equal(
      batches.reduce((n, [, , count]) => n + count, 0),
      2000,
    );
    // Consumers read up to the high watermark: everything acknowledged is there.
    const consumed = await consume(cluster.bootstrap(0), 'rf3');
    for (const { value, offset } of report.acked) assert.equal(consumed.get(value), offset);
    // Followers learned the high watermark from their fetches.
    for (const id of [1, 2]) {
      const epochFile = path.join(cluster.dataDirs.get(id)!, 'rf3-0', 'leader-epoch-checkpoint');
      assert.equal(fs.readFileSync(epochFile, 'utf8'), '0\n1\n0 0\n');
    }
  });

  it('answers follower fetches from unknown replicas, stale epochs and unknown partitions as Kafka', async () => {
    const connection = await Connection.connect({ host: '127.0.0.1', port: cluster.brokers.get(0)!.port });
    try {
      const fetch = (replicaId: number, currentLeaderEpoch: number, topic = 'rf3') =>
        connection.send(Fetch, {
          replicaId,
          maxWaitMs: 0,
          minBytes: 1,
          maxBytes: 1 << 20,
          isolationLevel: 0,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [
            {
              topic,
              partitions: [
                {
                  partition: 0,
                  currentLeaderEpoch,
                  fetchOffset: 0n,
                  lastFetchedEpoch: -1,
                  logStartOffset: -1n,
                  partitionMaxBytes: 1 << 20,
                },
              ],
            },
          ],
          forgottenTopicsData: [],
          rackId: '',
        });
      const code = async (replicaId: number, epoch: number, topic?: string) =>
        (await fetch(replicaId, epoch, topic)).responses[0].partitions[0].errorCode;
      assert.equal(await code(7, 0), ErrorCode.UNKNOWN_LEADER_EPOCH, 'unknown replica, epoch given');
      assert.equal(await code(7, -1), ErrorCode.NOT_LEADER_OR_FOLLOWER, 'unknown replica, no epoch');
      assert.equal(await code(-1, 5), ErrorCode.UNKNOWN_LEADER_EPOCH, 'a newer epoch than ours');
      assert.equal(await code(1, 0), ErrorCode.NONE);
      assert.equal(await code(-1, 0, 'nope'), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);

      const epochs = await connection.send(OffsetForLeaderEpoch, {
        replicaId: 1,
        topics: [
          { topic: 'rf3', partitions: [{ partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 }] },
          { topic: 'nope', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] },
        ],
      });
      assert.deepEqual(
        epochs.topics.map((t: any) => [t.topic, t.partitions[0].errorCode, t.partitions[0].endOffset]),
        [
          ['rf3', ErrorCode.NONE, 2000n],
          ['nope', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1n],
        ],
      );
    } finally {
      connection.close();
    }
    // A broker that is only a follower refuses to lead.
    const follower = await Connection.connect({ host: '127.0.0.1', port: cluster.brokers.get(1)!.port });
    try {
      const answer = await follower.send(OffsetForLeaderEpoch, {
        replicaId: -1,
        topics: [{ topic: 'rf3', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }],
      });
      assert.equal(answer.topics[0].partitions[0].errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    } finally {
      follower.close();
    }
  });

  it('truncates a divergent follower by leader epoch after a leader change; acks=all records survive', async () => {
    await cluster.createTopic('switch', { leader: 0 });
    const first = await produce(cluster.bootstrap(0), 'switch', 100, 'before');
    assert.equal(first.acked.length, 100);
    await waitForConvergence(cluster, 'switch', [0, 1, 2]);

    // Broker 0 is cut off from its followers: they stop fetching, it takes acks=1 writes alone.
    await cluster.brokers
      .get(1)!
      .replicaStates.stopReplicas([{ topic: 'switch', partition: 0, delete: false }]);
    await cluster.brokers
      .get(2)!
      .replicaStates.stopReplicas([{ topic: 'switch', partition: 0, delete: false }]);
    const lost = await produce(cluster.bootstrap(0), 'switch', 20, 'unreplicated', ['acks=1']);
    assert.equal(lost.acked.length, 20);
    // Consumers read up to the high watermark: the ISR still has only the first 100.
    const visible = await consume(cluster.bootstrap(0), 'switch');
    assert.equal(visible.size, 100);
    assert.ok([...visible.keys()].every((v) => v.startsWith('before-')));

    // The controller elects broker 1 (epoch 1); broker 0 does not hear of it yet.
    await cluster.controller.elect('switch', 0, { leader: 1, isr: [1, 2], replicas: [0, 1, 2] }, [1, 2]);
    // The stale leader cannot get acks=all through: its followers are gone and its ISR write is refused.
    const stale = await produce(cluster.bootstrap(0), 'switch', 5, 'stale', [
      'request.timeout.ms=1500',
      'message.timeout.ms=2500',
      'retries=0',
    ]);
    assert.equal(stale.acked.length, 0, `a stale leader acknowledged ${JSON.stringify(stale)}`);
    // The broker's purgatory times the produce out (or librdkafka's own timeout wins the race).
    assert.ok(
      Object.keys(stale.errors).every((e) =>
        ['REQUEST_TIMED_OUT', '_MSG_TIMED_OUT', '_TIMED_OUT'].includes(e),
      ),
      JSON.stringify(stale.errors),
    );
    assert.equal(
      Object.values(stale.errors).reduce((a, b) => a + b, 0),
      5,
    );

    const second = await produce(cluster.bootstrap(1), 'switch', 50, 'after');
    assert.deepEqual(second.errors, {});
    assert.equal(second.acked.length, 50);

    // Broker 0 learns it follows broker 1 at epoch 1: it truncates its epoch-0 tail and catches up.
    await cluster.controller.resend('switch', 0, [0]);
    const log = await waitForConvergence(cluster, 'switch', [0, 1, 2]);
    const summary = batchSummary(log);
    assert.ok(summary.some(([, epoch]) => epoch === 1));
    assert.equal(summary.at(-1)![0] + BigInt(summary.at(-1)![2]), 150n, '100 + 50 records, the tail is gone');

    const consumed = await consume(cluster.bootstrap(1), 'switch');
    for (const { value, offset } of [...first.acked, ...second.acked]) {
      assert.equal(consumed.get(value), offset, `acknowledged ${value} at ${offset}`);
    }
    for (const { value } of [...lost.acked, ...stale.acked]) assert.equal(consumed.has(value), false);
    const epochFile = path.join(cluster.dataDirs.get(0)!, 'switch-0', 'leader-epoch-checkpoint');
    assert.equal(fs.readFileSync(epochFile, 'utf8'), '0\n2\n0 0\n1 100\n');
  });

  it('brings a new replica in from the leader log start (mid-batch after DeleteRecords) and into the ISR', async () => {
    await cluster.createTopicOn('late', [0, 1]);
    await cluster.controller.elect('late', 0, { leader: 0, isr: [0], replicas: [0] }, [0]);
    const first = await produce(cluster.bootstrap(0), 'late', 300, 'x');
    assert.equal(first.acked.length, 300);
    // Move the leader's log start inside a batch, as DeleteRecords may.
    const straddled = batchSummary(logBytes(cluster.dataDirs.get(0)!, 'late')).find(([, , n]) => n > 1)!;
    const start = straddled[0] + 1n;
    const client = new ClusterClient({ brokers: cluster.bootstrap(0) });
    try {
      await new Admin(client).deleteRecords([{ topic: 'late', partition: 0, offset: start }]);
    } finally {
      await client.close();
    }
    await cluster.controller.elect('late', 0, { leader: 0, isr: [0], replicas: [0, 1] });
    await waitFor(() => cluster.controller.state('late', 0)!.isr.length === 2, {
      timeoutMs: 20_000,
      description: 'the new replica joins the ISR',
    });
    const more = await produce(cluster.bootstrap(0), 'late', 10, 'y');
    assert.equal(more.acked.length, 10);
    await waitFor(
      () => {
        const leader = batchSummary(logBytes(cluster.dataDirs.get(0)!, 'late')).filter(
          ([b]) => b >= straddled[0],
        );
        const follower = batchSummary(logBytes(cluster.dataDirs.get(1)!, 'late'));
        return JSON.stringify(leader, (_k, v) => (typeof v === 'bigint' ? String(v) : v)) ===
          JSON.stringify(follower, (_k, v) => (typeof v === 'bigint' ? String(v) : v))
          ? true
          : undefined;
      },
      { timeoutMs: 20_000, description: 'the follower holds the leader batches from the straddled one on' },
    );
    // The follower's log start follows the leader's (seen with ListOffsets as a debugging replica, -2).
    const moved = new ClusterClient({ brokers: cluster.bootstrap(0) });
    try {
      await new Admin(moved).deleteRecords([{ topic: 'late', partition: 0, offset: 305n }]);
    } finally {
      await moved.close();
    }
    const follower = await Connection.connect({ host: '127.0.0.1', port: cluster.brokers.get(1)!.port });
    try {
      await waitFor(
        async () => {
          const answer = await follower.send(ListOffsets, {
            replicaId: -2,
            isolationLevel: 0,
            topics: [
              { name: 'late', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2n }] },
            ],
          });
          return answer.topics[0].partitions[0].offset === 305n;
        },
        { timeoutMs: 10_000, description: 'the follower log start moves to 305' },
      );
    } finally {
      follower.close();
    }
  });

  it('refuses acks=all with NOT_ENOUGH_REPLICAS once a stopped follower leaves the ISR', async () => {
    await cluster.createTopic('minisr', { leader: 0, configs: { 'min.insync.replicas': '3' } });
    const ok = await produce(cluster.bootstrap(0), 'minisr', 10, 'ok');
    assert.equal(ok.acked.length, 10);
    await cluster.stopBroker(2);
    // As in Kafka, a follower at the log end is in sync however long it is silent (the controller
    // removes dead brokers); it falls out once the leader has records it does not fetch.
    const lagging = await produce(cluster.bootstrap(0), 'minisr', 1, 'lag', ['acks=1']);
    assert.equal(lagging.acked.length, 1);
    await waitFor(() => cluster.controller.state('minisr', 0)!.isr.length === 2, {
      timeoutMs: 15_000,
      description: 'the leader shrinks the ISR after replica.lag.time.max.ms',
    });
    assert.deepEqual(cluster.controller.state('minisr', 0)!.isr, [0, 1]);
    const refused = await produce(cluster.bootstrap(0), 'minisr', 5, 'refused', [
      'retries=0',
      'message.timeout.ms=5000',
    ]);
    assert.equal(refused.acked.length, 0);
    assert.deepEqual(refused.errors, { NOT_ENOUGH_REPLICAS: 5 });
    const acks1 = await produce(cluster.bootstrap(0), 'minisr', 5, 'one', ['acks=1']);
    assert.equal(acks1.acked.length, 5, 'acks=1 is still accepted');
  });
});
