import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeRecordBatch } from '../../src/protocol/records/records.js';
import { LogManager } from '../../src/storage/log-manager.js';
import { ManualClock } from '../../src/util/clock.js';
import { waitFor } from '../helpers/wait-for.js';
import { batch, logger, tempDir, testConfig } from './helpers.js';

const config = testConfig();

async function start(dataDir: string, clock?: ManualClock): Promise<LogManager> {
  const logManager = new LogManager({ dataDir, defaults: config, logger, clock });
  await logManager.startup();
  return logManager;
}

describe('LogManager', () => {
  it("lays partitions out in Kafka's directories, with partition.metadata", async () => {
    const dataDir = tempDir();
    const logManager = await start(dataDir);
    // Topic id 0x0102...10 as Kafka prints it (base64url, unpadded); the dashed form is accepted too.
    const log = logManager.getOrCreate('orders', 2, config, '01020304-0506-0708-090a-0b0c0d0e0f10');
    assert.equal(log.dir, path.join(dataDir, 'orders-2'));
    assert.deepEqual(fs.readdirSync(log.dir).sort(), [
      '00000000000000000000.index',
      '00000000000000000000.log',
      '00000000000000000000.timeindex',
      'partition.metadata',
    ]);
    assert.equal(
      fs.readFileSync(path.join(log.dir, 'partition.metadata'), 'utf8'),
      'version: 0\ntopic_id: AQIDBAUGBwgJCgsMDQ4PEA\n',
    );
    assert.equal(log.topicId, 'AQIDBAUGBwgJCgsMDQ4PEA');
    assert.equal(logManager.getOrCreate('orders', 2, config), log);
    assert.equal(logManager.get('orders', 3), undefined);
    logManager.shutdown();
  });

  it('restores logs, log start offsets and high watermarks after a restart', async () => {
    const dataDir = tempDir();
    let logManager = await start(dataDir);
    const small = testConfig({ segmentBytes: batch(1).length * 2 });
    const log = logManager.getOrCreate('orders', 0, small);
    logManager.getOrCreate('payments', 1, config).appendAsLeader(batch(1), 0);
    for (let i = 0; i < 6; i++) log.appendAsLeader(batch(1), 0);
    log.setHighWatermark(5n);
    log.deleteRecordsBefore(3n);
    logManager.shutdown();
    assert.equal(
      fs.readFileSync(path.join(dataDir, 'log-start-offset-checkpoint'), 'utf8'),
      '0\n2\norders 0 3\npayments 1 0\n',
    );
    assert.equal(
      fs.readFileSync(path.join(dataDir, 'recovery-point-offset-checkpoint'), 'utf8'),
      '0\n2\norders 0 6\npayments 1 1\n',
    );

    logManager = await start(dataDir);
    const names = [...logManager.all()].map((l) => `${l.topic}-${l.partition}`).sort();
    assert.deepEqual(names, ['orders-0', 'payments-1']);
    const reloaded = logManager.get('orders', 0)!;
    assert.equal(reloaded.logStartOffset, 3n);
    assert.equal(reloaded.highWatermark, 5n);
    assert.equal(reloaded.logEndOffset, 6n);
    assert.deepEqual(reloaded.segmentBaseOffsets(), [2n, 4n]);
    logManager.shutdown();
  });

  it('renames a deleted partition to <topic>-<p>.<id>-delete and removes it in the background', async () => {
    const dataDir = tempDir();
    const logManager = await start(dataDir);
    logManager.getOrCreate('orders', 0, config).appendAsLeader(batch(1), 0);
    logManager.delete('orders', 0);
    assert.equal(logManager.get('orders', 0), undefined);
    const left = fs.readdirSync(dataDir).filter((name) => name.startsWith('orders-0'));
    assert.equal(left.length, 1);
    assert.match(left[0]!, /^orders-0\.[0-9a-f]{32}-delete$/);
    // Removal is asynchronous (fs.rm after file.delete.delay.ms): poll rather than guess its duration.
    await waitFor(() => fs.readdirSync(dataDir).every((name) => !name.startsWith('orders-0')), {
      timeoutMs: 5_000,
      description: 'the renamed partition directory to be removed',
    });
    logManager.shutdown();
  });

  it('flushes a log once flush.ms has passed', async () => {
    const clock = new ManualClock();
    const dataDir = tempDir();
    const logManager = await start(dataDir, clock);
    const log = logManager.getOrCreate('orders', 0, testConfig({ flushMs: 1_000 }));
    log.appendAsLeader(batch(1), 0);
    logManager.flushDirtyLogs();
    assert.equal(log.recoveryPoint, 0n);
    clock.advance(1_000);
    logManager.flushDirtyLogs();
    assert.equal(log.recoveryPoint, 1n);
    logManager.shutdown();
  });

  it('flushes after flush.messages messages', async () => {
    const logManager = await start(tempDir());
    const log = logManager.getOrCreate('orders', 0, testConfig({ flushMessages: 3 }));
    log.appendAsLeader(batch(2), 0);
    assert.equal(log.recoveryPoint, 0n);
    log.appendAsLeader(batch(1), 0);
    assert.equal(log.recoveryPoint, 3n);
    logManager.shutdown();
  });

  it('moves the recovery point once a rolled segment has been fsynced', async () => {
    const logManager = await start(tempDir());
    const log = logManager.getOrCreate('orders', 0, testConfig({ segmentBytes: batch(1).length * 2 }));
    for (let i = 0; i < 3; i++) log.appendAsLeader(batch(1), 0);
    assert.deepEqual(log.segmentBaseOffsets(), [0n, 2n]);
    for (let waited = 0; log.recoveryPoint < 2n && waited < 5_000; waited += 10) await sleep(10);
    assert.equal(log.recoveryPoint, 2n);
    logManager.shutdown();
  });
});

describe('LogManager producer expiry', () => {
  it('forgets idle idempotent producers after producer.id.expiration.ms, keeping recent ones', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const dataDir = tempDir();
    const logManager = new LogManager({
      dataDir,
      defaults: config,
      logger,
      clock,
      producerIdExpirationMs: 60_000,
    });
    await logManager.startup();
    const log = logManager.getOrCreate('idem', 0, config);
    const idempotent = (producerId: bigint) =>
      encodeRecordBatch(
        [{ key: null, value: Buffer.from('v'), headers: [], timestamp: BigInt(clock.nowMs()) }],
        { producerId, producerEpoch: 0, baseSequence: 0 },
      );
    log.appendAsLeader(idempotent(7n), 0);
    clock.advance(50_000);
    log.appendAsLeader(idempotent(8n), 0);
    clock.advance(20_000);
    assert.equal(logManager.removeExpiredProducers(), 1);
    assert.deepEqual([...log.txns.producerState.producers.keys()], [8n]);
    logManager.shutdown();
  });
});
