import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as zlib from 'node:zlib';
import {
  decodeBatchRecords,
  encodeCompressedBatch,
} from '../../src/protocol/compression/compressed-batch.js';
import {
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  CompressionCodec,
  CRC_OFFSET,
  computeBatchChecksum,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  RecordBatchView,
} from '../../src/protocol/records/record-batch.js';
import { validateRecordsForAppend } from '../../src/storage/log-validator.js';
import { CorruptRecordError, InvalidRecordError } from '../../src/util/errors.js';
import { LIBRDKAFKA_BATCHES, LIBRDKAFKA_RECORDS } from '../protocol/compression/librdkafka-batches.js';
import { batch, openLog, tempDir, testConfig } from './helpers.js';

const config = (compressionType: string) => ({ maxMessageBytes: 1_048_588, compressionType });

/** `batch` with its records section replaced by `body` and the attributes' codec set, CRC fixed. */
function withBody(template: Buffer, codec: number, body: Buffer): Buffer {
  const out = Buffer.concat([template.subarray(0, RECORD_BATCH_OVERHEAD), body]);
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  out.writeInt16BE((out.readInt16BE(ATTRIBUTES_OFFSET) & ~7) | codec, ATTRIBUTES_OFFSET);
  out.writeUInt32BE(computeBatchChecksum(out, 0, out.length), CRC_OFFSET);
  return out;
}

const copy = (b: Buffer) => Buffer.from(b);

describe('validateRecordsForAppend', () => {
  it('keeps a producer-compressed batch byte for byte under compression.type=producer', () => {
    const records = copy(LIBRDKAFKA_BATCHES.lz4);
    const validated = validateRecordsForAppend(records, config('producer'), 't-0');
    assert.equal(validated.records, records);
    assert.equal(validated.batches.length, 1);
  });

  it('keeps a batch that already has the topic codec', () => {
    const records = copy(LIBRDKAFKA_BATCHES.zstd);
    assert.equal(validateRecordsForAppend(records, config('zstd'), 't-0').records, records);
  });

  for (const [type, codec] of [
    ['gzip', CompressionCodec.Gzip],
    ['snappy', CompressionCodec.Snappy],
    ['lz4', CompressionCodec.Lz4],
    ['zstd', CompressionCodec.Zstd],
    ['uncompressed', CompressionCodec.None],
  ] as const) {
    it(`recompresses to ${type} when compression.type says so`, () => {
      const source = type === 'gzip' ? LIBRDKAFKA_BATCHES.snappy : LIBRDKAFKA_BATCHES.gzip;
      const validated = validateRecordsForAppend(copy(source), config(type), 't-0');
      const view = validated.batches[0]!;
      assert.equal(view.compression, codec);
      assert.ok(view.isValid());
      const decoded = decodeBatchRecords(validated.records).map((r) => ({
        key: r.key?.toString(),
        value: r.value?.toString(),
      }));
      assert.deepEqual(decoded, LIBRDKAFKA_RECORDS);
    });
  }

  it('compresses an uncompressed batch under compression.type=gzip', () => {
    const validated = validateRecordsForAppend(batch(10), config('gzip'), 't-0');
    assert.equal(validated.batches[0]!.compression, CompressionCodec.Gzip);
    assert.ok(validated.records.length < batch(10).length);
  });

  it('rejects a corrupt compressed payload with a valid CRC as CORRUPT_MESSAGE', () => {
    const bad = withBody(LIBRDKAFKA_BATCHES.gzip, 1, Buffer.from('not gzip at all, just bytes'));
    assert.throws(() => validateRecordsForAppend(bad, config('producer'), 't-0'), CorruptRecordError);
  });

  it('rejects a codec id that does not exist as CORRUPT_MESSAGE', () => {
    const bad = withBody(LIBRDKAFKA_BATCHES.gzip, 6, LIBRDKAFKA_BATCHES.gzip.subarray(RECORD_BATCH_OVERHEAD));
    assert.throws(
      () => validateRecordsForAppend(bad, config('producer'), 't-0'),
      /unknown compression codec id 6/,
    );
  });

  it('rejects a record count that disagrees with the compressed records', () => {
    const six = encodeCompressedBatch(
      Array.from({ length: 6 }, () => ({ key: null, value: Buffer.from('v'), headers: [], timestamp: 1n })),
      CompressionCodec.Snappy,
    );
    // Header claims 5 records (lastOffsetDelta 4) while the body holds 6.
    six.writeInt32BE(4, 23);
    six.writeInt32BE(5, 57);
    six.writeUInt32BE(computeBatchChecksum(six, 0, six.length), CRC_OFFSET);
    assert.throws(() => validateRecordsForAppend(six, config('producer'), 't-0'), InvalidRecordError);
  });

  it('refuses a decompression bomb as INVALID_RECORD before inflating it all', () => {
    // 64 MiB of zeros gzip to ~64 KiB: a ratio of 1000, far past max.message.bytes.
    const bomb = withBody(batch(1), 1, zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024)));
    assert.throws(() => validateRecordsForAppend(bomb, config('producer'), 't-0'), /inflates beyond/);
  });

  it('appends nothing when one batch of the request is bad', () => {
    const log = openLog(tempDir(), testConfig());
    const bad = withBody(LIBRDKAFKA_BATCHES.zstd, 4, Buffer.from('garbage garbage garbage'));
    assert.throws(() => log.appendAsLeader(Buffer.concat([copy(LIBRDKAFKA_BATCHES.gzip), bad]), 0));
    assert.equal(log.logEndOffset, 0n);
    log.appendAsLeader(copy(LIBRDKAFKA_BATCHES.gzip), 0);
    assert.equal(log.logEndOffset, 6n);
    assert.equal(
      new RecordBatchView(log.read(0n, 1 << 20, true).records, 0).compression,
      CompressionCodec.Gzip,
    );
    log.close();
  });

  it('stores batches recompressed per the log config and serves them as stored', () => {
    const log = openLog(tempDir(), testConfig({ compressionType: 'zstd' }));
    log.appendAsLeader(copy(LIBRDKAFKA_BATCHES.snappy), 0);
    log.appendAsLeader(batch(3), 0);
    const read = log.read(0n, 1 << 20, true).records;
    const first = new RecordBatchView(read, 0);
    assert.equal(first.compression, CompressionCodec.Zstd);
    assert.equal(new RecordBatchView(read, first.sizeInBytes).compression, CompressionCodec.Zstd);
    assert.equal(new RecordBatchView(read, first.sizeInBytes).baseOffset, 6n);
    log.close();
  });
});
