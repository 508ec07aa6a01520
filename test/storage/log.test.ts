import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeCompressedBatch } from '../../src/protocol/compression/compressed-batch.js';
import { batchesIn, CompressionCodec, RecordBatchView } from '../../src/protocol/records/record-batch.js';
import { decodeRecords, encodeRecordBatch } from '../../src/protocol/records/records.js';
import { ManualClock } from '../../src/util/clock.js';
import {
  CorruptRecordError,
  InvalidRecordError,
  OffsetOutOfRangeError,
  RecordTooLargeError,
} from '../../src/util/errors.js';
import { batch, openLog, segmentFiles, tempDir, testConfig } from './helpers.js';

describe('Log.appendAsLeader', () => {
  it('assigns offsets, stamps the leader epoch and keeps the CRC valid', () => {
    const log = openLog(tempDir(), testConfig());
    const first = log.appendAsLeader(batch(3), 5);
    assert.deepEqual(first, {
      firstOffset: 0n,
      lastOffset: 2n,
      logAppendTimeMs: -1n,
      recordCount: 3,
      logStartOffset: 0n,
    });
    const second = log.appendAsLeader(Buffer.concat([batch(2), batch(4)]), 6);
    assert.equal(second.firstOffset, 3n);
    assert.equal(second.lastOffset, 8n);
    assert.equal(second.recordCount, 6);
    assert.equal(log.logEndOffset, 9n);

    const { records } = log.read(0n, 1 << 20, false);
    const views = [...batchesIn(records)];
    assert.deepEqual(
      views.map((v) => [v.baseOffset, v.lastOffset, v.partitionLeaderEpoch, v.isValid()]),
      [
        [0n, 2n, 5, true],
        [3n, 4n, 6, true],
        [5n, 8n, 6, true],
      ],
    );
    assert.deepEqual(
      decodeRecords(records, views[2]!.position).map((r) => r.offset),
      [5n, 6n, 7n, 8n],
    );
    log.close();
  });

  it('stamps LogAppendTime on every batch when the topic asks for it', () => {
    const clock = new ManualClock(1_800_000_000_000);
    const log = openLog(tempDir(), testConfig({ messageTimestampType: 'LogAppendTime' }), clock);
    const info = log.appendAsLeader(batch(2, { timestamp: 5n }), 0);
    assert.equal(info.logAppendTimeMs, 1_800_000_000_000n);
    const view = new RecordBatchView(log.read(0n, 1 << 20, false).records, 0);
    assert.equal(view.timestampType, 'LogAppendTime');
    assert.equal(view.maxTimestamp, 1_800_000_000_000n);
    assert.ok(view.isValid());
    assert.deepEqual(
      decodeRecords(view.buffer).map((r) => r.timestamp),
      [1_800_000_000_000n, 1_800_000_000_000n],
    );
    log.close();
  });

  it('rejects a CRC mismatch with CorruptRecordError and appends nothing', () => {
    const dir = tempDir();
    const log = openLog(dir, testConfig());
    log.appendAsLeader(batch(1), 0);
    const bad = batch(1);
    bad[bad.length - 1]! ^= 0xff;
    const good = batch(1);
    const request = Buffer.concat([good, bad]);
    const before = Buffer.from(request);
    assert.throws(() => log.appendAsLeader(request, 0), CorruptRecordError);
    assert.deepEqual(request, before, 'the good batch was not patched either');
    assert.equal(log.logEndOffset, 1n);
    assert.equal(log.sizeInBytes, good.length);
    log.close();
  });

  it('rejects batches over max.message.bytes and appends over segment.bytes', () => {
    const log = openLog(tempDir(), testConfig({ maxMessageBytes: 500, segmentBytes: 1000 }));
    assert.throws(() => log.appendAsLeader(batch(1, { valueSize: 500 }), 0), RecordTooLargeError);
    const fits = () => batch(1, { valueSize: 300 });
    assert.throws(() => log.appendAsLeader(Buffer.concat([fits(), fits(), fits()]), 0), RecordTooLargeError);
    assert.equal(log.logEndOffset, 0n);
    assert.equal(log.appendAsLeader(fits(), 0).firstOffset, 0n);
    log.close();
  });

  it('rejects inconsistent counts, trailing garbage, legacy formats and empty requests', () => {
    const log = openLog(tempDir(), testConfig());
    const inconsistent = encodeRecordBatch([
      { key: null, value: null, headers: [], timestamp: 0n },
      { key: null, value: null, headers: [], timestamp: 0n, offsetDelta: 5 },
    ]);
    assert.throws(() => log.appendAsLeader(inconsistent, 0), InvalidRecordError);
    assert.throws(
      () => log.appendAsLeader(Buffer.concat([batch(1), Buffer.alloc(7)]), 0),
      CorruptRecordError,
    );
    const truncated = batch(1);
    assert.throws(
      () => log.appendAsLeader(truncated.subarray(0, truncated.length - 1), 0),
      CorruptRecordError,
    );
    const legacy = Buffer.from(
      '0000000000000000' +
        '00000017' +
        '00000000' +
        '01' +
        '00' +
        '0000000000000001' +
        'ffffffff' +
        '0000000161',
      'hex',
    );
    assert.throws(() => log.appendAsLeader(legacy, 0), InvalidRecordError);
    assert.throws(() => log.appendAsLeader(Buffer.alloc(0), 0), InvalidRecordError);
    assert.equal(log.logEndOffset, 0n);
    log.close();
  });

  it('stores a compressed batch as it arrived', () => {
    const log = openLog(tempDir(), testConfig());
    // compression.type=producer (the default): validated, then stored with the producer's codec.
    const compressed = encodeCompressedBatch(
      [{ key: null, value: Buffer.from('x'), headers: [], timestamp: 0n }],
      CompressionCodec.Gzip,
    );
    log.appendAsLeader(compressed, 0);
    const read = log.read(0n, 1 << 20, false).records;
    assert.equal(read.length, compressed.length);
    assert.equal(new RecordBatchView(read, 0).compression, 1);
    log.close();
  });
});

describe('Log.read', () => {
  function logWithTenBatches() {
    const log = openLog(tempDir(), testConfig());
    for (let i = 0; i < 10; i++) log.appendAsLeader(batch(2), 0); // offsets 2i, 2i+1
    return { log, size: batch(2).length };
  }

  it('starts at the batch holding fetchOffset and returns whole batches within maxBytes', () => {
    const { log, size } = logWithTenBatches();
    const result = log.read(5n, size * 3 + 10, false);
    assert.equal(result.records.length, size * 3);
    assert.equal(new RecordBatchView(result.records, 0).baseOffset, 4n);
    assert.equal(result.logEndOffset, 20n);
    assert.equal(result.logStartOffset, 0n);
    log.close();
  });

  it('returns one batch larger than maxBytes only with minOneMessage', () => {
    const { log, size } = logWithTenBatches();
    assert.equal(log.read(0n, 10, false).records.length, 0);
    assert.equal(log.read(0n, 10, true).records.length, size);
    log.close();
  });

  it('never returns batches at or past maxOffset', () => {
    const { log, size } = logWithTenBatches();
    assert.equal(log.read(0n, 1 << 20, false, 6n).records.length, size * 3);
    assert.equal(log.read(0n, 1 << 20, false, 5n).records.length, size * 2, 'batch 4-5 straddles 5');
    assert.equal(log.read(6n, 1 << 20, true, 6n).records.length, 0);
    log.setHighWatermark(8n);
    assert.equal(log.read(0n, 1 << 20, false, log.highWatermark).records.length, size * 4);
    log.close();
  });

  it('throws OffsetOutOfRange outside [logStartOffset, logEndOffset] and is empty at the end', () => {
    const { log } = logWithTenBatches();
    assert.throws(() => log.read(21n, 100, true), OffsetOutOfRangeError);
    assert.throws(() => log.read(-1n, 100, true), OffsetOutOfRangeError);
    assert.equal(log.read(20n, 100, true).records.length, 0);
    log.setHighWatermark(20n);
    log.deleteRecordsBefore(7n);
    assert.throws(() => log.read(6n, 100, true), OffsetOutOfRangeError);
    assert.equal(new RecordBatchView(log.read(7n, 100, true).records, 0).baseOffset, 6n);
    log.close();
  });

  it('clamps the high watermark to the log', () => {
    const { log } = logWithTenBatches();
    log.setHighWatermark(100n);
    assert.equal(log.highWatermark, 20n);
    log.setHighWatermark(-5n);
    assert.equal(log.highWatermark, 0n);
    log.close();
  });
});

describe('segment roll', () => {
  it('rolls when the next append would pass segment.bytes', () => {
    const dir = tempDir();
    const size = batch(1).length;
    const log = openLog(dir, testConfig({ segmentBytes: size * 3 }));
    for (let i = 0; i < 7; i++) log.appendAsLeader(batch(1), 0);
    assert.deepEqual(log.segmentBaseOffsets(), [0n, 3n, 6n]);
    assert.deepEqual(segmentFiles(dir), [
      '00000000000000000000.index',
      '00000000000000000000.log',
      '00000000000000000000.timeindex',
      '00000000000000000003.index',
      '00000000000000000003.log',
      '00000000000000000003.timeindex',
      '00000000000000000006.index',
      '00000000000000000006.log',
      '00000000000000000006.timeindex',
    ]);
    // Reads cross segment boundaries one segment at a time.
    assert.equal(new RecordBatchView(log.read(3n, 1 << 20, false).records, 0).baseOffset, 3n);
    assert.equal(log.read(0n, 1 << 20, false).records.length, size * 3);
    log.close();
  });

  it('rolls when the active segment is older than segment.ms', () => {
    const clock = new ManualClock();
    const log = openLog(tempDir(), testConfig({ segmentMs: 60_000 }), clock);
    log.appendAsLeader(batch(1), 0);
    clock.advance(60_000);
    log.appendAsLeader(batch(1), 0);
    assert.deepEqual(log.segmentBaseOffsets(), [0n]);
    clock.advance(1);
    log.appendAsLeader(batch(1), 0);
    assert.deepEqual(log.segmentBaseOffsets(), [0n, 2n]);
    clock.advance(1_000_000);
    assert.deepEqual(log.segmentBaseOffsets(), [0n, 2n], 'time alone does not roll');
    log.close();
  });

  it('rolls each segment segment.jitter.ms early by its own random share, as Kafka does', () => {
    const clock = new ManualClock();
    const draws = [0.5, 0.25];
    const config = testConfig({ segmentMs: 60_000, segmentJitterMs: 20_000 });
    const log = openLog(tempDir(), config, clock, { random: () => draws.shift() ?? 0 });
    log.appendAsLeader(batch(1), 0);
    // First segment: jitter 0.5 * 20 s = 10 s, so it rolls once older than 50 s.
    clock.advance(50_000);
    log.appendAsLeader(batch(1), 0);
    assert.deepEqual(log.segmentBaseOffsets(), [0n]);
    clock.advance(1);
    log.appendAsLeader(batch(1), 0);
    assert.deepEqual(log.segmentBaseOffsets(), [0n, 2n]);
    // Second segment: its own draw, 0.25 * 20 s = 5 s, so 55 s.
    clock.advance(55_000);
    log.appendAsLeader(batch(1), 0);
    assert.deepEqual(log.segmentBaseOffsets(), [0n, 2n]);
    clock.advance(1);
    log.appendAsLeader(batch(1), 0);
    assert.deepEqual(log.segmentBaseOffsets(), [0n, 2n, 4n]);
    log.close();
  });

  it('bounds the jitter by segment.ms', () => {
    const clock = new ManualClock();
    const config = testConfig({ segmentMs: 1_000, segmentJitterMs: 1_000_000 });
    const log = openLog(tempDir(), config, clock, { random: () => 0.999 });
    log.appendAsLeader(batch(1), 0);
    // min(1,000,000, 1,000) * 0.999 = 999 ms off: rolls once older than 1 ms.
    clock.advance(2);
    log.appendAsLeader(batch(1), 0);
    assert.deepEqual(log.segmentBaseOffsets(), [0n, 1n]);
    log.close();
  });

  it('rolls when the offset index is full', () => {
    const log = openLog(tempDir(), testConfig({ indexIntervalBytes: 1, segmentIndexBytes: 24 }));
    for (let i = 0; i < 6; i++) log.appendAsLeader(batch(1), 0);
    // Entries are added from the second batch on; three 8-byte entries fill a 24-byte index (the
    // time index holds one entry: the timestamps never grow).
    assert.deepEqual(log.segmentBaseOffsets(), [0n, 4n]);
    log.close();
  });
});

describe('Log.offsetForTimestamp', () => {
  it('finds the first record at or after a timestamp, across batches and segments', () => {
    const batchAt = (i: number) =>
      encodeRecordBatch(
        [0, 1].map((j) => ({
          key: null,
          value: null,
          headers: [],
          timestamp: BigInt(1000 + i * 10 + j * 5),
        })),
      );
    const log = openLog(
      tempDir(),
      testConfig({ segmentBytes: batchAt(0).length * 4, indexIntervalBytes: 1 }),
    );
    for (let i = 0; i < 10; i++) log.appendAsLeader(batchAt(i), 0);
    // Offsets 2i, 2i+1 carry timestamps 1000+10i and 1005+10i.
    assert.deepEqual(log.offsetForTimestamp(0n), { offset: 0n, timestamp: 1000n, leaderEpoch: 0 });
    assert.deepEqual(log.offsetForTimestamp(1042n), { offset: 9n, timestamp: 1045n, leaderEpoch: 0 });
    assert.deepEqual(log.offsetForTimestamp(1045n), { offset: 9n, timestamp: 1045n, leaderEpoch: 0 });
    assert.deepEqual(log.offsetForTimestamp(1046n), { offset: 10n, timestamp: 1050n, leaderEpoch: 0 });
    assert.equal(log.offsetForTimestamp(1096n), null);
    assert.ok(log.segmentBaseOffsets().length > 1);
    log.close();
  });
});

describe('Log.truncateTo and appendAsFollower', () => {
  it('truncates to an offset and keeps appending from there', () => {
    const size = batch(2).length;
    const log = openLog(tempDir(), testConfig({ segmentBytes: size * 2 }));
    for (let i = 0; i < 5; i++) log.appendAsLeader(batch(2), 0);
    assert.deepEqual(log.segmentBaseOffsets(), [0n, 4n, 8n]);
    log.setHighWatermark(10n);
    assert.equal(log.truncateTo(6n), true);
    assert.equal(log.logEndOffset, 6n);
    assert.equal(log.highWatermark, 6n);
    assert.deepEqual(log.segmentBaseOffsets(), [0n, 4n]);
    assert.equal(log.appendAsLeader(batch(1), 1).firstOffset, 6n);
    log.close();
  });

  it('appends replicated batches with their own offsets', () => {
    const log = openLog(tempDir(), testConfig());
    const replicated = encodeRecordBatch([{ key: null, value: null, headers: [], timestamp: 0n }], {
      baseOffset: 0n,
      partitionLeaderEpoch: 3,
    });
    const next = encodeRecordBatch(
      [
        { key: null, value: null, headers: [], timestamp: 0n },
        { key: null, value: null, headers: [], timestamp: 0n },
      ],
      { baseOffset: 1n, partitionLeaderEpoch: 3 },
    );
    const info = log.appendAsFollower(Buffer.concat([replicated, next]));
    assert.equal(info.firstOffset, 0n);
    assert.equal(info.lastOffset, 2n);
    assert.equal(log.logEndOffset, 3n);
    assert.throws(() => log.appendAsFollower(replicated), InvalidRecordError);
    log.close();
  });
});
