import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { murmur3x86128 } from '../../../src/storage/cleaner/murmur3.js';
import { BYTES_PER_ENTRY, OffsetMap } from '../../../src/storage/cleaner/offset-map.js';

const key = (i: number) => Buffer.from(`key-${i}`);

describe('OffsetMap', () => {
  it('keeps the latest offset of each key and the highest offset put', () => {
    const map = new OffsetMap(1000 * BYTES_PER_ENTRY);
    map.put(key(1), 10n);
    map.put(key(2), 11n);
    map.put(key(1), 12n);
    assert.equal(map.get(key(1)), 12n);
    assert.equal(map.get(key(2)), 11n);
    assert.equal(map.get(key(3)), -1n);
    assert.equal(map.size, 2);
    assert.equal(map.latestOffset, 12n);
    map.updateLatestOffset(20n);
    assert.equal(map.latestOffset, 20n);
  });

  it('is bounded by its memory: 24 bytes a slot, and a full map refuses new keys', () => {
    const map = new OffsetMap(10 * BYTES_PER_ENTRY + 5);
    assert.equal(map.slots, 10);
    for (let i = 0; i < 9; i++) map.put(key(i), BigInt(i));
    map.put(key(3), 100n); // an overwrite does not take a slot
    assert.equal(map.size, 9);
    assert.equal(map.get(key(3)), 100n);
    map.put(key(9), 9n);
    // As Kafka's SkimpyOffsetMap, a full map refuses any put: the cleaner stops filling it before.
    assert.throws(() => map.put(key(99), 1n), /full/);
    assert.equal(map.utilization, 1);
  });

  it('finds every key of a nearly full table despite probing collisions', () => {
    const map = new OffsetMap(1000 * BYTES_PER_ENTRY);
    for (let i = 0; i < 900; i++) map.put(key(i), BigInt(i * 2));
    for (let i = 0; i < 900; i++) assert.equal(map.get(key(i)), BigInt(i * 2));
    assert.equal(map.get(key(5000)), -1n);
    assert.ok(map.probesPerLookup > 1, 'a 90% full table must have probed past some collisions');
  });

  it('reset empties it and sizes it for a clean, within its memory', () => {
    const map = new OffsetMap(1000 * BYTES_PER_ENTRY, 4);
    assert.equal(map.slots, 4);
    map.put(key(1), 1n);
    map.reset(50);
    assert.equal(map.slots, 50);
    assert.equal(map.size, 0);
    assert.equal(map.latestOffset, -1n);
    assert.equal(map.get(key(1)), -1n);
    map.reset(1e9);
    assert.equal(map.slots, 1000);
  });
});

describe('murmur3x86128', () => {
  it('matches the reference MurmurHash3_x86_128 output', () => {
    const out = Buffer.alloc(16);
    murmur3x86128(Buffer.from('The quick brown fox jumps over the lazy dog'), 0, out);
    assert.equal(out.toString('hex'), '2f1583c3ecee2c675d7bf66ce5e91d2c');
    murmur3x86128(Buffer.alloc(0), 0, out);
    assert.equal(out.toString('hex'), '0'.repeat(32));
  });
});
