import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32c } from '../../../src/protocol/records/crc32c.js';
import {
  batchesIn,
  CompressionCodec,
  compressionCodecOf,
  computeAttributes,
  isControl,
  isTransactional,
  RecordBatchView,
  setBaseOffset,
  setMaxTimestamp,
  setPartitionLeaderEpoch,
  timestampTypeOf,
  validBytes,
} from '../../../src/protocol/records/record-batch.js';
import { KAFKAJS_ONE_RECORD, KAFKAJS_TWO_RECORDS } from './fixtures.js';

/** A legacy v1 message (magic 1): offset, size, crc, magic, attributes, timestamp, key -1, value "a". */
const LEGACY_V1 = Buffer.from(
  '0000000000000005' + '00000017' + '00000000' + '01' + '00' + '0000000000000001' + 'ffffffff' + '0000000161',
  'hex',
);

describe('crc32c', () => {
  it('gives the Castagnoli check value', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
    assert.equal(crc32c(Buffer.from('6789'), crc32c(Buffer.from('12345'))), 0xe3069283);
  });
});

describe('RecordBatchView', () => {
  it('reads every header field of a captured batch', () => {
    const view = new RecordBatchView(Buffer.from(KAFKAJS_TWO_RECORDS, 'hex'), 0);
    assert.equal(view.baseOffset, 0n);
    assert.equal(view.batchLength, 0x47);
    assert.equal(view.sizeInBytes, 0x47 + 12);
    assert.equal(view.partitionLeaderEpoch, 0);
    assert.equal(view.magic, 2);
    assert.equal(view.crc, 0x86933967);
    assert.equal(view.attributes, 0);
    assert.equal(view.lastOffsetDelta, 1);
    assert.equal(view.lastOffset, 1n);
    assert.equal(view.baseTimestamp, 1_700_000_000_000n);
    assert.equal(view.maxTimestamp, 1_700_000_000_005n);
    assert.equal(view.producerId, 1000n);
    assert.equal(view.producerEpoch, 3);
    assert.equal(view.baseSequence, 7);
    assert.equal(view.recordCount, 2);
    assert.equal(view.compression, CompressionCodec.None);
    assert.equal(view.timestampType, 'CreateTime');
    assert.ok(view.isValid());
  });

  it('detects a flipped byte anywhere in the CRC range', () => {
    const batch = Buffer.from(KAFKAJS_ONE_RECORD, 'hex');
    for (const at of [21, 40, 61, batch.length - 1]) {
      const copy = Buffer.from(batch);
      copy[at]! ^= 0x01;
      assert.equal(new RecordBatchView(copy, 0).isValid(), false, `byte ${at}`);
    }
  });

  it('patches base offset and leader epoch without disturbing the CRC', () => {
    const batch = Buffer.from(KAFKAJS_ONE_RECORD, 'hex');
    setBaseOffset(batch, 0, 123_456_789_012n);
    setPartitionLeaderEpoch(batch, 0, 7);
    const view = new RecordBatchView(batch, 0);
    assert.equal(view.baseOffset, 123_456_789_012n);
    assert.equal(view.partitionLeaderEpoch, 7);
    assert.equal(view.crc, 0x83794a1d);
    assert.ok(view.isValid());
  });

  it('sets LogAppendTime and recomputes the CRC', () => {
    const batch = Buffer.from(KAFKAJS_ONE_RECORD, 'hex');
    setMaxTimestamp(batch, 0, 'LogAppendTime', 1_800_000_000_000n);
    const view = new RecordBatchView(batch, 0);
    assert.equal(view.attributes, 0x08);
    assert.equal(view.timestampType, 'LogAppendTime');
    assert.equal(view.maxTimestamp, 1_800_000_000_000n);
    assert.equal(view.crc, crc32c(batch.subarray(21)));
    assert.ok(view.isValid());
  });
});

describe('batchesIn', () => {
  it('walks consecutive batches and stops before a partial one', () => {
    const one = Buffer.from(KAFKAJS_ONE_RECORD, 'hex');
    const two = Buffer.from(KAFKAJS_TWO_RECORDS, 'hex');
    const buffer = Buffer.concat([one, two, two.subarray(0, 30)]);
    const found = [...batchesIn(buffer)].map((b) => [b.position, b.sizeInBytes, b.recordCount]);
    assert.deepEqual(found, [
      [0, one.length, 1],
      [one.length, two.length, 2],
    ]);
    assert.equal(validBytes(buffer), one.length + two.length);
  });

  it('reports a legacy message by its magic instead of failing', () => {
    const buffer = Buffer.concat([LEGACY_V1, Buffer.from(KAFKAJS_ONE_RECORD, 'hex')]);
    const [legacy, current] = [...batchesIn(buffer)];
    assert.equal(legacy!.magic, 1);
    assert.equal(legacy!.isLegacy, true);
    assert.equal(legacy!.isValid(), false);
    assert.equal(legacy!.sizeInBytes, LEGACY_V1.length);
    assert.equal(current!.magic, 2);
    assert.equal(current!.isLegacy, false);
  });
});

describe('attributes', () => {
  it('packs and unpacks codec, timestamp type, transactional and control bits', () => {
    const attributes = computeAttributes({
      compression: CompressionCodec.Zstd,
      timestampType: 'LogAppendTime',
      transactional: true,
      control: true,
    });
    assert.equal(attributes, 0x3c);
    assert.equal(compressionCodecOf(attributes), CompressionCodec.Zstd);
    assert.equal(timestampTypeOf(attributes), 'LogAppendTime');
    assert.equal(isTransactional(attributes), true);
    assert.equal(isControl(attributes), true);
    assert.equal(computeAttributes({}), 0);
  });
});
