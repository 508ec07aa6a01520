/**
 * The controller against a real ZooKeeper, in process: brokers are simulated by ZooKeeper sessions
 * holding `/brokers/ids/<id>` (closing a session is a broker dying), topics by the znodes
 * `AdminZkClient` writes. Checks elections, ISR changes, unclean election and epoch fencing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Controller } from '../../src/cluster/controller/controller.js';
import { ZkIsrWriter } from '../../src/cluster/zk-partition-state.js';
import { ZkClient } from '../../src/cluster/zookeeper/zk-client.js';
import {
  decodeLeaderAndIsr,
  encodeBrokerRegistration,
  encodeTopicAssignment,
  encodeTopicConfig,
  PERSISTENT_PATHS,
  partitionStatePath,
  topicConfigPath,
  topicPath,
} from '../../src/cluster/zookeeper/zk-data.js';

const plaintext = (host: string, port: number) => ({
  listenerName: 'PLAINTEXT',
  securityProtocol: 'PLAINTEXT',
  host,
  port,
});

import { silentLogger } from '../../src/util/logger.js';
import { waitFor } from '../helpers/wait-for.js';
import { startZooKeeper } from '../helpers/zookeeper.js';

test('controller decisions in ZooKeeper', { timeout: 120_000 }, async (t) => {
  const zookeeper = await startZooKeeper();
  t.after(() => zookeeper.cleanup());
  let chroot = 0;
  const open: ZkClient[] = [];
  t.after(() => {
    for (const c of open) c.close();
  });

  const session = async (connect: string) => {
    const zk = new ZkClient({
      connect,
      sessionTimeoutMs: 4000,
      connectionTimeoutMs: 10_000,
      logger: silentLogger(),
    });
    await zk.start();
    open.push(zk);
    return zk;
  };

  /** A fresh chroot with Kafka's paths, `admin` to write with, and broker sessions 1..n. */
  const setup = async (brokers: number) => {
    const connect = `${zookeeper.connect}/c${++chroot}`;
    const admin = await session(connect);
    for (const path of PERSISTENT_PATHS) await admin.ensurePath(path);
    const sessions = new Map<number, ZkClient>();
    for (let id = 1; id <= brokers; id++) {
      const zk = await session(connect);
      await zk.create(
        `/brokers/ids/${id}`,
        encodeBrokerRegistration(
          { id, endpoints: [plaintext('127.0.0.1', 9000 + id)], rack: null, epoch: 0n },
          Date.now(),
        ),
        { ephemeral: true },
      );
      sessions.set(id, zk);
    }
    return { connect, admin, sessions };
  };

  const stateOf = async (zk: ZkClient, topic: string, p: number) => {
    const node = await zk.get(partitionStatePath(topic, p));
    return node ? { ...decodeLeaderAndIsr(node.data), version: node.version } : undefined;
  };

  const startController = (zk: ZkClient, brokerId: number, unclean = false) => {
    const controller = new Controller(zk, {
      brokerId,
      uncleanLeaderElectionEnable: unclean,
      logger: silentLogger(),
    });
    controller.start();
    return controller;
  };

  await t.test(
    'new partitions get leaders; a dead broker leaves every ISR and loses leadership',
    async () => {
      const { admin, sessions } = await setup(3);
      const controller = startController(sessions.get(1)!, 1);
      await waitFor(() => controller.isActive, { description: 'controller elected' });
      assert.equal((await admin.get('/controller_epoch'))!.data.toString(), '1');
      await admin.create(
        topicPath('t'),
        encodeTopicAssignment({
          topicId: Buffer.alloc(16, 1),
          partitions: [
            [1, 2, 3],
            [2, 3, 1],
          ],
        }),
      );
      const p1 = await waitFor(() => stateOf(admin, 't', 1), { description: 'partition 1 state' });
      assert.deepEqual([p1.leader, p1.leaderEpoch, p1.isr, p1.controllerEpoch], [2, 0, [2, 3, 1], 1]);

      sessions.get(2)!.close(); // broker 2 dies
      const after = await waitFor(
        async () => {
          const s = await stateOf(admin, 't', 1);
          return s && s.leader !== 2 ? s : undefined;
        },
        { description: 'a new leader for partition 1' },
      );
      assert.deepEqual([after.leader, after.leaderEpoch, after.isr], [3, 1, [3, 1]]);
      const p0 = (await stateOf(admin, 't', 0))!;
      assert.deepEqual([p0.leader, p0.leaderEpoch, p0.isr], [1, 1, [1, 3]]);
      await controller.stop();
    },
  );

  await t.test(
    'no in-sync replica alive: offline (leader -1, last ISR member kept), unless unclean',
    async () => {
      for (const unclean of [false, true]) {
        const { admin, sessions } = await setup(2);
        const controller = startController(sessions.get(1)!, 1);
        await waitFor(() => controller.isActive, { description: 'controller elected' });
        await admin.create(
          topicPath('u'),
          encodeTopicAssignment({ topicId: Buffer.alloc(16, 2), partitions: [[2, 1]] }),
        );
        await waitFor(() => stateOf(admin, 'u', 0), { description: 'partition state' });
        // Broker 1 falls out of the ISR (as the leader's ISR shrink would write), then broker 2 dies.
        const s = (await stateOf(admin, 'u', 0))!;
        await admin.set(
          partitionStatePath('u', 0),
          Buffer.from(
            JSON.stringify({
              controller_epoch: 1,
              leader: 2,
              version: 1,
              leader_epoch: s.leaderEpoch,
              isr: [2],
            }),
          ),
          s.version,
        );
        if (unclean)
          await admin.create(
            topicConfigPath('u'),
            encodeTopicConfig({ 'unclean.leader.election.enable': 'true' }),
          );
        // The topic config is read when the controller learns the topic: restart the controller.
        await controller.stop();
        await sessions.get(1)!.delete('/controller');
        const next = startController(sessions.get(1)!, 1);
        await waitFor(() => next.isActive, { description: 'controller elected again' });
        sessions.get(2)!.close();
        const offline = await waitFor(
          async () => {
            const st = await stateOf(admin, 'u', 0);
            return st && st.leader !== 2 ? st : undefined;
          },
          { description: 'partition without broker 2' },
        );
        if (unclean) assert.deepEqual([offline.leader, offline.isr], [1, [1]]);
        else assert.deepEqual([offline.leader, offline.isr], [-1, [2]]);
        await next.stop();
      }
    },
  );

  await t.test('a controller whose epoch moved on cannot write and resigns', async () => {
    const { admin, sessions } = await setup(2);
    const controller = startController(sessions.get(1)!, 1);
    await waitFor(() => controller.isActive, { description: 'controller elected' });
    await admin.create(
      topicPath('f'),
      encodeTopicAssignment({ topicId: Buffer.alloc(16, 3), partitions: [[2, 1]] }),
    );
    const before = await waitFor(() => stateOf(admin, 'f', 0), { description: 'partition state' });
    // Another controller bumped the epoch (as an election elsewhere would).
    const epoch = (await admin.get('/controller_epoch'))!;
    await admin.set('/controller_epoch', Buffer.from('7'), epoch.version);
    sessions.get(2)!.close(); // an event the stale controller tries to act on
    await waitFor(() => !controller.isActive, { description: 'the stale controller to resign' });
    assert.deepEqual(await stateOf(admin, 'f', 0), before);
  });

  await t.test('a leader writes its ISR by compare-and-set, and a stale write is refused', async () => {
    const { admin, sessions } = await setup(2);
    const controller = startController(sessions.get(1)!, 1);
    await waitFor(() => controller.isActive, { description: 'controller elected' });
    await admin.create(
      topicPath('i'),
      encodeTopicAssignment({ topicId: Buffer.alloc(16, 4), partitions: [[1, 2]] }),
    );
    const s0 = await waitFor(() => stateOf(admin, 'i', 0), { description: 'partition state' });
    const writer = new ZkIsrWriter(sessions.get(1)!);
    const version = await writer.writeIsr('i', 0, 1, s0.leaderEpoch, [1], s0.version);
    assert.equal(version, s0.version + 1);
    assert.deepEqual((await stateOf(admin, 'i', 0))!.isr, [1]);
    // The same write again carries a stale partition epoch; so does one from a deposed leader.
    assert.equal(await writer.writeIsr('i', 0, 1, s0.leaderEpoch, [1, 2], s0.version), null);
    assert.equal(await writer.writeIsr('i', 0, 2, s0.leaderEpoch, [2], version!), null);
    assert.deepEqual((await stateOf(admin, 'i', 0))!.isr, [1]);
    await controller.stop();
  });
});
