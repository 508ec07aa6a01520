import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import { LogManager } from '../../src/storage/log-manager.js';
import { ManualClock } from '../../src/util/clock.js';
import { OffsetOutOfRangeError } from '../../src/util/errors.js';
import { waitFor } from '../helpers/wait-for.js';
import { batch, logger, openLog, segmentFiles, tempDir, testConfig } from './helpers.js';

const size = batch(1).length;

describe('retention', () => {
  it('deletes whole segments older than retention.ms and moves the log start offset', async () => {
    const clock = new ManualClock();
    const dataDir = tempDir();
    const config = testConfig({ segmentBytes: size * 3, retentionMs: 10_000 });
    const logManager = new LogManager({ dataDir, defaults: config, logger, clock });
    await logManager.startup();
    const log = logManager.getOrCreate('orders', 0, config);
    for (let i = 0; i < 8; i++) {
      log.appendAsLeader(batch(1, { timestamp: BigInt(clock.nowMs()) }), 0);
      clock.advance(1_000);
    }
    log.setHighWatermark(log.logEndOffset);
    assert.deepEqual(log.segmentBaseOffsets(), [0n, 3n, 6n]);
    // Now = t0 + 8 s. Segment 0's newest record is t0 + 2 s, segment 3's is t0 + 5 s.
    clock.advance(4_001); // t0 + 12.001 s: only segment 0 is older than 10 s
    assert.equal(logManager.cleanupLogs(), 1);
    assert.deepEqual(log.segmentBaseOffsets(), [3n, 6n]);
    assert.equal(log.logStartOffset, 3n);
    assert.throws(() => log.read(2n, 1000, true), OffsetOutOfRangeError);
    assert.equal(fs.existsSync(`${log.dir}/00000000000000000000.log`), false);
    // file.delete.delay.ms = 0: the renamed files are removed in the background right away; on a
    // loaded disk that can take longer than a timer tick, so wait for it rather than a fixed time.
    await waitFor(() => fs.readdirSync(log.dir).every((name) => !name.endsWith('.deleted')), {
      timeoutMs: 5_000,
      description: 'the deleted segment files are removed',
    });
    logManager.shutdown();
  });

  it('deletes the oldest segments while the log exceeds retention.bytes', () => {
    const dir = tempDir();
    const log = openLog(
      dir,
      testConfig({ segmentBytes: size * 3, retentionBytes: size * 4, retentionMs: -1 }),
    );
    for (let i = 0; i < 9; i++) log.appendAsLeader(batch(1), 0);
    log.setHighWatermark(9n);
    assert.equal(log.deleteOldSegments(), 1); // 9 batches - 3 still leaves 6 >= 4; 6 - 3 < 4
    assert.deepEqual(log.segmentBaseOffsets(), [3n, 6n]);
    assert.equal(log.logStartOffset, 3n);
    assert.equal(segmentFiles(dir).length, 6);
    log.close();
  });

  it('never deletes past the high watermark', () => {
    const clock = new ManualClock();
    const log = openLog(tempDir(), testConfig({ segmentBytes: size * 2, retentionMs: 1 }), clock);
    for (let i = 0; i < 6; i++) log.appendAsLeader(batch(1, { timestamp: BigInt(clock.nowMs()) }), 0);
    clock.advance(10);
    log.setHighWatermark(3n);
    assert.equal(log.deleteOldSegments(), 1); // segment 2-3 holds offset 3 >= HW
    assert.deepEqual(log.segmentBaseOffsets(), [2n, 4n]);
    log.close();
  });

  it('rolls a fresh segment when every segment, the active one included, has expired', () => {
    const clock = new ManualClock();
    const log = openLog(tempDir(), testConfig({ segmentBytes: size * 2, retentionMs: 1 }), clock);
    for (let i = 0; i < 5; i++) log.appendAsLeader(batch(1, { timestamp: BigInt(clock.nowMs()) }), 0);
    log.setHighWatermark(5n);
    clock.advance(10);
    assert.equal(log.deleteOldSegments(), 3);
    assert.deepEqual(log.segmentBaseOffsets(), [5n]);
    assert.equal(log.logStartOffset, 5n);
    assert.equal(log.sizeInBytes, 0);
    assert.equal(log.appendAsLeader(batch(1), 0).firstOffset, 5n);
    log.close();
  });

  it('keeps everything under cleanup.policy=compact or with retention disabled', () => {
    const clock = new ManualClock();
    const keyedSize = batch(1, { key: 'k' }).length;
    const compacted = openLog(
      tempDir(),
      testConfig({ segmentBytes: keyedSize, retentionMs: 1, cleanupPolicy: 'compact' }),
      clock,
    );
    const forever = openLog(
      tempDir(),
      testConfig({ segmentBytes: keyedSize, retentionMs: -1, retentionBytes: -1 }),
      clock,
    );
    for (const log of [compacted, forever]) {
      // A compacted topic takes keyed records only (Kafka's LogValidator.validateKey).
      for (let i = 0; i < 3; i++) log.appendAsLeader(batch(1, { timestamp: 0n, key: 'k' }), 0);
      log.setHighWatermark(3n);
      assert.equal(log.deleteOldSegments(), 0);
      log.close();
    }
  });

  it('DeleteRecords moves the log start offset and drops segments wholly below it', () => {
    const log = openLog(tempDir(), testConfig({ segmentBytes: size * 2 }));
    for (let i = 0; i < 6; i++) log.appendAsLeader(batch(1), 0);
    assert.throws(() => log.deleteRecordsBefore(1n), OffsetOutOfRangeError, 'above the high watermark');
    log.setHighWatermark(6n);
    log.deleteRecordsBefore(3n);
    assert.equal(log.logStartOffset, 3n);
    assert.deepEqual(log.segmentBaseOffsets(), [2n, 4n]);
    log.deleteRecordsBefore(1n); // never moves backwards
    assert.equal(log.logStartOffset, 3n);
    log.close();
  });
});
