import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import lz4 from 'lz4-napi';
import { decodedBlockSize, lz4Compress, lz4Decompress } from '../../../src/protocol/compression/lz4-frame.js';
import { xxhash32 } from '../../../src/protocol/compression/xxhash32.js';
import { CorruptRecordError, InvalidRecordError } from '../../../src/util/errors.js';
import { lz4Bomb } from './lz4-bomb.js';

/** A frame of dependent blocks: each block after the first compressed against the previous one. */
function dependentFrame(blocks: Buffer[]): Buffer {
  const header = Buffer.alloc(7);
  header.writeUInt32LE(0x184d2204, 0);
  header[4] = 0x40;
  header[5] = 0x40;
  header[6] = (xxhash32(header, 0, 4, 6) >>> 8) & 0xff;
  const parts: Buffer[] = [header];
  blocks.forEach((data, i) => {
    const compressed = (i === 0 ? lz4.compressSync(data) : lz4.compressSync(data, blocks[i - 1]!)).subarray(
      4,
    );
    const length = Buffer.alloc(4);
    length.writeUInt32LE(compressed.length, 0);
    parts.push(length, compressed);
  });
  parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}

describe('lz4 frames', () => {
  it('counts what a block decodes to from its sequences, exactly', () => {
    const samples = [
      Buffer.alloc(0x10000),
      randomBytes(5000),
      Buffer.from('abcabcabcabc'.repeat(3000)),
      Buffer.concat([randomBytes(100), Buffer.alloc(20000, 7), randomBytes(33)]),
    ];
    for (const data of samples) {
      const block = lz4.compressSync(data).subarray(4);
      assert.equal(decodedBlockSize(block), data.length);
    }
  });

  it('decodes dependent blocks against the previous output', () => {
    const a = Buffer.from('the quick brown fox jumps over the lazy dog '.repeat(400));
    const b = Buffer.concat([a.subarray(0, 9000), Buffer.from(' and then some')]);
    assert.deepEqual(lz4Decompress(dependentFrame([a, b]), 1 << 20), Buffer.concat([a, b]));
  });

  it('round-trips its own frames at the exact limit and refuses one byte less', () => {
    const data = Buffer.from('x'.repeat(200_000));
    const frame = lz4Compress(data);
    assert.deepEqual(lz4Decompress(frame, data.length), data);
    assert.throws(() => lz4Decompress(frame, data.length - 1), InvalidRecordError);
  });

  it('refuses a 0.8 MB bomb without inflating it', () => {
    const bomb = lz4Bomb(800_000);
    const before = process.memoryUsage().arrayBuffers;
    assert.throws(() => lz4Decompress(bomb, 200_000_000), InvalidRecordError);
    // Nothing near the 200 MB it would decode to was allocated.
    assert.ok(process.memoryUsage().arrayBuffers - before < 50_000_000);
  });

  it('refuses a block whose sequences run past its end as corrupt', () => {
    const block = lz4.compressSync(Buffer.alloc(1000)).subarray(4);
    assert.throws(() => decodedBlockSize(block.subarray(0, block.length - 3)), CorruptRecordError);
  });
});
