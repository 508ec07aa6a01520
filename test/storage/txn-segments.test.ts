import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { batchesIn } from '../../src/protocol/records/record-batch.js';
import type { Log } from '../../src/storage/log.js';
import { append, batch, marker, openLog, producerBatch, tempDir, testConfig } from './helpers.js';

// Transactions whose data and markers lie in different segments: the aborted-transaction index
// entry lives with the ABORT marker, the LSO with the first open batch, whichever segments those are.

const SMALL_SEGMENTS = testConfig({ segmentBytes: 400 });

/** What a read_committed fetch at `offset` returns: its batches' end and the aborted txns. */
function readCommitted(log: Log, offset: bigint, maxBytes: number) {
  const { records } = log.read(offset, maxBytes, true, log.lastStableOffset);
  let upperBound = -1n;
  for (const b of batchesIn(records)) upperBound = b.nextOffset;
  assert.ok(upperBound > offset, `a read at ${offset} returns data`);
  return { upperBound, aborted: log.abortedTransactions(offset, upperBound) };
}

/** A transaction of producer `pid`: `batches` batches of 2 records, then its marker. */
function transaction(log: Log, pid: bigint, batches: number, commit: boolean) {
  const first = log.logEndOffset;
  for (let i = 0; i < batches; i++) append(log, producerBatch(pid, 0, i * 2, 2, true));
  const markerOffset = append(log, marker(pid, 0, commit), 'coordinator').firstOffset;
  return { first, markerOffset };
}

function removeFiles(dir: string, suffix: string): void {
  for (const name of fs.readdirSync(dir)) if (name.endsWith(suffix)) fs.rmSync(path.join(dir, name));
}

describe('transactions spanning segments', () => {
  it('reports an aborted transaction to reads of every segment holding its data', () => {
    const log = openLog(tempDir(), SMALL_SEGMENTS);
    const { first, markerOffset } = transaction(log, 5n, 30, false);
    assert.ok(log.numberOfSegments >= 5, `needs several segments, has ${log.numberOfSegments}`);
    const markerSegment = log
      .segmentBaseOffsets()
      .filter((b) => b <= markerOffset)
      .pop()!;
    assert.ok(markerSegment > first, 'the marker is in a later segment than the first batch');
    const expected = [{ producerId: 5n, firstOffset: first, lastOffset: markerOffset }];
    // One batch at a time from the start, and a read from the middle of every data segment.
    for (const offset of [first, ...log.segmentBaseOffsets().filter((b) => b < markerOffset)]) {
      const { aborted } = readCommitted(log, offset, 1);
      assert.deepEqual(
        aborted.map(({ producerId, firstOffset, lastOffset }) => ({ producerId, firstOffset, lastOffset })),
        expected,
        `read at ${offset}`,
      );
    }
    // Past the marker, nothing is reported.
    append(log, batch(1));
    assert.deepEqual(readCommitted(log, markerOffset + 1n, 1).aborted, []);
  });

  it('reports only the aborted one of interleaved transactions spread over segments', () => {
    const log = openLog(tempDir(), SMALL_SEGMENTS);
    for (let i = 0; i < 20; i++) {
      append(log, producerBatch(1n, 0, i * 2, 2, true));
      append(log, producerBatch(2n, 0, i * 2, 2, true));
    }
    append(log, marker(1n, 0, true), 'coordinator');
    append(log, batch(3));
    const abortAt = append(log, marker(2n, 0, false), 'coordinator').firstOffset;
    assert.ok(log.numberOfSegments >= 4);
    // The first batch (offsets 0-1) is producer 1's; the one at 2 starts the aborted transaction.
    assert.deepEqual(readCommitted(log, 0n, 1).aborted, []);
    const { aborted } = readCommitted(log, 2n, 1);
    assert.deepEqual(aborted, [
      // The LSO recorded with it: nothing is open once it is aborted, so the offset after its marker.
      { producerId: 2n, firstOffset: 2n, lastOffset: abortAt, lastStableOffset: abortAt + 1n },
    ]);
  });

  it('keeps the LSO at the first open batch across rolls, a clean restart and a crash', () => {
    const dir = tempDir();
    const log = openLog(dir, SMALL_SEGMENTS);
    append(log, batch(2)); // 0-1
    append(log, producerBatch(7n, 0, 0, 2, true)); // 2-3, stays open
    for (let i = 0; i < 20; i++) append(log, batch(2, { valueSize: 50 }));
    assert.ok(log.numberOfSegments >= 4);
    assert.equal(log.lastStableOffset, 2n);
    log.close();
    const reopened = openLog(dir, SMALL_SEGMENTS, undefined, { highWatermark: 1000n });
    assert.equal(reopened.lastStableOffset, 2n, 'after a clean restart');
    // A crash that also lost every snapshot: the state is replayed from the first segment.
    removeFiles(dir, '.snapshot');
    const crashed = openLog(dir, SMALL_SEGMENTS, undefined, { highWatermark: 1000n });
    assert.equal(crashed.lastStableOffset, 2n, 'after a crash');
    append(crashed, marker(7n, 0, true), 'coordinator');
    assert.equal(crashed.lastStableOffset, crashed.logEndOffset);
  });

  it('keeps the LSO at the log start when DeleteRecords removes the start of an open transaction', () => {
    const log = openLog(tempDir(), SMALL_SEGMENTS);
    for (let i = 0; i < 20; i++) append(log, producerBatch(9n, 0, i * 2, 2, true));
    assert.equal(log.lastStableOffset, 0n);
    log.deleteRecordsBefore(17n);
    assert.ok(log.segmentBaseOffsets()[0]! > 0n, 'whole segments were deleted');
    assert.equal(log.logStartOffset, 17n);
    assert.equal(log.lastStableOffset, 17n, 'never below the log start offset');
    const markerOffset = append(log, marker(9n, 0, false), 'coordinator').firstOffset;
    const { aborted } = readCommitted(log, 17n, 1);
    assert.deepEqual(
      aborted.map((t) => [t.firstOffset, t.lastOffset]),
      [[0n, markerOffset]],
    );
  });

  it('still finds an aborted transaction after retention deleted its first segments, also after a crash', () => {
    const dir = tempDir();
    const config = testConfig({ segmentBytes: 400, retentionBytes: 1200, retentionMs: -1 });
    const log = openLog(dir, config);
    const { markerOffset } = transaction(log, 4n, 30, false);
    append(log, batch(1));
    assert.ok(log.deleteOldSegments() > 0, 'retention deleted segments');
    const start = log.logStartOffset;
    assert.ok(
      start > 0n && start < markerOffset,
      `part of the aborted data is still in the log (${start}, ${markerOffset})`,
    );
    const check = (l: Log, label: string) => {
      const { aborted } = readCommitted(l, start, 1);
      assert.deepEqual(
        aborted.map((t) => [t.producerId, t.lastOffset]),
        [[4n, markerOffset]],
        label,
      );
      assert.ok(aborted[0]!.firstOffset <= start, `${label}: covers the first batch left`);
    };
    check(log, 'after retention');
    // Crash without snapshots or indexes: replay from the first remaining segment rebuilds the entry.
    removeFiles(dir, '.snapshot');
    removeFiles(dir, '.txnindex');
    const crashed = openLog(dir, config, undefined, { logStartOffset: start, highWatermark: 10_000n });
    check(crashed, 'after a crash');
  });
});
