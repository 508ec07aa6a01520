import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { crc32c } from '../../src/protocol/records/crc32c.js';
import { decodeSnapshot, encodeSnapshot, listSnapshots } from '../../src/storage/producer-snapshot.js';
import { ProducerStateEntry } from '../../src/storage/producer-state.js';
import { encodeEntry, TransactionIndex } from '../../src/storage/txn-index.js';
import { SamsaError } from '../../src/util/errors.js';
import { append, marker, openLog, producerBatch, tempDir, testConfig } from './helpers.js';

function kafkaError(name: string) {
  return (err: unknown) => err instanceof SamsaError && err.kafkaError === name;
}

describe('idempotent appends', () => {
  it('acknowledges a retried batch with its original offsets and writes nothing', () => {
    const log = openLog(tempDir(), testConfig());
    const first = log.appendAsLeader(producerBatch(7n, 0, 0, 3), 0);
    log.appendAsLeader(producerBatch(7n, 0, 3, 2), 0);
    const retry = log.appendAsLeader(producerBatch(7n, 0, 0, 3), 0);
    assert.equal(retry.firstOffset, first.firstOffset);
    assert.equal(retry.lastOffset, 2n);
    assert.equal(log.logEndOffset, 5n);
  });

  it('recognises only the last five batches of a producer', () => {
    const log = openLog(tempDir(), testConfig());
    for (let i = 0; i < 6; i++) log.appendAsLeader(producerBatch(7n, 0, i, 1), 0);
    // The first batch (sequence 0) fell out of the retained five: it is now out of order.
    assert.throws(
      () => log.appendAsLeader(producerBatch(7n, 0, 0, 1), 0),
      kafkaError('OUT_OF_ORDER_SEQUENCE_NUMBER'),
    );
    assert.equal(log.appendAsLeader(producerBatch(7n, 0, 1, 1), 0).firstOffset, 1n);
    assert.equal(log.logEndOffset, 6n);
  });

  it('refuses a gap in the sequence with OUT_OF_ORDER_SEQUENCE_NUMBER', () => {
    const log = openLog(tempDir(), testConfig());
    log.appendAsLeader(producerBatch(7n, 0, 0, 2), 0);
    assert.throws(
      () => log.appendAsLeader(producerBatch(7n, 0, 5, 1), 0),
      kafkaError('OUT_OF_ORDER_SEQUENCE_NUMBER'),
    );
    assert.equal(log.logEndOffset, 2n);
  });

  it('refuses an older epoch with INVALID_PRODUCER_EPOCH and a new epoch not starting at 0', () => {
    const log = openLog(tempDir(), testConfig());
    log.appendAsLeader(producerBatch(7n, 3, 0, 1), 0);
    assert.throws(
      () => log.appendAsLeader(producerBatch(7n, 2, 1, 1), 0),
      kafkaError('INVALID_PRODUCER_EPOCH'),
    );
    assert.throws(
      () => log.appendAsLeader(producerBatch(7n, 4, 9, 1), 0),
      kafkaError('OUT_OF_ORDER_SEQUENCE_NUMBER'),
    );
    assert.equal(log.appendAsLeader(producerBatch(7n, 4, 0, 1), 0).firstOffset, 1n);
  });

  it('answers UNKNOWN_PRODUCER_ID for a producer it has no record of whose sequence is not 0', () => {
    const log = openLog(tempDir(), testConfig());
    assert.throws(
      () => log.appendAsLeader(producerBatch(9n, 0, 42, 1), 0),
      kafkaError('UNKNOWN_PRODUCER_ID'),
    );
    assert.equal(log.logEndOffset, 0n);
  });

  it('still recognises a retry after a clean restart (snapshot) and after a crash (replay)', () => {
    const dir = tempDir();
    let log = openLog(dir, testConfig());
    log.appendAsLeader(producerBatch(7n, 0, 0, 3), 0);
    log.close();
    assert.deepEqual(listSnapshots(dir), [3n]);
    log = openLog(dir, testConfig());
    assert.equal(log.appendAsLeader(producerBatch(7n, 0, 0, 3), 0).firstOffset, 0n);
    log.appendAsLeader(producerBatch(7n, 0, 3, 2), 0);
    // No close: the next open finds the snapshot at 3 and replays the batch at 3..4.
    const crashed = openLog(dir, testConfig());
    assert.equal(crashed.appendAsLeader(producerBatch(7n, 0, 3, 2), 0).firstOffset, 3n);
    assert.equal(crashed.logEndOffset, 5n);
    assert.throws(
      () => crashed.appendAsLeader(producerBatch(7n, 0, 9, 1), 0),
      kafkaError('OUT_OF_ORDER_SEQUENCE_NUMBER'),
    );
  });
});

describe('transactions in the log', () => {
  it('holds the last stable offset at the first open transaction until its marker', () => {
    const log = openLog(tempDir(), testConfig());
    append(log, producerBatch(1n, 0, 0, 2)); // 0-1, plain idempotent
    append(log, producerBatch(2n, 0, 0, 3, true)); // 2-4, open
    append(log, producerBatch(3n, 0, 0, 1, true)); // 5, open
    assert.equal(log.lastStableOffset, 2n);
    append(log, marker(2n, 0, true), 'coordinator'); // 6
    assert.equal(log.lastStableOffset, 5n);
    append(log, marker(3n, 0, false), 'coordinator'); // 7
    assert.equal(log.lastStableOffset, 8n);
    assert.deepEqual(log.abortedTransactions(0n, 8n), [
      { producerId: 3n, firstOffset: 5n, lastOffset: 7n, lastStableOffset: 8n },
    ]);
    assert.deepEqual(log.abortedTransactions(0n, 5n), []);
    assert.deepEqual(log.abortedTransactions(8n, 20n), []);
  });

  it('refuses a non-transactional write during an open transaction, and stale markers', () => {
    const log = openLog(tempDir(), testConfig());
    append(log, producerBatch(2n, 1, 0, 1, true));
    assert.throws(() => append(log, producerBatch(2n, 1, 1, 1)), kafkaError('INVALID_TXN_STATE'));
    assert.throws(
      () => append(log, marker(2n, 0, true), 'coordinator'),
      kafkaError('INVALID_PRODUCER_EPOCH'),
    );
    append(log, marker(2n, 1, false, 5), 'coordinator');
    assert.throws(
      () => append(log, marker(2n, 1, false, 4), 'coordinator'),
      kafkaError('TRANSACTION_COORDINATOR_FENCED'),
    );
  });

  it('rebuilds open transactions and the aborted index after a crash', () => {
    const dir = tempDir();
    const log = openLog(dir, testConfig({ segmentBytes: 400 }));
    for (let i = 0; i < 4; i++) append(log, producerBatch(5n, 0, i * 2, 2, true));
    append(log, marker(5n, 0, false), 'coordinator');
    append(log, producerBatch(6n, 0, 0, 1, true));
    const lso = log.lastStableOffset;
    const aborted = log.abortedTransactions(0n, log.logEndOffset);
    assert.equal(aborted.length, 1);
    assert.ok(log.numberOfSegments > 1, 'the test needs several segments');
    // Lose the index files too: they are rebuilt from the log.
    for (const name of fs.readdirSync(dir)) if (name.endsWith('.txnindex')) fs.rmSync(path.join(dir, name));
    for (const name of fs.readdirSync(dir)) if (name.endsWith('.snapshot')) fs.rmSync(path.join(dir, name));
    const reopened = openLog(dir, testConfig({ segmentBytes: 400 }));
    reopened.setHighWatermark(reopened.logEndOffset);
    assert.equal(reopened.lastStableOffset, lso);
    assert.deepEqual(reopened.abortedTransactions(0n, reopened.logEndOffset), aborted);
  });
});

describe('file formats', () => {
  it('writes .txnindex entries as Kafka does (version, producerId, firstOffset, lastOffset, LSO)', () => {
    const entry = encodeEntry({
      producerId: 0x0102n,
      firstOffset: 3n,
      lastOffset: 9n,
      lastStableOffset: 10n,
    });
    assert.equal(
      entry.toString('hex'),
      '0000' + '0000000000000102' + '0000000000000003' + '0000000000000009' + '000000000000000a',
    );
    const dir = tempDir();
    const index = new TransactionIndex(path.join(dir, '00000000000000000000.txnindex'));
    index.append({ producerId: 1n, firstOffset: 0n, lastOffset: 4n, lastStableOffset: 5n });
    index.append({ producerId: 2n, firstOffset: 6n, lastOffset: 8n, lastStableOffset: 9n });
    index.close();
    // A torn tail is dropped on load.
    fs.appendFileSync(index.file, Buffer.alloc(10));
    const loaded = new TransactionIndex(index.file);
    assert.equal(loaded.size, 2);
    assert.equal(fs.statSync(index.file).size, 68);
    loaded.truncateTo(5n);
    assert.deepEqual(loaded.all(), [
      { producerId: 1n, firstOffset: 0n, lastOffset: 4n, lastStableOffset: 5n },
    ]);
  });

  it('writes producer snapshots in Kafka v1 layout with a CRC-32C over the entries', () => {
    const entry = new ProducerStateEntry(0x10n, 2, 7, 1000n, 40n, [
      { lastSeq: 9, lastOffset: 44n, offsetDelta: 4, timestamp: 1000n },
    ]);
    const bytes = encodeSnapshot([entry]);
    const body =
      '00000001' + // one entry
      '0000000000000010' + // producer_id
      '0002' + // epoch
      '00000009' + // last_sequence
      '000000000000002c' + // last_offset
      '00000004' + // offset_delta
      '00000000000003e8' + // timestamp
      '00000007' + // coordinator_epoch
      '0000000000000028'; // current_txn_first_offset
    const crc = crc32c(Buffer.from(body, 'hex')).toString(16).padStart(8, '0');
    assert.equal(bytes.toString('hex'), `0001${crc}${body}`);
    const [decoded] = decodeSnapshot(bytes);
    assert.equal(decoded!.producerEpoch, 2);
    assert.equal(decoded!.lastSeq, 9);
    assert.equal(decoded!.firstSeq, 5);
    assert.equal(decoded!.currentTxnFirstOffset, 40n);
    bytes[bytes.length - 1] ^= 1;
    assert.throws(() => decodeSnapshot(bytes), /corrupt/);
  });
});
