import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameReader, FrameTooLargeError } from '../../src/net/frame-reader.js';
import { InflightBudget } from '../../src/net/inflight-budget.js';

function frame(payload: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length, 0);
  return Buffer.concat([size, payload]);
}

describe('FrameReader', () => {
  it('splits frames whole, across chunks and one byte at a time', () => {
    const a = Buffer.from('first frame');
    const b = Buffer.alloc(3000, 7);
    const stream = Buffer.concat([frame(a), frame(b), frame(Buffer.alloc(0))]);
    assert.deepEqual(new FrameReader(1 << 20).push(stream), [a, b, Buffer.alloc(0)]);
    const reader = new FrameReader(1 << 20);
    const out: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) out.push(...reader.push(stream.subarray(i, i + 1)));
    assert.deepEqual(out, [a, b, Buffer.alloc(0)]);
    assert.equal(reader.receiving, false);
    assert.equal(reader.pendingBytes, 0);
  });

  it('refuses a size beyond the limit, or negative, from the header alone', () => {
    const header = Buffer.alloc(4);
    header.writeInt32BE(1001, 0);
    assert.throws(() => new FrameReader(1000).push(header), FrameTooLargeError);
    header.writeInt32BE(-1, 0);
    assert.throws(() => new FrameReader(1000).push(header), FrameTooLargeError);
  });

  it('reserves a frame’s whole size when its header arrives and waits while the budget is exhausted', () => {
    const budget = new InflightBudget(1000);
    const first = new FrameReader(10_000, budget);
    const second = new FrameReader(10_000, budget);
    const big = frame(Buffer.alloc(1500, 1));
    // Granted while any room is left, even beyond the limit (Kafka's non-strict memory pool).
    assert.deepEqual(first.push(big.subarray(0, 10)), []);
    assert.equal(budget.usedBytes, 1500);
    assert.equal(first.reservedBytes, 1500);
    assert.equal(first.receiving, true);
    // The budget is exhausted: the next frame's header is read but its size is not granted.
    assert.deepEqual(second.push(frame(Buffer.from('small'))), []);
    assert.equal(second.blockedOnMemory, true);
    assert.equal(budget.usedBytes, 1500);
    // The first frame completes; its owner answers it and releases its bytes.
    const [done] = first.push(big.subarray(10));
    assert.equal(done!.length, 1500);
    assert.equal(first.reservedBytes, 0, 'the reservation passes to the completed frame');
    budget.release(1500);
    assert.deepEqual(second.next(), Buffer.from('small'));
    assert.equal(second.blockedOnMemory, false);
    assert.equal(budget.usedBytes, 5);
  });

  it('keeps the last eighth of the budget for small frames', () => {
    const MiB = 1024 * 1024;
    const budget = new InflightBudget(16 * MiB);
    const header = (size: number) => {
      const b = Buffer.alloc(4);
      b.writeInt32BE(size, 0);
      return b;
    };
    const large = Array.from({ length: 3 }, () => new FrameReader(32 * MiB, budget));
    for (const r of large) r.push(header(6 * MiB));
    assert.deepEqual(
      large.map((r) => r.blockedOnMemory),
      [false, false, true],
      'two 6 MiB frames fit in 14 MiB, a third does not',
    );
    const small = new FrameReader(32 * MiB, budget);
    assert.deepEqual(small.push(frame(Buffer.alloc(100_000))), [Buffer.alloc(100_000)]);
    assert.equal(budget.usedBytes, 12 * MiB + 100_000);
    // A frame larger than the whole budget is still granted once the budget is empty.
    const huge = new FrameReader(32 * MiB, new InflightBudget(MiB));
    huge.push(header(20 * MiB));
    assert.equal(huge.blockedOnMemory, false);
  });
});
