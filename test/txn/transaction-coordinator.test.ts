import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { ManualTimer } from '../../src/group/timer.js';
import {
  decodeTransactionLogValue,
  encodeTransactionLogKey,
  encodeTransactionLogValue,
} from '../../src/protocol/internal/transaction-log-records.js';
import { ProducerIdManager } from '../../src/txn/producer-id-manager.js';
import {
  DEFAULT_TRANSACTION_COORDINATOR_CONFIG,
  TransactionCoordinator,
  type TxnMarkerWriter,
} from '../../src/txn/transaction-coordinator.js';
import { type TopicPartition, TransactionState } from '../../src/txn/transaction-metadata.js';
import { ManualClock } from '../../src/util/clock.js';
import { MemoryTransactionStateLog } from './memory-transaction-state-log.js';

interface WrittenMarker {
  producerId: bigint;
  producerEpoch: number;
  committed: boolean;
  partitions: string[];
}

class RecordingMarkers implements TxnMarkerWriter {
  readonly written: WrittenMarker[] = [];
  failWith: string | undefined;
  async writeMarkers(m: {
    producerId: bigint;
    producerEpoch: number;
    committed: boolean;
    partitions: readonly TopicPartition[];
  }): Promise<Map<string, string>> {
    if (this.failWith !== undefined) return new Map([['t\u00000', this.failWith]]);
    this.written.push({
      producerId: m.producerId,
      producerEpoch: m.producerEpoch,
      committed: m.committed,
      partitions: m.partitions.map((tp) => `${tp.topic}-${tp.partition}`).sort(),
    });
    return new Map();
  }
}

function setup(log = new MemoryTransactionStateLog()) {
  const clock = new ManualClock();
  const timer = new ManualTimer(clock);
  const markers = new RecordingMarkers();
  let nextId = 1000n;
  const coordinator = new TransactionCoordinator({
    config: { ...DEFAULT_TRANSACTION_COORDINATOR_CONFIG, abortTimedOutTransactionCleanupIntervalMs: 1000 },
    log,
    producerIds: { generateProducerId: () => nextId++ },
    markers,
    clock,
    timer,
  });
  return { coordinator, clock, timer, markers, log };
}

const tp = (topic: string, partition: number) => ({ topic, partition });

describe('TransactionCoordinator', () => {
  it('gives idempotent producers fresh ids at epoch 0', async () => {
    const { coordinator } = setup();
    await coordinator.startup();
    assert.deepEqual(await coordinator.initProducerId(null, 60000), {
      error: 'NONE',
      producerId: 1000n,
      producerEpoch: 0,
    });
    assert.equal((await coordinator.initProducerId(null, 60000)).producerId, 1001n);
  });

  it('bumps the epoch on every InitProducerId of a transactional id', async () => {
    const { coordinator } = setup();
    await coordinator.startup();
    const first = await coordinator.initProducerId('tx', 60000);
    assert.deepEqual(first, { error: 'NONE', producerId: 1000n, producerEpoch: 0 });
    const second = await coordinator.initProducerId('tx', 60000);
    assert.deepEqual(second, { error: 'NONE', producerId: 1000n, producerEpoch: 1 });
    assert.equal((await coordinator.initProducerId('tx', 0)).error, 'INVALID_TRANSACTION_TIMEOUT');
    assert.equal((await coordinator.initProducerId('tx', 900_001)).error, 'INVALID_TRANSACTION_TIMEOUT');
    assert.equal((await coordinator.initProducerId('', 1000)).error, 'INVALID_REQUEST');
    // KIP-360: a caller naming an epoch that is not current is fenced.
    const stale = await coordinator.initProducerId('tx', 60000, { producerId: 1000n, producerEpoch: 7 });
    assert.equal(stale.error, 'PRODUCER_FENCED');
  });

  it('commits: Ongoing, PrepareCommit, markers to every partition, CompleteCommit', async () => {
    const { coordinator, markers, log } = setup();
    await coordinator.startup();
    const { producerId, producerEpoch } = await coordinator.initProducerId('tx', 60000);
    assert.equal(
      await coordinator.addPartitions('tx', producerId, producerEpoch, [tp('a', 0), tp('b', 1)]),
      'NONE',
    );
    assert.equal(await coordinator.addPartitions('tx', producerId, producerEpoch, [tp('a', 0)]), 'NONE');
    assert.equal(coordinator.get('tx')!.state, TransactionState.Ongoing);
    assert.equal(await coordinator.endTransaction('tx', producerId, producerEpoch, true), 'NONE');
    assert.deepEqual(markers.written, [
      { producerId, producerEpoch, committed: true, partitions: ['a-0', 'b-1'] },
    ]);
    assert.equal(coordinator.get('tx')!.state, TransactionState.CompleteCommit);
    // A retried EndTxn(commit) succeeds; an abort now is a state error.
    assert.equal(await coordinator.endTransaction('tx', producerId, producerEpoch, true), 'NONE');
    assert.equal(
      await coordinator.endTransaction('tx', producerId, producerEpoch, false),
      'INVALID_TXN_STATE',
    );
    const states = [...log.replay(coordinator.partitionFor('tx'))].map((r) => r.value!.state);
    assert.deepEqual(states, [
      TransactionState.Empty,
      TransactionState.Ongoing,
      TransactionState.PrepareCommit,
      TransactionState.CompleteCommit,
    ]);
  });

  it('never lets a record written under an earlier partition mapping replace a newer state', async () => {
    const log = new MemoryTransactionStateLog();
    const first = setup(log);
    await first.coordinator.startup();
    await first.coordinator.initProducerId('my-group', 60000);
    assert.equal((await first.coordinator.initProducerId('my-group', 60000)).producerEpoch, 1);
    // "my-group".hashCode() is negative: Kafka's partition of 50 is 12; masking the sign bit gave 36,
    // where earlier builds wrote its states. Partition 36 loads after 12.
    assert.equal(first.coordinator.partitionFor('my-group'), 12);
    log.records.set(36, [log.records.get(12)![0]!]);
    const second = setup(log);
    await second.coordinator.startup();
    assert.equal(second.coordinator.get('my-group')?.producerEpoch, 1);
  });

  it("answers Kafka's errors for bad input", async () => {
    const { coordinator } = setup();
    await coordinator.startup();
    assert.equal(await coordinator.endTransaction('nobody', 1n, 0, true), 'INVALID_PRODUCER_ID_MAPPING');
    assert.equal(
      await coordinator.addPartitions('nobody', 1n, 0, [tp('a', 0)]),
      'INVALID_PRODUCER_ID_MAPPING',
    );
    const { producerId, producerEpoch } = await coordinator.initProducerId('tx', 60000);
    assert.equal(
      await coordinator.endTransaction('tx', producerId, producerEpoch, true),
      'INVALID_TXN_STATE',
    );
    assert.equal(
      await coordinator.endTransaction('tx', producerId + 1n, producerEpoch, true),
      'INVALID_PRODUCER_ID_MAPPING',
    );
    assert.equal(
      await coordinator.addPartitions('tx', producerId, producerEpoch - 1, [tp('a', 0)]),
      'PRODUCER_FENCED',
    );
  });

  it('fences an older instance: its transaction is aborted under a bumped epoch', async () => {
    const { coordinator, markers } = setup();
    await coordinator.startup();
    const old = await coordinator.initProducerId('tx', 60000);
    await coordinator.addPartitions('tx', old.producerId, old.producerEpoch, [tp('a', 0)]);
    const fresh = await coordinator.initProducerId('tx', 60000);
    assert.equal(fresh.producerEpoch, old.producerEpoch + 2);
    assert.deepEqual(markers.written, [
      {
        producerId: old.producerId,
        producerEpoch: old.producerEpoch + 1,
        committed: false,
        partitions: ['a-0'],
      },
    ]);
    assert.equal(
      await coordinator.endTransaction('tx', old.producerId, old.producerEpoch, true),
      'PRODUCER_FENCED',
    );
  });

  it('aborts a transaction that outlives transaction.timeout.ms', async () => {
    const { coordinator, markers, timer } = setup();
    await coordinator.startup();
    const p = await coordinator.initProducerId('tx', 5000);
    await coordinator.addPartitions('tx', p.producerId, p.producerEpoch, [tp('a', 0)]);
    timer.advance(4000);
    await new Promise((r) => setImmediate(r));
    assert.equal(markers.written.length, 0);
    timer.advance(2000);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.equal(markers.written.length, 1);
    assert.equal(markers.written[0]!.committed, false);
    assert.equal(coordinator.get('tx')!.state, TransactionState.CompleteAbort);
    assert.equal(
      await coordinator.endTransaction('tx', p.producerId, p.producerEpoch, true),
      'PRODUCER_FENCED',
    );
  });

  it('finishes a prepared commit after a restart and keeps a failed one prepared for retry', async () => {
    const first = setup();
    await first.coordinator.startup();
    const p = await first.coordinator.initProducerId('tx', 60000);
    await first.coordinator.addPartitions('tx', p.producerId, p.producerEpoch, [tp('a', 0)]);
    first.markers.failWith = 'NOT_LEADER_OR_FOLLOWER';
    assert.equal(await first.coordinator.endTransaction('tx', p.producerId, p.producerEpoch, true), 'NONE');
    assert.equal(first.coordinator.get('tx')!.state, TransactionState.PrepareCommit);
    first.coordinator.shutdown();

    const second = setup(first.log);
    await second.coordinator.startup();
    assert.deepEqual(second.markers.written, [
      { producerId: p.producerId, producerEpoch: p.producerEpoch, committed: true, partitions: ['a-0'] },
    ]);
    assert.equal(second.coordinator.get('tx')!.state, TransactionState.CompleteCommit);
    assert.equal(second.coordinator.get('tx')!.producerEpoch, p.producerEpoch);
  });

  it('lists and describes transactions', async () => {
    const { coordinator, clock } = setup();
    await coordinator.startup();
    const a = await coordinator.initProducerId('a', 60000);
    await coordinator.initProducerId('b', 60000);
    await coordinator.addPartitions('a', a.producerId, a.producerEpoch, [tp('t', 1), tp('t', 0)]);
    clock.advance(1500);
    assert.deepEqual(
      coordinator.listTransactions([], []).transactions.map((t) => [t.transactionalId, t.state]),
      [
        ['a', 'Ongoing'],
        ['b', 'Empty'],
      ],
    );
    const ongoing = coordinator.listTransactions(['Ongoing', 'Nope'], []);
    assert.deepEqual(ongoing.unknownStateFilters, ['Nope']);
    assert.deepEqual(
      ongoing.transactions.map((t) => t.transactionalId),
      ['a'],
    );
    assert.equal(coordinator.listTransactions([], [], 2000n).transactions.length, 0);
    assert.equal(coordinator.listTransactions([], [], 1000n).transactions.length, 1);
    const [described, missing] = coordinator.describeTransactions(['a', 'zzz']);
    assert.equal(described!.state, 'Ongoing');
    assert.deepEqual(described!.topics, [{ topic: 't', partitions: [0, 1] }]);
    assert.equal(described!.transactionTimeoutMs, 60000);
    assert.equal(missing!.error, 'TRANSACTIONAL_ID_NOT_FOUND');
  });
});

describe('__transaction_state records', () => {
  it("encodes the key and a v0 value in Kafka's layout", () => {
    assert.equal(encodeTransactionLogKey('tx').toString('hex'), '0000' + '0002' + '7478');
    const value = encodeTransactionLogValue({
      producerId: 5n,
      producerEpoch: 1,
      transactionTimeoutMs: 60000,
      transactionStatus: TransactionState.Ongoing,
      transactionPartitions: [{ topic: 't', partitionIds: [0, 2] }],
      transactionLastUpdateTimestampMs: 10n,
      transactionStartTimestampMs: 9n,
    });
    assert.equal(
      value.toString('hex'),
      '0000' + // version
        '0000000000000005' + // producerId
        '0001' + // producerEpoch
        '0000ea60' + // transactionTimeoutMs
        '01' + // transactionStatus
        '00000001' +
        '0001' +
        '74' +
        '00000002' +
        '00000000' +
        '00000002' + // partitions
        '000000000000000a' + // lastUpdate
        '0000000000000009', // start
    );
    assert.equal(decodeTransactionLogValue(value).transactionPartitions![0]!.partitionIds[1], 2);
    const empty = encodeTransactionLogValue({
      producerId: 5n,
      producerEpoch: 1,
      transactionTimeoutMs: 60000,
      transactionStatus: TransactionState.Empty,
      transactionPartitions: null,
      transactionLastUpdateTimestampMs: 10n,
      transactionStartTimestampMs: -1n,
    });
    assert.equal(empty.subarray(17, 21).toString('hex'), 'ffffffff'); // null array
  });
});

describe('ProducerIdManager', () => {
  it('never hands out an id twice across restarts', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-pid-'));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const first = new ProducerIdManager(dir, 0);
    assert.equal(first.generateProducerId(), 0n);
    assert.equal(first.generateProducerId(), 1n);
    const block = JSON.parse(fs.readFileSync(path.join(dir, 'latest_producer_id_block'), 'utf8'));
    assert.deepEqual(block, { version: 1, broker: 0, block_start: '0', block_end: '999' });
    const second = new ProducerIdManager(dir, 0);
    assert.equal(second.generateProducerId(), 1000n);
  });
});
