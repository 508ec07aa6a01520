import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordBatchView } from '../../../src/protocol/records/record-batch.js';
import { decodeRecords, encodeRecordBatch } from '../../../src/protocol/records/records.js';
import { CorruptRecordError, InvalidRecordError } from '../../../src/util/errors.js';

import { KAFKAJS_ONE_RECORD, KAFKAJS_TWO_RECORDS } from './fixtures.js';

const TS = 1_700_000_000_000n;

describe('encodeRecordBatch', () => {
  it('matches the bytes KafkaJS writes for a one-record batch', () => {
    const batch = encodeRecordBatch(
      [
        {
          key: Buffer.from('key'),
          value: Buffer.from('value'),
          headers: [{ key: 'h', value: Buffer.from('v') }],
          timestamp: TS,
        },
      ],
      { partitionLeaderEpoch: 0 },
    );
    assert.equal(batch.toString('hex'), KAFKAJS_ONE_RECORD);
  });

  it('matches KafkaJS for nulls, headers, timestamp deltas and producer fields', () => {
    const batch = encodeRecordBatch(
      [
        { key: null, value: Buffer.from('a'), headers: [], timestamp: TS },
        {
          key: Buffer.from('k2'),
          value: null,
          headers: [{ key: 'x', value: Buffer.from('yz') }],
          timestamp: TS + 5n,
        },
      ],
      { partitionLeaderEpoch: 0, producerId: 1000n, producerEpoch: 3, baseSequence: 7 },
    );
    assert.equal(batch.toString('hex'), KAFKAJS_TWO_RECORDS);
  });

  it('defaults to no producer id and leader epoch -1, and fills header fields', () => {
    const batch = encodeRecordBatch(
      [
        { key: null, value: Buffer.from('x'), headers: [], timestamp: 10n },
        { key: null, value: Buffer.from('y'), headers: [], timestamp: 7n },
      ],
      { baseOffset: 42n },
    );
    const view = new RecordBatchView(batch, 0);
    assert.equal(view.baseOffset, 42n);
    assert.equal(view.partitionLeaderEpoch, -1);
    assert.equal(view.producerId, -1n);
    assert.equal(view.producerEpoch, -1);
    assert.equal(view.baseSequence, -1);
    assert.equal(view.baseTimestamp, 10n);
    assert.equal(view.maxTimestamp, 10n);
    assert.equal(view.lastOffsetDelta, 1);
    assert.equal(view.recordCount, 2);
    assert.equal(view.sizeInBytes, batch.length);
    assert.ok(view.isValid());
  });

  it('refuses empty and compressed batches', () => {
    assert.throws(() => encodeRecordBatch([]), InvalidRecordError);
    assert.throws(
      () => encodeRecordBatch([{ key: null, value: null, headers: [], timestamp: 0n }], { attributes: 1 }),
      InvalidRecordError,
    );
  });

  it('encodes large timestamp deltas and multi-byte varints', () => {
    const big = Buffer.alloc(300, 7);
    const records = [
      { key: null, value: null, headers: [], timestamp: 0n },
      { key: big, value: big, headers: [{ key: 'é', value: null }], timestamp: 1n << 60n },
      { key: null, value: null, headers: [], timestamp: -(1n << 40n), offsetDelta: 9 },
    ];
    const decoded = decodeRecords(encodeRecordBatch(records));
    assert.deepEqual(
      decoded.map((r) => [r.offset, r.timestamp]),
      [
        [0n, 0n],
        [1n, 1n << 60n],
        [9n, -(1n << 40n)],
      ],
    );
    assert.deepEqual(decoded[1]!.key, big);
    assert.deepEqual(decoded[1]!.headers, [{ key: 'é', value: null }]);
  });
});

describe('decodeRecords', () => {
  it('decodes the KafkaJS batches', () => {
    const one = decodeRecords(Buffer.from(KAFKAJS_ONE_RECORD, 'hex'));
    assert.deepEqual(one, [
      {
        offset: 0n,
        timestamp: TS,
        key: Buffer.from('key'),
        value: Buffer.from('value'),
        headers: [{ key: 'h', value: Buffer.from('v') }],
      },
    ]);
    const two = decodeRecords(Buffer.from(KAFKAJS_TWO_RECORDS, 'hex'));
    assert.deepEqual(two, [
      { offset: 0n, timestamp: TS, key: null, value: Buffer.from('a'), headers: [] },
      {
        offset: 1n,
        timestamp: TS + 5n,
        key: Buffer.from('k2'),
        value: null,
        headers: [{ key: 'x', value: Buffer.from('yz') }],
      },
    ]);
  });

  it('offsets records from the batch base offset and applies LogAppendTime', () => {
    const batch = Buffer.from(KAFKAJS_TWO_RECORDS, 'hex');
    batch.writeBigInt64BE(100n, 0);
    batch.writeInt16BE(0x08, 21); // timestamp type: LogAppendTime
    batch.writeBigInt64BE(5n, 35); // maxTimestamp
    assert.deepEqual(
      decodeRecords(batch).map((r) => [r.offset, r.timestamp]),
      [
        [100n, 5n],
        [101n, 5n],
      ],
    );
  });

  it('reports records that run past their batch', () => {
    const batch = Buffer.from(KAFKAJS_ONE_RECORD, 'hex');
    batch[61] = 0x7e; // record length 63, longer than the batch
    assert.throws(() => decodeRecords(batch), CorruptRecordError);
  });

  it('refuses compressed batches', () => {
    const batch = Buffer.from(KAFKAJS_ONE_RECORD, 'hex');
    batch.writeInt16BE(1, 21);
    assert.throws(() => decodeRecords(batch), InvalidRecordError);
  });
});
