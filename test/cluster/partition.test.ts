import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DelayedProduce } from '../../src/cluster/delayed-produce.js';
import { Partition } from '../../src/cluster/partition.js';
import type { IsrWriter, PartitionState } from '../../src/cluster/partition-state.js';
import { DelayedOperationPurgatory } from '../../src/cluster/purgatory.js';
import { truncationOffset } from '../../src/cluster/replica-fetcher.js';
import type { AppendOutcome } from '../../src/cluster/replica-manager.js';
import { ManualTimer } from '../../src/group/timer.js';
import { ManualClock } from '../../src/util/clock.js';
import { SamsaError } from '../../src/util/errors.js';
import { batch, logger, openLog, tempDir, testConfig } from '../storage/helpers.js';

const LAG_MS = 30_000;

/** An IsrWriter that records each write and accepts it (new version = old + 1) unless told not to. */
class FakeIsrWriter implements IsrWriter {
  writes: { isr: readonly number[]; partitionEpoch: number }[] = [];
  refuse = false;
  async writeIsr(
    _topic: string,
    _partition: number,
    _leader: number,
    _leaderEpoch: number,
    isr: readonly number[],
    partitionEpoch: number,
  ): Promise<number | null> {
    this.writes.push({ isr: [...isr], partitionEpoch });
    return this.refuse ? null : partitionEpoch + 1;
  }
}

function state(overrides: Partial<PartitionState> = {}): PartitionState {
  return {
    topic: 'orders',
    partition: 0,
    leader: 1,
    leaderEpoch: 3,
    isr: [1, 2, 3],
    replicas: [1, 2, 3],
    partitionEpoch: 10,
    controllerEpoch: 1,
    ...overrides,
  };
}

function leader(options: { minIsr?: number } = {}) {
  const clock = new ManualClock();
  const writer = new FakeIsrWriter();
  let hwMoves = 0;
  const log = openLog(tempDir(), testConfig({ minInsyncReplicas: options.minIsr ?? 1 }), clock);
  const partition = new Partition({
    topic: 'orders',
    partition: 0,
    localBrokerId: 1,
    log,
    isrWriter: writer,
    clock,
    replicaLagTimeMaxMs: LAG_MS,
    logger,
    onHighWatermarkChanged: () => hwMoves++,
  });
  return { clock, writer, log, partition, hwMoves: () => hwMoves };
}

/** Lets the IsrWriter's promise settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Partition as leader', () => {
  it('stamps its epoch, records where it starts and moves the high watermark to the ISR minimum', () => {
    const { partition, log } = leader();
    partition.makeLeader(state());
    assert.deepEqual(log.epochs.entries(), [{ epoch: 3, startOffset: 0n }]);
    partition.appendAsLeader(batch(10), -1);
    assert.equal(log.logEndOffset, 10n);
    assert.equal(partition.highWatermark, 0n, 'no follower has fetched yet');

    partition.updateFollowerFetchState(2, 10n, 10n, 3);
    assert.equal(partition.highWatermark, 0n, 'follower 3 is in the ISR and has not fetched');
    partition.updateFollowerFetchState(3, 4n, 10n, 3);
    assert.equal(partition.highWatermark, 4n);
    partition.updateFollowerFetchState(3, 10n, 10n, 3);
    assert.equal(partition.highWatermark, 10n);
  });

  it('shrinks the ISR of a follower lagging past replica.lag.time.max.ms, then grows it back', async () => {
    const { partition, clock, writer } = leader();
    partition.makeLeader(state());
    partition.appendAsLeader(batch(5), 1);
    partition.updateFollowerFetchState(2, 5n, 5n, 3);
    partition.updateFollowerFetchState(3, 5n, 5n, 3);
    partition.appendAsLeader(batch(5), 1); // LEO 10; only follower 2 keeps up
    clock.advance(LAG_MS - 1);
    partition.updateFollowerFetchState(2, 10n, 10n, 3);
    partition.maybeShrinkIsr();
    assert.equal(writer.writes.length, 0, 'follower 3 is within the lag time');
    clock.advance(2);
    partition.updateFollowerFetchState(2, 10n, 10n, 3);
    partition.maybeShrinkIsr();
    assert.deepEqual(writer.writes, [{ isr: [1, 2], partitionEpoch: 10 }]);
    assert.equal(partition.highWatermark, 5n, 'a pending shrink still waits for the old ISR');
    await settle();
    assert.deepEqual(partition.isr, [1, 2]);
    assert.equal(partition.partitionEpoch, 11);
    assert.equal(partition.highWatermark, 10n, 'the committed shrink lets the high watermark move');

    partition.updateFollowerFetchState(3, 7n, 10n, 3);
    assert.equal(writer.writes.length, 1, 'below the high watermark: not back in yet');
    partition.updateFollowerFetchState(3, 10n, 10n, 3);
    assert.deepEqual(writer.writes[1], { isr: [1, 2, 3], partitionEpoch: 11 });
    await settle();
    assert.deepEqual(partition.isr, [1, 2, 3]);
  });

  it('stops changing the ISR after a refused write until a newer state arrives', async () => {
    const { partition, clock, writer } = leader();
    partition.makeLeader(state());
    partition.appendAsLeader(batch(1), 1);
    clock.advance(LAG_MS + 1);
    writer.refuse = true;
    partition.maybeShrinkIsr();
    await settle();
    assert.deepEqual(partition.isr, [1, 2, 3]);
    partition.maybeShrinkIsr();
    assert.equal(writer.writes.length, 1, 'waits for the controller instead of retrying');
    partition.makeLeader(state({ partitionEpoch: 12 }));
    writer.refuse = false;
    clock.advance(LAG_MS + 1);
    partition.maybeShrinkIsr();
    assert.equal(writer.writes.length, 2);
  });

  it('refuses acks=all below min.insync.replicas, and acks=1 still appends', () => {
    const { partition } = leader({ minIsr: 2 });
    partition.makeLeader(state({ isr: [1] }));
    assert.throws(
      () => partition.appendAsLeader(batch(1), -1),
      (e: unknown) => e instanceof SamsaError && e.kafkaError === 'NOT_ENOUGH_REPLICAS',
    );
    assert.equal(partition.appendAsLeader(batch(1), 1).firstOffset, 0n);
  });

  it('reports NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below min.insync.replicas', async () => {
    const { partition, clock } = leader({ minIsr: 2 });
    partition.makeLeader(state({ isr: [1, 2], replicas: [1, 2] }));
    partition.appendAsLeader(batch(3), -1);
    assert.deepEqual(partition.checkEnoughReplicasReachOffset(3n), { done: false });
    clock.advance(LAG_MS + 1);
    partition.maybeShrinkIsr();
    await settle();
    assert.deepEqual(partition.checkEnoughReplicasReachOffset(3n), {
      done: true,
      error: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
    });
  });

  it('fences requests by leader epoch and answers unknown replicas as Kafka', () => {
    const { partition } = leader();
    partition.makeLeader(state());
    const code = (fn: () => void) => {
      try {
        fn();
        return 'NONE';
      } catch (e) {
        return (e as SamsaError).kafkaError;
      }
    };
    assert.equal(
      code(() => partition.checkLeader(2)),
      'FENCED_LEADER_EPOCH',
    );
    assert.equal(
      code(() => partition.checkLeader(4)),
      'UNKNOWN_LEADER_EPOCH',
    );
    assert.equal(
      code(() => partition.checkLeader(3)),
      'NONE',
    );
    assert.equal(
      code(() => partition.checkLeader(-1)),
      'NONE',
    );
    assert.equal(
      code(() => partition.checkFollower(9, 3)),
      'UNKNOWN_LEADER_EPOCH',
    );
    assert.equal(
      code(() => partition.checkFollower(9, -1)),
      'NOT_LEADER_OR_FOLLOWER',
    );
    partition.makeFollower(state({ leader: 2, leaderEpoch: 4 }));
    assert.equal(
      code(() => partition.checkLeader(4)),
      'NOT_LEADER_OR_FOLLOWER',
    );
    assert.equal(
      code(() => partition.appendAsLeader(batch(1), 1)),
      'NOT_LEADER_OR_FOLLOWER',
    );
  });

  it('ignores an older state and takes a newer partition epoch at the same leader epoch', () => {
    const { partition } = leader();
    partition.makeLeader(state());
    assert.equal(partition.isNewer(state({ leaderEpoch: 2 })), false);
    assert.equal(partition.isNewer(state()), false);
    assert.equal(partition.isNewer(state({ partitionEpoch: 11 })), true);
    assert.equal(partition.isNewer(state({ leaderEpoch: 4, partitionEpoch: 1 })), true);
  });

  it('as follower applies the leader high watermark up to its own log end', () => {
    const { partition, log } = leader();
    partition.makeFollower(state({ leader: 2 }));
    const source = openLog(tempDir(), testConfig());
    source.appendAsLeader(batch(4), 3);
    log.appendAsFollower(source.read(0n, 1 << 20, true).records);
    partition.updateFollowerHighWatermark(100n);
    assert.equal(partition.highWatermark, 4n);
    partition.updateFollowerHighWatermark(2n);
    assert.equal(partition.highWatermark, 2n);
  });
});

describe('DelayedProduce', () => {
  function waitFor(partition: Partition, requiredOffset: bigint, timer: ManualTimer) {
    const purgatory = new DelayedOperationPurgatory<DelayedProduce>('Produce', timer);
    const answers: AppendOutcome[][] = [];
    const appended: AppendOutcome = {
      ok: true,
      firstOffset: 0n,
      lastOffset: requiredOffset - 1n,
      logAppendTimeMs: -1n,
      recordCount: Number(requiredOffset),
      logStartOffset: 0n,
    };
    const op = new DelayedProduce(
      5000,
      [{ topic: 'orders', partition: 0, requiredOffset, appended }],
      () => partition,
      (outcomes) => answers.push(outcomes),
    );
    purgatory.tryCompleteElseWatch(op, ['orders-0']);
    return { purgatory, answers };
  }
  const errorOf = (o: AppendOutcome | undefined) =>
    o && !o.ok ? (o.error as SamsaError).kafkaError : 'NONE';

  it('answers once the high watermark passes the batch', () => {
    const { partition, clock } = leader();
    partition.makeLeader(state({ isr: [1, 2], replicas: [1, 2] }));
    partition.appendAsLeader(batch(4), -1);
    const { purgatory, answers } = waitFor(partition, 4n, new ManualTimer(clock));
    partition.updateFollowerFetchState(2, 2n, 4n, 3);
    purgatory.checkAndComplete('orders-0');
    assert.equal(answers.length, 0);
    partition.updateFollowerFetchState(2, 4n, 4n, 3);
    purgatory.checkAndComplete('orders-0');
    assert.deepEqual(
      answers.map((a) => a.map(errorOf)),
      [['NONE']],
    );
    assert.equal(answers[0]![0]!.ok && answers[0]![0]!.firstOffset, 0n);
  });

  it('times out with REQUEST_TIMED_OUT, and answers NOT_LEADER_OR_FOLLOWER when leadership moves', () => {
    const { partition, clock } = leader();
    partition.makeLeader(state({ isr: [1, 2], replicas: [1, 2] }));
    partition.appendAsLeader(batch(4), -1);
    const timer = new ManualTimer(clock);
    const first = waitFor(partition, 4n, timer);
    timer.advance(5000);
    assert.deepEqual(
      first.answers.map((a) => a.map(errorOf)),
      [['REQUEST_TIMED_OUT']],
    );

    const second = waitFor(partition, 4n, timer);
    partition.makeFollower(state({ leader: 2, leaderEpoch: 4, isr: [2], replicas: [1, 2] }));
    second.purgatory.checkAndComplete('orders-0');
    assert.deepEqual(
      second.answers.map((a) => a.map(errorOf)),
      [['NOT_LEADER_OR_FOLLOWER']],
    );
  });
});

describe('follower truncation by leader epoch', () => {
  /** A follower whose log holds batches of the given (epoch, records) in order. */
  function follower(batches: [number, number][]) {
    const { partition, log } = leader();
    const source = openLog(tempDir(), testConfig());
    for (const [epoch, count] of batches) source.appendAsLeader(batch(count), epoch);
    log.appendAsFollower(source.read(0n, 1 << 20, true).records);
    partition.makeFollower(state({ leader: 2, leaderEpoch: 9 }));
    return partition;
  }

  it('truncates to the end of the epoch both replicas share', () => {
    // Follower: epoch 0 [0,10), epoch 1 [10,15). Leader says epoch 1 ended at 12.
    const p = follower([
      [0, 10],
      [1, 5],
    ]);
    assert.deepEqual(truncationOffset(p, 1, 12n), { offset: 12n, completed: true });
    assert.deepEqual(truncationOffset(p, 1, 20n), { offset: 15n, completed: true }, 'never past our end');
  });

  it('steps back to an older epoch when the leader answers one the follower never had', () => {
    // Follower: epoch 0 [0,10), epoch 2 [10,15); the leader's largest epoch <= 2 is 1.
    const p = follower([
      [0, 10],
      [2, 5],
    ]);
    assert.deepEqual(truncationOffset(p, 1, 12n), { offset: 10n, completed: false });
  });

  it('falls back to the high watermark when the leader has no epoch that old', () => {
    const p = follower([[0, 10]]);
    p.updateFollowerHighWatermark(6n);
    assert.deepEqual(truncationOffset(p, -1, -1n), { offset: 6n, completed: true });
  });
});
