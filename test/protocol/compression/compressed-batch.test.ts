import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkRecordsBody,
  decodeBatchRecords,
  encodeCompressedBatch,
  inflateRecords,
  inflationLimit,
  MAX_INFLATED_BATCH_BYTES,
  recompressBatch,
} from '../../../src/protocol/compression/compressed-batch.js';
import { CompressionCodec, RecordBatchView } from '../../../src/protocol/records/record-batch.js';
import { InvalidRecordError } from '../../../src/util/errors.js';
import { LIBRDKAFKA_BATCHES, LIBRDKAFKA_RECORDS } from './librdkafka-batches.js';

const CODECS = { gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

function records(batch: Buffer) {
  return decodeBatchRecords(batch).map((r) => ({ key: r.key?.toString(), value: r.value?.toString() }));
}

describe('compressed v2 batches', () => {
  for (const [name, codec] of Object.entries(CODECS)) {
    it(`decodes a ${name} batch written by librdkafka`, () => {
      const batch = LIBRDKAFKA_BATCHES[name as keyof typeof CODECS];
      const view = new RecordBatchView(batch, 0);
      assert.equal(view.compression, codec);
      assert.ok(view.isValid());
      assert.deepEqual(records(batch), LIBRDKAFKA_RECORDS);
      checkRecordsBody(inflateRecords(view, 1 << 20), view.recordCount);
    });

    it(`re-encodes the librdkafka batch with ${name}, keeping records and header fields`, () => {
      const source = new RecordBatchView(LIBRDKAFKA_BATCHES.gzip, 0);
      const out = recompressBatch(source, codec, 1 << 20);
      const view = new RecordBatchView(out, 0);
      assert.equal(view.compression, codec);
      assert.ok(view.isValid());
      assert.equal(view.recordCount, 6);
      assert.equal(view.baseTimestamp, source.baseTimestamp);
      assert.equal(view.maxTimestamp, source.maxTimestamp);
      assert.equal(view.producerId, source.producerId);
      assert.deepEqual(records(out), LIBRDKAFKA_RECORDS);
    });
  }

  it('keeps producer id, epoch, sequence and the transactional flag', () => {
    const batch = encodeCompressedBatch(
      [
        {
          key: null,
          value: Buffer.from('x'),
          headers: [{ key: 'h', value: Buffer.from('1') }],
          timestamp: 5n,
        },
      ],
      CompressionCodec.Zstd,
      { producerId: 42n, producerEpoch: 3, baseSequence: 7, attributes: 0x10 },
    );
    const view = new RecordBatchView(batch, 0);
    assert.deepEqual(
      [view.compression, view.producerId, view.producerEpoch, view.baseSequence, view.isTransactional],
      [CompressionCodec.Zstd, 42n, 3, 7, true],
    );
    const [record] = decodeBatchRecords(batch);
    assert.deepEqual(record!.headers, [{ key: 'h', value: Buffer.from('1') }]);
  });

  it('rejects records whose offset deltas skip', () => {
    const batch = encodeCompressedBatch(
      [0, 2].map((offsetDelta) => ({
        key: null,
        value: Buffer.from('v'),
        headers: [],
        timestamp: 1n,
        offsetDelta,
      })),
      CompressionCodec.Gzip,
    );
    const view = new RecordBatchView(batch, 0);
    assert.throws(() => checkRecordsBody(inflateRecords(view, 1 << 20), 2), /offset delta 2/);
  });

  it('rejects trailing bytes after the declared records', () => {
    const view = new RecordBatchView(LIBRDKAFKA_BATCHES.snappy, 0);
    assert.throws(() => checkRecordsBody(inflateRecords(view, 1 << 20), 5), InvalidRecordError);
  });

  it('bounds inflation by max.message.bytes, a ratio and an absolute cap', () => {
    assert.equal(inflationLimit(100, 1_000_000), 1_000_000);
    assert.equal(inflationLimit(100_000, 1_000_000), 25_000_000);
    assert.equal(inflationLimit(10_000_000, 1_000_000), MAX_INFLATED_BATCH_BYTES);
  });
});
