import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualTimer } from '../../src/group/timer.js';
import {
  DEFAULT_TRANSACTION_COORDINATOR_CONFIG,
  TransactionCoordinator,
  type TxnMarkerWriter,
} from '../../src/txn/transaction-coordinator.js';
import { type TopicPartition, TransactionState } from '../../src/txn/transaction-metadata.js';
import { ManualClock } from '../../src/util/clock.js';
import { MemoryTransactionStateLog } from './memory-transaction-state-log.js';

/** Markers as Kafka's coordinator writes them after answering EndTxn (`answerWhenPrepared`). */

class RecordingMarkers implements TxnMarkerWriter {
  readonly written: { committed: boolean; partitions: string[] }[] = [];
  failWith: string | undefined;
  async writeMarkers(m: { committed: boolean; partitions: readonly TopicPartition[] }) {
    if (this.failWith !== undefined) return new Map([['t\u00000', this.failWith]]);
    this.written.push({
      committed: m.committed,
      partitions: m.partitions.map((tp) => `${tp.topic}-${tp.partition}`),
    });
    return new Map<string, string>();
  }
}

async function started() {
  const clock = new ManualClock();
  const log = new MemoryTransactionStateLog();
  const markers = new RecordingMarkers();
  const coordinator = new TransactionCoordinator({
    config: DEFAULT_TRANSACTION_COORDINATOR_CONFIG,
    log,
    producerIds: { generateProducerId: () => 7n },
    markers,
    clock,
    timer: new ManualTimer(clock),
  });
  await coordinator.startup();
  const { producerId, producerEpoch } = await coordinator.initProducerId('tx', 60_000);
  await coordinator.addPartitions('tx', producerId, producerEpoch, [{ topic: 'a', partition: 0 }]);
  const states = () => [...log.replay(coordinator.partitionFor('tx'))].map((r) => r.value!.state);
  return { coordinator, markers, producerId, producerEpoch, states };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('EndTxn answered once prepared', () => {
  it('answers after PrepareCommit, then writes the markers and CompleteCommit', async () => {
    const { coordinator, markers, producerId, producerEpoch, states } = await started();
    const answer = await coordinator.endTransaction('tx', producerId, producerEpoch, true, {
      answerWhenPrepared: true,
    });
    assert.equal(answer, 'NONE');
    assert.equal(coordinator.get('tx')!.state, TransactionState.PrepareCommit);
    assert.deepEqual(markers.written, []);
    // Until the markers are written the id is busy: a new transaction must wait (the client retries).
    const partition = [{ topic: 'a', partition: 0 }];
    assert.equal(
      await coordinator.addPartitions('tx', producerId, producerEpoch, partition),
      'CONCURRENT_TRANSACTIONS',
    );
    assert.equal(
      await coordinator.endTransaction('tx', producerId, producerEpoch, true),
      'CONCURRENT_TRANSACTIONS',
    );
    await nextTurn();
    assert.deepEqual(markers.written, [{ committed: true, partitions: ['a-0'] }]);
    assert.equal(coordinator.get('tx')!.state, TransactionState.CompleteCommit);
    assert.equal(coordinator.get('tx')!.pendingState, undefined);
    assert.deepEqual(states(), [
      TransactionState.Empty,
      TransactionState.Ongoing,
      TransactionState.PrepareCommit,
      TransactionState.CompleteCommit,
    ]);
    assert.equal(await coordinator.addPartitions('tx', producerId, producerEpoch, partition), 'NONE');
  });

  it('aborts the same way', async () => {
    const { coordinator, markers, producerId, producerEpoch } = await started();
    const opts = { answerWhenPrepared: true };
    assert.equal(await coordinator.endTransaction('tx', producerId, producerEpoch, false, opts), 'NONE');
    assert.equal(coordinator.get('tx')!.state, TransactionState.PrepareAbort);
    await nextTurn();
    assert.deepEqual(markers.written, [{ committed: false, partitions: ['a-0'] }]);
    assert.equal(coordinator.get('tx')!.state, TransactionState.CompleteAbort);
  });

  it('leaves the transaction prepared, not pending, when the markers fail', async () => {
    const { coordinator, markers, producerId, producerEpoch } = await started();
    markers.failWith = 'NOT_LEADER_OR_FOLLOWER';
    const opts = { answerWhenPrepared: true };
    assert.equal(await coordinator.endTransaction('tx', producerId, producerEpoch, true, opts), 'NONE');
    await nextTurn();
    assert.equal(coordinator.get('tx')!.state, TransactionState.PrepareCommit);
    assert.equal(coordinator.get('tx')!.pendingState, undefined);
    // The periodic task retries the markers.
    markers.failWith = undefined;
    await coordinator.abortTimedOutTransactions();
    assert.equal(coordinator.get('tx')!.state, TransactionState.CompleteCommit);
  });

  it('leaves a prepared transaction to the next load when stopped before the markers', async () => {
    const { coordinator, markers, producerId, producerEpoch } = await started();
    const opts = { answerWhenPrepared: true };
    assert.equal(await coordinator.endTransaction('tx', producerId, producerEpoch, true, opts), 'NONE');
    coordinator.shutdown();
    await nextTurn();
    assert.deepEqual(markers.written, []);
    assert.equal(coordinator.get('tx')!.state, TransactionState.PrepareCommit);
    assert.equal(coordinator.get('tx')!.pendingState, undefined);
  });
});
