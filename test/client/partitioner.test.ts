import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { murmur2, partitionForKey, StickyPartitioner, toPositive } from '../../src/client/partitioner.js';

describe('murmur2', () => {
  // Golden values from apache/kafka clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java (testMurmur2).
  const cases: [Uint8Array, number][] = [
    [Buffer.from('21'), -973932308],
    [Buffer.from('foobar'), -790332482],
    [Buffer.from('a-little-bit-long-string'), -985981536],
    [Buffer.from('a-little-bit-longer-string'), -1486304829],
    [Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'), -58897971],
    [Uint8Array.from([0x61, 0x62, 0x63]), 479470107],
  ];
  for (const [data, expected] of cases) {
    it(`hashes '${Buffer.from(data).toString()}' as Kafka's Utils.murmur2 does`, () => {
      assert.equal(murmur2(data), expected);
    });
  }

  it('picks toPositive(murmur2(key)) % partitions, as the Java default partitioner', () => {
    assert.equal(toPositive(-973932308), -973932308 & 0x7fffffff);
    assert.equal(partitionForKey(Buffer.from('21'), 7), (-973932308 & 0x7fffffff) % 7);
    assert.equal(partitionForKey(Buffer.from('foobar'), 1), 0);
  });
});

describe('StickyPartitioner', () => {
  it('keeps one partition until its batch is sent, then moves to another', () => {
    const sticky = new StickyPartitioner(() => 0);
    const first = sticky.partition('t', [0, 1, 2]);
    assert.equal(sticky.partition('t', [0, 1, 2]), first);
    sticky.onBatchSent('t', first, [0, 1, 2]);
    const second = sticky.partition('t', [0, 1, 2]);
    assert.notEqual(second, first);
  });

  it('only picks partitions that are available', () => {
    const sticky = new StickyPartitioner(() => 0.99);
    assert.equal(sticky.partition('t', [2]), 2);
    sticky.onBatchSent('t', 2, [2]);
    assert.equal(sticky.partition('t', [2]), 2);
  });
});
