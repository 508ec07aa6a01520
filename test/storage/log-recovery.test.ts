import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { batchesIn } from '../../src/protocol/records/record-batch.js';
import type { Log } from '../../src/storage/log.js';
import { CLEAN_SHUTDOWN_FILE, LogManager } from '../../src/storage/log-manager.js';
import { batch, logger, tempDir, testConfig } from './helpers.js';

const config = testConfig({ indexIntervalBytes: 256 });

async function manager(dataDir: string): Promise<LogManager> {
  const logManager = new LogManager({ dataDir, defaults: config, logger });
  await logManager.startup();
  return logManager;
}

/** Writes `batches` single-record batches to orders-0 and returns the partition directory. */
async function fillAndCrash(dataDir: string, batches: number): Promise<string> {
  const logManager = await manager(dataDir);
  const log = logManager.getOrCreate('orders', 0, config);
  for (let i = 0; i < batches; i++) log.appendAsLeader(batch(1, { timestamp: BigInt(i) }), 0);
  logManager.checkpoint(); // recovery point 0: nothing was flushed
  // A crash: no shutdown, no clean marker; file handles just go away.
  log.close();
  return log.dir;
}

/** Base offsets of every batch, reading segment by segment as a consumer would. */
function readAll(log: Log): bigint[] {
  const offsets: bigint[] = [];
  let next = log.logStartOffset;
  while (next < log.logEndOffset) {
    for (const b of batchesIn(log.read(next, 1 << 20, true).records)) {
      offsets.push(b.baseOffset);
      next = b.nextOffset;
    }
  }
  return offsets;
}

const LOG_FILE = '00000000000000000000.log';
const size = batch(1).length;

describe('log recovery', () => {
  it('truncates a torn last batch, rebuilds the indexes and appends at the next offset', async () => {
    const dataDir = tempDir();
    const dir = await fillAndCrash(dataDir, 20);
    fs.truncateSync(path.join(dir, LOG_FILE), size * 20 - 10);
    fs.rmSync(path.join(dir, '00000000000000000000.index'));
    fs.writeFileSync(path.join(dir, '00000000000000000000.timeindex'), Buffer.alloc(5, 0xff));

    const logManager = await manager(dataDir);
    assert.equal(logManager.hadCleanShutdown, false);
    const log = logManager.get('orders', 0)!;
    assert.equal(log.logEndOffset, 19n);
    assert.equal(fs.statSync(path.join(dir, LOG_FILE)).size, size * 19);
    // Rebuilt indexes: an entry every 256 bytes of log.
    const index = fs.readFileSync(path.join(dir, '00000000000000000000.index'));
    assert.ok(index.length > 0 && index.length % 8 === 0);
    assert.equal(index.readInt32BE(0), Math.ceil(257 / size));
    assert.equal(fs.statSync(path.join(dir, '00000000000000000000.timeindex')).size % 12, 0);
    assert.equal(log.appendAsLeader(batch(1), 0).firstOffset, 19n);
    assert.deepEqual(
      readAll(log),
      Array.from({ length: 20 }, (_, i) => BigInt(i)),
    );
    logManager.shutdown();
  });

  it('truncates at the first batch whose CRC no longer matches', async () => {
    const dataDir = tempDir();
    const dir = await fillAndCrash(dataDir, 10);
    const file = path.join(dir, LOG_FILE);
    const bytes = fs.readFileSync(file);
    bytes[size * 7 + 70]! ^= 0x5a; // inside batch 7's record
    fs.writeFileSync(file, bytes);

    const logManager = await manager(dataDir);
    const log = logManager.get('orders', 0)!;
    assert.equal(log.logEndOffset, 7n);
    assert.equal(log.sizeInBytes, size * 7);
    assert.equal(log.appendAsLeader(batch(1), 0).firstOffset, 7n);
    logManager.shutdown();
  });

  it('drops segments that follow a truncated one', async () => {
    const dataDir = tempDir();
    const small = testConfig({ segmentBytes: size * 4, indexIntervalBytes: 256 });
    let logManager = new LogManager({ dataDir, defaults: small, logger });
    await logManager.startup();
    const log = logManager.getOrCreate('orders', 0, small);
    for (let i = 0; i < 10; i++) log.appendAsLeader(batch(1), 0);
    assert.deepEqual(log.segmentBaseOffsets(), [0n, 4n, 8n]);
    log.close();
    fs.truncateSync(path.join(log.dir, '00000000000000000004.log'), size * 2 + 3);

    logManager = new LogManager({ dataDir, defaults: small, logger });
    await logManager.startup();
    const recovered = logManager.get('orders', 0)!;
    assert.deepEqual(recovered.segmentBaseOffsets(), [0n, 4n]);
    assert.equal(recovered.logEndOffset, 6n);
    assert.equal(fs.existsSync(path.join(log.dir, '00000000000000000008.log')), false);
    logManager.shutdown();
  });

  it('keeps flushed data and skips recovery after a clean shutdown', async () => {
    const dataDir = tempDir();
    let logManager = await manager(dataDir);
    const log = logManager.getOrCreate('orders', 0, config);
    for (let i = 0; i < 10; i++) log.appendAsLeader(batch(1), 0);
    log.setHighWatermark(10n);
    logManager.shutdown();
    assert.ok(fs.existsSync(path.join(dataDir, CLEAN_SHUTDOWN_FILE)));

    // Damage a CRC after the clean shutdown: a recovery would cut the log at batch 9, so an
    // intact log end offset shows the segment was loaded without walking its batches.
    const file = path.join(log.dir, LOG_FILE);
    const bytes = fs.readFileSync(file);
    bytes[size * 9 + 70]! ^= 0x5a;
    fs.writeFileSync(file, bytes);

    logManager = await manager(dataDir);
    assert.equal(logManager.hadCleanShutdown, true);
    assert.equal(fs.existsSync(path.join(dataDir, CLEAN_SHUTDOWN_FILE)), false, 'marker removed once loaded');
    const reloaded = logManager.get('orders', 0)!;
    assert.equal(reloaded.logEndOffset, 10n);
    assert.equal(reloaded.highWatermark, 10n);
    assert.equal(reloaded.recoveryPoint, 10n);
    reloaded.close();

    // Without the marker (a crash now) the same damage is found and cut: as in Kafka, recovery
    // starts with the segment holding the recovery point.
    logManager = await manager(dataDir);
    assert.equal(logManager.get('orders', 0)!.logEndOffset, 9n);
    logManager.shutdown();
  });

  it('recovers everything above the checkpointed recovery point only', async () => {
    const dataDir = tempDir();
    const small = testConfig({ segmentBytes: size * 4 });
    let logManager = new LogManager({ dataDir, defaults: small, logger });
    await logManager.startup();
    const log = logManager.getOrCreate('orders', 0, small);
    for (let i = 0; i < 6; i++) log.appendAsLeader(batch(1), 0);
    log.flush(); // recovery point 6, in segment 4
    logManager.checkpoint();
    for (let i = 0; i < 3; i++) log.appendAsLeader(batch(1), 0); // offsets 6-8 (segment 8 starts at 8)
    log.close();
    // Corrupt segment 0 (below the recovery point: trusted, not walked) and segment 8's tail.
    const corrupt = (name: string, at: number) => {
      const file = path.join(log.dir, name);
      const bytes = fs.readFileSync(file);
      bytes[at]! ^= 0x5a;
      fs.writeFileSync(file, bytes);
    };
    corrupt('00000000000000000000.log', 70);
    corrupt('00000000000000000008.log', 70);

    logManager = new LogManager({ dataDir, defaults: small, logger });
    await logManager.startup();
    const recovered = logManager.get('orders', 0)!;
    assert.deepEqual(recovered.segmentBaseOffsets(), [0n, 4n, 8n]);
    assert.equal(recovered.logEndOffset, 8n);
    logManager.shutdown();
  });
});
