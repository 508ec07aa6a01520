/**
 * Coordinator writes wait for the ISR (acks=-1, as Kafka's coordinators append): an offset commit
 * through a replicated `__consumer_offsets` partition is answered once the follower has fetched
 * it, COORDINATOR_NOT_AVAILABLE when the ISR is too small or the wait times out, and at once where
 * the leader is the only replica.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TopicRegistry } from '../../src/broker/topic-registry.js';
import { coordinatorPartitionLog } from '../../src/cluster/coordinator-partition-log.js';
import type { IsrWriter, PartitionState } from '../../src/cluster/partition-state.js';
import { ReplicaManager } from '../../src/cluster/replica-manager.js';
import { DEFAULT_GROUP_COORDINATOR_CONFIG, GroupCoordinator } from '../../src/group/group-coordinator.js';
import { GROUP_METADATA_TOPIC_NAME, PartitionLogOffsetsLog } from '../../src/group/offsets-log.js';
import { ManualTimer } from '../../src/group/timer.js';
import { LocalTxnMarkerWriter } from '../../src/txn/transaction-marker-writer.js';
import { PartitionLogTransactionStateLog } from '../../src/txn/transaction-state-log.js';
import { ManualClock } from '../../src/util/clock.js';
import { logger, openLog, tempDir, testConfig } from '../storage/helpers.js';

const TOPIC = GROUP_METADATA_TOPIC_NAME;
const COMMIT_TIMEOUT_MS = 5000;

const acceptIsr: IsrWriter = { writeIsr: async (_t, _p, _l, _e, _isr, version) => version + 1 };

async function setup(options: { isr: number[]; replicas: number[]; minIsr?: number }) {
  const clock = new ManualClock();
  const timer = new ManualTimer(clock);
  const log = openLog(tempDir(), testConfig({ minInsyncReplicas: options.minIsr ?? 1 }), clock, {
    topic: TOPIC,
  });
  // The replica manager and the coordinator log need only this partition's log of the registry.
  const topics = {
    replicaLog: () => log,
    logFor: () => log,
    partitionCount: () => 1,
  } as unknown as TopicRegistry;
  const replicas = new ReplicaManager({
    topics,
    clock,
    logger,
    brokerId: 1,
    isrWriter: acceptIsr,
    timer,
    config: {
      replicaLagTimeMaxMs: 30_000,
      replicaFetchWaitMaxMs: 500,
      replicaFetchMinBytes: 1,
      replicaFetchMaxBytes: 1 << 20,
      replicaFetchResponseMaxBytes: 1 << 20,
      replicaFetchBackoffMs: 100,
      replicaSocketTimeoutMs: 30_000,
      numReplicaFetchers: 1,
    },
  });
  const state: PartitionState = {
    topic: TOPIC,
    partition: 0,
    leader: 1,
    leaderEpoch: 1,
    isr: options.isr,
    replicas: options.replicas,
    partitionEpoch: 1,
    controllerEpoch: 1,
  };
  // Broker 2 is never reachable: this test fetches as the follower itself.
  await replicas.applyPartitionStates(
    [state],
    [{ id: 1, host: '127.0.0.1', port: 1, rack: null, listeners: new Map() }],
  );
  const openCoordinatorLog = () => coordinatorPartitionLog(replicas, topics, TOPIC, 0);
  const groups = new GroupCoordinator({
    config: { ...DEFAULT_GROUP_COORDINATOR_CONFIG, offsetsTopicNumPartitions: 1 },
    offsetsLog: new PartitionLogOffsetsLog(openCoordinatorLog, clock, 0, COMMIT_TIMEOUT_MS),
    clock,
  });
  await groups.startup();
  const commit = (offset: bigint) =>
    groups.commitOffsets({
      groupId: 'g',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      partitions: [{ topic: 't', partition: 0, offset, leaderEpoch: 0, metadata: '' }],
    });
  const committed = () => groups.fetchOffsets('g', [{ topic: 't', partition: 0 }]).partitions[0]?.offset;
  /** Broker 2 fetches from the leader's log end, as a caught-up follower does. */
  const followerFetch = () =>
    replicas.fetch({
      replicaId: 2,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      partitions: [{ topic: TOPIC, partition: 0, fetchOffset: log.logEndOffset, partitionMaxBytes: 1 << 20 }],
    });
  return { clock, timer, log, replicas, groups, commit, committed, followerFetch, openCoordinatorLog };
}

/** Resolves to 'pending' if `promise` has not settled after the pending callbacks have run. */
async function stateOf<T>(promise: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([promise, new Promise<'pending'>((r) => setImmediate(() => r('pending')))]);
}

describe('coordinator writes wait for the ISR', () => {
  it('answers an offset commit once the follower has fetched it', async () => {
    const s = await setup({ isr: [1, 2], replicas: [1, 2] });
    const result = s.commit(10n);
    assert.equal(await stateOf(result), 'pending');
    assert.equal(s.replicas.delayedProduces, 1);
    assert.equal(s.committed(), -1n, 'not visible before the ISR has it');
    await s.followerFetch();
    assert.equal((await result)[0]?.error, 'NONE');
    assert.equal(s.committed(), 10n);
    assert.equal(s.log.highWatermark, s.log.logEndOffset);
  });

  it('answers COORDINATOR_NOT_AVAILABLE when the ISR does not have it in time', async () => {
    const s = await setup({ isr: [1, 2], replicas: [1, 2] });
    const result = s.commit(10n);
    assert.equal(await stateOf(result), 'pending');
    s.timer.advance(COMMIT_TIMEOUT_MS);
    assert.equal((await result)[0]?.error, 'COORDINATOR_NOT_AVAILABLE');
    assert.equal(s.committed(), -1n, 'a commit that timed out is not applied');
  });

  it('refuses with COORDINATOR_NOT_AVAILABLE while the ISR is below min.insync.replicas', async () => {
    const s = await setup({ isr: [1], replicas: [1, 2], minIsr: 2 });
    const before = s.log.logEndOffset;
    assert.equal((await s.commit(10n))[0]?.error, 'COORDINATOR_NOT_AVAILABLE');
    assert.equal(s.log.logEndOffset, before, 'nothing was written');
  });

  it('does not wait where the leader is the only replica', async () => {
    const s = await setup({ isr: [1], replicas: [1] });
    assert.equal((await stateOf(s.commit(10n))) === 'pending', false);
    assert.equal(s.replicas.delayedProduces, 0);
    assert.equal(s.committed(), 10n);
  });

  it('fails a transaction state write that times out with REQUEST_TIMED_OUT', async () => {
    const s = await setup({ isr: [1, 2], replicas: [1, 2] });
    const txnLog = new PartitionLogTransactionStateLog(s.openCoordinatorLog, s.clock);
    const write = txnLog.append(0, { transactionalId: 'tx', value: null });
    const outcome = write.then(
      () => 'ok',
      (err: { kafkaError?: string }) => err.kafkaError,
    );
    assert.equal(await stateOf(outcome), 'pending');
    s.timer.advance(30_000);
    assert.equal(await outcome, 'REQUEST_TIMED_OUT');
  });

  describe('transaction markers (acks=-1, as Kafka appends WriteTxnMarkers)', () => {
    const markerWriter = (s: Awaited<ReturnType<typeof setup>>, timeoutMs: number) =>
      new LocalTxnMarkerWriter({
        logFor: (topic, partition) => s.replicas.markerLog(topic, partition),
        awaitReplicated: (appended) =>
          s.replicas.awaitHighWatermark(
            appended.map((a) => ({ topic: a.topic, partition: a.partition, requiredOffset: a.nextOffset })),
            timeoutMs,
          ),
        clock: s.clock,
        logger,
      });
    const marker = { producerId: 7n, producerEpoch: 0, coordinatorEpoch: 0, committed: true };

    it('count once the follower has fetched the marker', async () => {
      const s = await setup({ isr: [1, 2], replicas: [1, 2] });
      const written = markerWriter(s, 30_000).writeMarkers({
        ...marker,
        partitions: [{ topic: TOPIC, partition: 0 }],
      });
      assert.equal(await stateOf(written), 'pending');
      assert.ok(s.log.highWatermark < s.log.logEndOffset, 'the marker is not yet replicated');
      await s.followerFetch();
      assert.deepEqual([...(await written)], []);
    });

    it('answer REQUEST_TIMED_OUT when the ISR does not get the marker in time', async () => {
      const s = await setup({ isr: [1, 2], replicas: [1, 2] });
      const written = markerWriter(s, 1000).writeMarkers({
        ...marker,
        partitions: [{ topic: TOPIC, partition: 0 }],
      });
      assert.equal(await stateOf(written), 'pending');
      s.timer.advance(1000);
      assert.deepEqual([...(await written)], [[`${TOPIC}\u00000`, 'REQUEST_TIMED_OUT']]);
    });
  });
});
