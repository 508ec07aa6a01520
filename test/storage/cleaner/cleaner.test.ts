import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ControlRecordType, encodeEndTxnMarkerBatch } from '../../../src/protocol/records/control-batch.js';
import {
  batchesIn,
  CompressionCodec,
  hasDeleteHorizon,
  type RecordBatchView,
} from '../../../src/protocol/records/record-batch.js';
import { ManualClock } from '../../../src/util/clock.js';
import { InvalidRecordError } from '../../../src/util/errors.js';
import { openLog, tempDir, testConfig } from '../helpers.js';
import { append, cleanOnce, keyedBatch, latestPerKey, readAll, TS } from './helpers.js';

function allBatches(log: ReturnType<typeof openLog>): RecordBatchView[] {
  return [...log.batchesFrom(log.logStartOffset)];
}

describe('Cleaner', () => {
  it('keeps only the latest record of each key, at its original offset', async () => {
    const clock = new ManualClock(Number(TS));
    const log = openLog(tempDir(), testConfig({ segmentBytes: 1024, cleanupPolicy: 'compact' }), clock);
    for (let i = 0; i < 200; i++) append(log, keyedBatch([[`k${i % 10}`, `v${i}`]]));
    log.roll();
    const before = readAll(log);
    const segmentsBefore = log.numberOfSegments;
    const { endOffset, stats } = await cleanOnce(log, clock);
    assert.equal(endOffset, 200n);
    const after = readAll(log);
    assert.deepEqual(
      after,
      [...latestPerKey(before).values()].sort((a, b) => Number(a.offset - b.offset)),
    );
    assert.equal(after.length, 10);
    assert.deepEqual(
      after.map((r) => r.offset),
      Array.from({ length: 10 }, (_, i) => BigInt(190 + i)),
    );
    assert.equal(log.numberOfSegments, segmentsBefore, 'full segments are cleaned one by one');
    assert.equal(log.logEndOffset, 200n, 'offsets never change');
    assert.equal(stats.messagesRead, 200);
    assert.equal(stats.messagesWritten, 10);
    // A fetch in a removed range lands on the next retained batch.
    assert.equal([...batchesIn(log.read(5n, 1 << 20, true).records)][0]!.baseOffset, 190n);

    // The next clean groups the now small segments into one.
    append(log, keyedBatch([['k0', 'last']]));
    log.roll();
    await cleanOnce(log, clock, endOffset);
    assert.equal(log.numberOfSegments, 2, 'one cleaned segment plus the active one');
    assert.equal(readAll(log).length, 10);
  });

  it('never touches the active segment', async () => {
    const clock = new ManualClock(Number(TS));
    const log = openLog(tempDir(), testConfig({ segmentBytes: 1024, cleanupPolicy: 'compact' }), clock);
    for (let i = 0; i < 30; i++) append(log, keyedBatch([['same', `v${i}`]]));
    const activeBase = log.segmentBaseOffsets().at(-1)!;
    const activeRecords = readAll(log).filter((r) => r.offset >= activeBase);
    assert.ok(activeRecords.length > 1);
    await cleanOnce(log, clock);
    const after = readAll(log);
    assert.deepEqual(
      after.filter((r) => r.offset >= activeBase),
      activeRecords,
    );
    // The map covers the cleanable section only: its latest value there stays, older ones go.
    assert.deepEqual(
      after.filter((r) => r.offset < activeBase).map((r) => r.offset),
      [activeBase - 1n],
    );
  });

  it('keeps tombstones until delete.retention.ms has passed, then drops them', async () => {
    const clock = new ManualClock(Number(TS));
    const deleteRetentionMs = 60_000;
    const log = openLog(
      tempDir(),
      testConfig({ segmentBytes: 512, cleanupPolicy: 'compact', deleteRetentionMs }),
      clock,
    );
    append(log, keyedBatch([['a', 'a1']]));
    append(log, keyedBatch([['b', 'b1']]));
    append(log, keyedBatch([['a', null]]));
    log.roll();
    const first = await cleanOnce(log, clock);
    assert.deepEqual(
      readAll(log).map((r) => [r.key, r.value]),
      [
        ['b', 'b1'],
        ['a', null],
      ],
    );
    const tombstoneBatch = allBatches(log).find((b) => b.baseOffset === 2n)!;
    assert.ok(hasDeleteHorizon(tombstoneBatch.attributes), 'the tombstone batch carries its delete horizon');
    assert.equal(tombstoneBatch.baseTimestamp, TS + BigInt(deleteRetentionMs));

    // Before the horizon a later clean keeps it; after it, the tombstone goes.
    append(log, keyedBatch([['c', 'c1']]));
    log.roll();
    const second = await cleanOnce(log, clock, first.endOffset);
    assert.ok(readAll(log).some((r) => r.key === 'a'));
    clock.advance(deleteRetentionMs + 1);
    append(log, keyedBatch([['d', 'd1']]));
    log.roll();
    await cleanOnce(log, clock, second.endOffset);
    assert.deepEqual(
      readAll(log).map((r) => [r.key, r.value]),
      [
        ['b', 'b1'],
        ['c', 'c1'],
        ['d', 'd1'],
      ],
    );
  });

  it('refuses records without a key on a compacted topic, as Kafka', () => {
    const log = openLog(tempDir(), testConfig({ cleanupPolicy: 'compact,delete' }));
    assert.throws(
      () =>
        log.appendAsLeader(
          keyedBatch(
            [
              ['a', '1'],
              [null, 'no key'],
            ],
            { codec: CompressionCodec.Lz4 },
          ),
          0,
        ),
      /Compacted topic cannot accept message without key/,
    );
    assert.throws(() => log.appendAsLeader(keyedBatch([[null, 'no key']]), 0), InvalidRecordError);
    assert.equal(log.logEndOffset, 0n);
    log.appendAsLeader(keyedBatch([['a', '1']]), 0);
    assert.equal(log.logEndOffset, 1n);
  });

  it('drops records without a key and rewrites a compressed batch with its codec, offsets and CRC', async () => {
    const clock = new ManualClock(Number(TS));
    // Written before the topic became compacted (a compacted topic refuses records without a key).
    const log = openLog(tempDir(), testConfig({ cleanupPolicy: 'delete' }), clock);
    append(
      log,
      keyedBatch(
        [
          ['x', 'x1'],
          ['y', 'y1'],
          [null, 'no key'],
          ['x', 'x2'],
          ['z', 'z1'],
        ],
        { codec: CompressionCodec.Gzip },
      ),
    );
    log.updateConfig(testConfig({ cleanupPolicy: 'compact' }));
    append(log, keyedBatch([['y', 'y2']]));
    log.roll();
    const { stats } = await cleanOnce(log, clock);
    assert.equal(stats.invalidMessages, 1);
    const batches = allBatches(log);
    assert.equal(batches.length, 2);
    const rewritten = batches[0]!;
    assert.ok(rewritten.isValid());
    assert.equal(rewritten.compression, CompressionCodec.Gzip);
    assert.equal(rewritten.baseOffset, 0n);
    assert.equal(rewritten.lastOffset, 4n, 'the batch keeps its last offset (the producer sequence)');
    assert.equal(rewritten.recordCount, 2);
    assert.deepEqual(
      readAll(log).map((r) => [r.offset, r.key, r.value]),
      [
        [3n, 'x', 'x2'],
        [4n, 'z', 'z1'],
        [5n, 'y', 'y2'],
      ],
    );
  });

  it('removes aborted transactions at once, keeps committed ones, and drops markers only when safe', async () => {
    const clock = new ManualClock(Number(TS));
    const deleteRetentionMs = 1000;
    const log = openLog(
      tempDir(),
      testConfig({ segmentBytes: 400, cleanupPolicy: 'compact', deleteRetentionMs }),
      clock,
    );
    const marker = (producerId: bigint, type: ControlRecordType) =>
      encodeEndTxnMarkerBatch({
        producerId,
        producerEpoch: 0,
        marker: { type, coordinatorEpoch: 0 },
        timestampMs: TS,
      });
    const txn = { producerEpoch: 0, transactional: true };
    append(log, keyedBatch([['k1', 'committed-1']], { ...txn, producerId: 1n, baseSequence: 0 }));
    append(log, keyedBatch([['k2', 'aborted-2']], { ...txn, producerId: 2n, baseSequence: 0 }));
    append(log, keyedBatch([['k1', 'aborted-1']], { ...txn, producerId: 2n, baseSequence: 1 }));
    append(log, keyedBatch([['k3', 'committed-3']], { ...txn, producerId: 1n, baseSequence: 1 }));
    append(log, marker(2n, ControlRecordType.ABORT), 'coordinator');
    append(log, marker(1n, ControlRecordType.COMMIT), 'coordinator');
    append(log, keyedBatch([['k4', 'plain']]));
    log.roll();
    assert.equal(log.abortedTransactions(0n, log.logEndOffset).length, 1);

    const first = await cleanOnce(log, clock);
    assert.deepEqual(
      readAll(log).map((r) => [r.key, r.value]),
      [
        ['k1', 'committed-1'],
        ['k3', 'committed-3'],
        ['k4', 'plain'],
      ],
      'aborted data is gone, even where it was the latest value of k1',
    );
    const markersAfterFirst = allBatches(log).filter((b) => b.isControl && b.recordCount > 0);
    assert.equal(markersAfterFirst.length, 2, 'both markers stay while their transactions had data here');
    // The cleaned segment's transaction index still lists the aborted transaction.
    assert.equal(log.abortedTransactions(0n, log.logEndOffset).length, 1);

    // Producer 2 is still active: its last batch stays (emptied) so its sequence survives, and
    // with it the ABORT marker.
    const producer2 = allBatches(log).filter((b) => b.producerId === 2n && !b.isControl);
    assert.deepEqual(
      producer2.map((b) => [b.lastOffset, b.recordCount]),
      [[2n, 0]],
    );

    // Once the producer has expired, its empty batch goes; the next round finds the ABORT marker
    // alone, gives it a delete horizon, and the round after the horizon removes it.
    log.txns.producerState.removeExpiredProducers(clock.nowMs(), 0);
    let dirty = first.endOffset;
    for (const [i, advanceMs] of [0, 0, deleteRetentionMs + 1].entries()) {
      clock.advance(advanceMs);
      append(log, keyedBatch([[`k${5 + i}`, 'v']]));
      log.roll();
      dirty = (await cleanOnce(log, clock, dirty)).endOffset;
    }
    assert.deepEqual(
      allBatches(log).filter((b) => b.producerId === 2n),
      [],
      'producer 2 left nothing: data, empty batch and marker are gone',
    );
    assert.equal(log.abortedTransactions(0n, log.logEndOffset).length, 0);
    assert.deepEqual(
      readAll(log).map((r) => r.value),
      ['committed-1', 'committed-3', 'plain', 'v', 'v', 'v'],
    );
  });

  it('serves consistent reads while a clean runs between them', async () => {
    const clock = new ManualClock(Number(TS));
    const log = openLog(tempDir(), testConfig({ segmentBytes: 2048, cleanupPolicy: 'compact' }), clock);
    for (let i = 0; i < 500; i++) append(log, keyedBatch([[`k${i % 25}`, `v${i}`]]));
    log.roll();
    const byOffset = (records: ReturnType<typeof readAll>) =>
      [...latestPerKey(records).values()].sort((a, b) => Number(a.offset - b.offset));
    const expected = byOffset(readAll(log));
    let done = false;
    const cleaning = cleanOnce(log, clock, undefined, { ioBufferSize: 1024 }).then(() => {
      done = true;
    });
    let reads = 0;
    while (!done) {
      assert.deepEqual(byOffset(readAll(log)), expected);
      reads++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await cleaning;
    assert.ok(reads > 1, 'reads ran while the clean was in progress');
    assert.deepEqual(readAll(log), expected);
  });
});
