import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { OffsetIndex } from '../../src/storage/offset-index.js';
import { TimeIndex } from '../../src/storage/time-index.js';
import { batch, openLog, tempDir, testConfig } from './helpers.js';

describe('OffsetIndex', () => {
  it('writes int32 relative offset + int32 position entries', () => {
    const file = path.join(tempDir(), '00000000000000001000.index');
    const index = new OffsetIndex(file, 1000n, 1024);
    index.append(1003n, 0);
    index.append(1010n, 4200);
    index.close();
    assert.equal(fs.readFileSync(file).toString('hex'), '00000003' + '00000000' + '0000000a' + '00001068');
  });

  it('finds the largest entry at or below a target, sparse lookups included', () => {
    const dir = tempDir();
    const index = new OffsetIndex(path.join(dir, 'a.index'), 100n, 1024);
    for (const [offset, position] of [
      [110n, 1000],
      [120n, 2000],
      [130n, 3000],
    ] as const) {
      index.append(offset, position);
    }
    assert.deepEqual(index.lookup(105n), { offset: 100n, position: 0 });
    assert.deepEqual(index.lookup(110n), { offset: 110n, position: 1000 });
    assert.deepEqual(index.lookup(129n), { offset: 120n, position: 2000 });
    assert.deepEqual(index.lookup(1_000n), { offset: 130n, position: 3000 });
    assert.throws(() => index.append(130n, 4000));
    index.truncateTo(120n);
    assert.equal(index.entries, 1);
    assert.equal(index.lastOffset, 110n);
    index.close();
    // Reloaded from the file.
    const reopened = new OffsetIndex(path.join(dir, 'a.index'), 100n, 1024);
    assert.deepEqual(reopened.lookup(125n), { offset: 110n, position: 1000 });
    reopened.sanityCheck(true);
    reopened.close();
  });

  it('is full at segment.index.bytes / 8 entries and flags a torn file', () => {
    const file = path.join(tempDir(), 'b.index');
    const index = new OffsetIndex(file, 0n, 20);
    index.append(1n, 1);
    index.append(2n, 2);
    assert.equal(index.isFull(), true);
    assert.throws(() => index.append(3n, 3));
    index.close();
    fs.appendFileSync(file, Buffer.from([1, 2, 3]));
    assert.throws(() => new OffsetIndex(file, 0n, 20).sanityCheck(false));
  });
});

describe('TimeIndex', () => {
  it('writes int64 timestamp + int32 relative offset entries, only for growing timestamps', () => {
    const file = path.join(tempDir(), '00000000000000000050.timeindex');
    const index = new TimeIndex(file, 50n, 1200);
    index.maybeAppend(1_000n, 52n);
    index.maybeAppend(1_000n, 53n); // same timestamp: skipped
    index.maybeAppend(2_000n, 60n);
    assert.equal(index.entries, 2);
    assert.deepEqual(index.lookup(999n), { timestamp: -1n, offset: 50n });
    assert.deepEqual(index.lookup(1_500n), { timestamp: 1_000n, offset: 52n });
    assert.deepEqual(index.lookup(9_999n), { timestamp: 2_000n, offset: 60n });
    index.close();
    assert.equal(
      fs.readFileSync(file).toString('hex'),
      '00000000000003e8' + '00000002' + '00000000000007d0' + '0000000a',
    );
  });
});

describe('segment indexing', () => {
  it('adds an index entry once more than index.interval.bytes were appended since the last', () => {
    const dir = tempDir();
    const size = batch(1).length; // 61 + record bytes
    const log = openLog(dir, testConfig({ indexIntervalBytes: size * 2 }));
    for (let i = 0; i < 10; i++) log.appendAsLeader(batch(1, { timestamp: BigInt(1000 + i) }), 0);
    log.close();
    const index = fs.readFileSync(path.join(dir, '00000000000000000000.index'));
    // Batches 0-2 push the counter past two batch sizes; batch 3 gets the entry, then 6, then 9.
    assert.equal(
      index.toString('hex'),
      ['00000003', size * 3, '00000006', size * 6, '00000009', size * 9].map(hex32).join(''),
    );
    const timeIndex = fs.readFileSync(path.join(dir, '00000000000000000000.timeindex'));
    assert.equal(timeIndex.length, 12 * 3);
    assert.equal(timeIndex.readBigInt64BE(0), 1003n);
  });
});

function hex32(value: string | number): string {
  return typeof value === 'string' ? value : value.toString(16).padStart(8, '0');
}
