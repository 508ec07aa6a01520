import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { batchesIn } from '../../src/protocol/records/record-batch.js';
import { LEADER_EPOCH_CHECKPOINT, LeaderEpochFileCache } from '../../src/storage/leader-epoch-cache.js';
import { KafkaStorageError } from '../../src/util/errors.js';
import { batch, openLog, tempDir, testConfig } from './helpers.js';

function cacheWith(entries: [number, bigint][]): { cache: LeaderEpochFileCache; dir: string } {
  const dir = tempDir();
  const cache = new LeaderEpochFileCache(dir);
  for (const [epoch, offset] of entries) cache.assign(epoch, offset);
  return { cache, dir };
}

describe('LeaderEpochFileCache', () => {
  it("writes Kafka's leader-epoch-checkpoint format and reads it back", () => {
    const { cache, dir } = cacheWith([
      [0, 0n],
      [1, 100n],
      [3, 250n],
    ]);
    const text = fs.readFileSync(path.join(dir, LEADER_EPOCH_CHECKPOINT), 'utf8');
    assert.equal(text, '0\n3\n0 0\n1 100\n3 250\n');
    assert.deepEqual(new LeaderEpochFileCache(dir).entries(), cache.entries());
  });

  it('ignores a repeated epoch at a later offset and drops entries a new one contradicts', () => {
    const { cache } = cacheWith([
      [0, 0n],
      [1, 100n],
      [1, 150n],
      [2, 200n],
    ]);
    assert.deepEqual(cache.entries(), [
      { epoch: 0, startOffset: 0n },
      { epoch: 1, startOffset: 100n },
      { epoch: 2, startOffset: 200n },
    ]);
    cache.assign(3, 150n); // a new leader whose log ended at 150
    assert.deepEqual(cache.entries(), [
      { epoch: 0, startOffset: 0n },
      { epoch: 1, startOffset: 100n },
      { epoch: 3, startOffset: 150n },
    ]);
  });

  it('answers endOffsetFor as Kafka does', () => {
    const { cache } = cacheWith([
      [1, 10n],
      [3, 100n],
      [5, 250n],
    ]);
    const leo = 300n;
    assert.deepEqual(cache.endOffsetFor(5, leo), { epoch: 5, endOffset: 300n }, 'latest epoch: the log end');
    assert.deepEqual(cache.endOffsetFor(3, leo), { epoch: 3, endOffset: 250n });
    assert.deepEqual(
      cache.endOffsetFor(4, leo),
      { epoch: 3, endOffset: 250n },
      'unknown epoch: the one below',
    );
    assert.deepEqual(cache.endOffsetFor(0, leo), { epoch: 0, endOffset: 10n }, 'older than all');
    assert.deepEqual(cache.endOffsetFor(6, leo), { epoch: -1, endOffset: -1n }, 'newer than all');
    assert.deepEqual(cache.endOffsetFor(-1, leo), { epoch: -1, endOffset: -1n });
  });

  it('truncates from the end and from the start, written with the next change or on close', () => {
    const { cache, dir } = cacheWith([
      [0, 0n],
      [1, 100n],
      [2, 200n],
    ]);
    cache.truncateFromEnd(150n);
    assert.deepEqual(
      cache.entries().map((e) => e.epoch),
      [0, 1],
    );
    cache.truncateFromStart(120n);
    assert.deepEqual(cache.entries(), [{ epoch: 1, startOffset: 120n }]);
    cache.flushIfDirty();
    assert.equal(fs.readFileSync(path.join(dir, LEADER_EPOCH_CHECKPOINT), 'utf8'), '0\n1\n1 120\n');
  });

  it('refuses a malformed checkpoint with KAFKA_STORAGE_ERROR', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, LEADER_EPOCH_CHECKPOINT), '0\n2\n0 0\n');
    assert.throws(() => new LeaderEpochFileCache(dir), KafkaStorageError);
  });
});

describe('Log leader epochs', () => {
  it('records the epoch of leader and follower appends and follows truncation', () => {
    const dir = tempDir();
    const log = openLog(dir, testConfig());
    log.appendAsLeader(batch(5), 0);
    log.appendAsLeader(batch(5), 2);
    log.appendAsLeader(batch(5), 2);
    assert.deepEqual(log.epochs.entries(), [
      { epoch: 0, startOffset: 0n },
      { epoch: 2, startOffset: 5n },
    ]);
    assert.deepEqual(log.endOffsetForEpoch(0), { epoch: 0, endOffset: 5n });
    assert.deepEqual(log.endOffsetForEpoch(1), { epoch: 0, endOffset: 5n });
    assert.deepEqual(log.endOffsetForEpoch(2), { epoch: 2, endOffset: 15n });

    const follower = openLog(tempDir(), testConfig());
    follower.appendAsFollower(log.read(0n, 1 << 20, true).records);
    assert.deepEqual(follower.epochs.entries(), log.epochs.entries());
    const views = [...batchesIn(follower.read(0n, 1 << 20, true).records)];
    assert.deepEqual(
      views.map((v) => [v.baseOffset, v.partitionLeaderEpoch]),
      [
        [0n, 0],
        [5n, 2],
        [10n, 2],
      ],
    );

    follower.truncateTo(5n);
    assert.deepEqual(follower.epochs.entries(), [{ epoch: 0, startOffset: 0n }]);
    log.close();
    const reopened = openLog(dir, testConfig());
    assert.equal(reopened.latestEpoch, 2, 'the checkpoint survives a restart');
  });
});
