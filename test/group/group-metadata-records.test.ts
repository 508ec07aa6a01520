import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { partitionForKey } from '../../src/group/group-metadata-manager.js';
import {
  decodeCoordinatorRecord,
  groupMetadataRecord,
  offsetCommitRecord,
} from '../../src/group/offsets-log.js';
import {
  decodeGroupRecordKey,
  decodeOffsetCommitValue,
} from '../../src/protocol/internal/group-metadata-records.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// Layouts worked out by hand from OffsetCommitKey.json / OffsetCommitValue.json /
// GroupMetadataKey.json / GroupMetadataValue.json: int16 version, then the fields in order
// (strings int16-length-prefixed, bytes int32-length-prefixed, nullable string -1 = null).
describe('__consumer_offsets records', () => {
  it('writes OffsetCommitKey v1 and OffsetCommitValue v3 byte for byte', () => {
    const r = offsetCommitRecord('g', 't', 7, {
      offset: 42n,
      leaderEpoch: 5,
      metadata: 'm',
      commitTimestampMs: 1_700_000_000_000,
      expireTimestampMs: -1,
    });
    assert.deepEqual(r.key, hex('0001 0001 67 0001 74 00000007'));
    assert.deepEqual(r.value, hex('0003 000000000000002a 00000005 0001 6d 0000018bcfe56800'));
  });

  it('writes OffsetCommitValue v1 when the commit carries an expire timestamp', () => {
    const r = offsetCommitRecord('g', 't', 0, {
      offset: 1n,
      leaderEpoch: -1,
      metadata: '',
      commitTimestampMs: 1_700_000_000_000,
      expireTimestampMs: 1_700_000_000_001,
    });
    assert.deepEqual(r.value, hex('0001 0000000000000001 0000 0000018bcfe56800 0000018bcfe56801'));
  });

  it('reads OffsetCommitValue v0 (no leader epoch) with leaderEpoch -1', () => {
    const v = decodeOffsetCommitValue(hex('0000 0000000000000009 0002 6869 0000000000000064'));
    assert.deepEqual(v, {
      offset: 9n,
      leaderEpoch: -1,
      metadata: 'hi',
      commitTimestamp: 100n,
      expireTimestamp: -1n,
    });
  });

  it('reads OffsetCommitKey v0 as an offset key', () => {
    assert.deepEqual(decodeGroupRecordKey(hex('0000 0001 67 0001 74 00000001')), {
      type: 'offset',
      key: { group: 'g', topic: 't', partition: 1 },
    });
  });

  it('writes GroupMetadataKey v2 and GroupMetadataValue v3 byte for byte', () => {
    const r = groupMetadataRecord('g', {
      protocolType: 'consumer',
      generation: 1,
      protocol: 'range',
      leader: 'm1',
      currentStateTimestamp: 1_700_000_000_000n,
      members: [
        {
          memberId: 'm1',
          groupInstanceId: null,
          clientId: 'c',
          clientHost: '/h',
          rebalanceTimeout: 300_000,
          sessionTimeout: 10_000,
          subscription: hex('aa'),
          assignment: hex('bbcc'),
        },
      ],
    });
    assert.deepEqual(r.key, hex('0002 0001 67'));
    assert.deepEqual(
      r.value,
      hex(
        '0003' +
          '0008 636f6e73756d6572' + // protocolType "consumer"
          '00000001' + // generation
          '0005 72616e6765' + // protocol "range"
          '0002 6d31' + // leader "m1"
          '0000018bcfe56800' + // currentStateTimestamp
          '00000001' + // members: 1
          '0002 6d31' + // memberId
          'ffff' + // groupInstanceId null
          '0001 63' + // clientId
          '0002 2f68' + // clientHost
          '000493e0' + // rebalanceTimeout 300000
          '00002710' + // sessionTimeout 10000
          '00000001 aa' + // subscription
          '00000002 bbcc', // assignment
      ),
    );
    const back = decodeCoordinatorRecord(r);
    assert.equal(back.type, 'group');
    if (back.type === 'group') {
      assert.equal(back.value?.members[0]?.clientHost, '/h');
      assert.equal(back.value?.members[0]?.groupInstanceId, null);
    }
  });

  it('writes tombstones with a null value', () => {
    assert.equal(groupMetadataRecord('g', null).value, null);
    assert.equal(offsetCommitRecord('g', 't', 0, null).value, null);
  });

  it('maps group ids to partitions with Java String.hashCode and Utils.abs', () => {
    // "hello".hashCode() == 99162322; 99162322 % 50 == 22.
    assert.equal(partitionForKey('hello', 50), 22);
    // "polygenelubricants".hashCode() == Integer.MIN_VALUE; Utils.abs gives 0 (Math.abs would not).
    assert.equal(partitionForKey('polygenelubricants', 50), 0);
    // "my-group".hashCode() == -1906497762: Utils.abs gives 1906497762 (12); masking the sign bit
    // as the producer's partitioner does would give 36.
    assert.equal(partitionForKey('my-group', 50), 12);
    assert.equal(partitionForKey('', 50), 0);
  });
});
