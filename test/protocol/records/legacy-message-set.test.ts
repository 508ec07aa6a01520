import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync as gzip } from 'node:zlib';
import {
  decodeBatchRecords,
  encodeCompressedBatch,
} from '../../../src/protocol/compression/compressed-batch.js';
import { downConvertRecords, upConvertMessageSet } from '../../../src/protocol/records/legacy-conversion.js';
import {
  decodeLegacyEntries,
  encodeLegacyMessage,
  flattenMessageSet,
} from '../../../src/protocol/records/legacy-message-set.js';
import { CompressionCodec, RecordBatchView } from '../../../src/protocol/records/record-batch.js';
import { CorruptRecordError, InvalidRecordError } from '../../../src/util/errors.js';

const hex = (s: string) => Buffer.from(s, 'hex');

/**
 * Message sets built by kafka-python 2.0.2's LegacyRecordBatchBuilder: three messages (offset i,
 * key k<i>, value v<i>; v1 with timestamp 1600000000000 + i).
 */
const V0 = hex(
  '0000000000000000000000128697724c0000000000026b3000000002763000000000000000010000001257e7496e0000000000026b31000000027631000000000000000200000012ff0602490000000000026b32000000027632',
);
const V1 = hex(
  '00000000000000000000001a9df92603010000000174876e8000000000026b3000000002763000000000000000010000001a911fc4a4010000000174876e8001000000026b3100000002763100000000000000020000001a8434e34d010000000174876e8002000000026b32000000027632',
);
const V1_GZIP = hex(
  '0000000000000000000000678f1e8fe801010000000000000000ffffffff000000511f8b0800926c096b02ff63608003a9b93fd59819810cc692f6bc06900853b601882c3380aa00494a4d943fb204ae8a11acca10acca10aa8a09a4aac5e4b12f5c151358951158951100b61f776b72000000',
);
const V0_GZIP = hex(
  '0000000000000000000000503e3c0ae90001ffffffff000000421f8b0800926c096b02ff63608003a1b6e9453e601653b601882c3380ca308264c39f7be641650dc1b28650592690ec7f36264fa8ac1158d60800a74288715a000000',
);

const expected = (timestamps: boolean) =>
  [0, 1, 2].map((i) => ({
    offset: BigInt(i),
    timestamp: timestamps ? 1_600_000_000_000n + BigInt(i) : -1n,
    key: Buffer.from(`k${i}`),
    value: Buffer.from(`v${i}`),
  }));

function v2Batch(codec: CompressionCodec, baseOffset = 0n): Buffer {
  return encodeCompressedBatch(
    [0, 1, 2].map((i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.from(`v${i}`),
      headers: [],
      timestamp: 1_600_000_000_000n + BigInt(i),
    })),
    codec,
    { baseOffset },
  );
}

describe('legacy message sets (magic v0/v1)', () => {
  it('decodes kafka-python message sets, plain and gzip-wrapped', () => {
    assert.deepEqual(flattenMessageSet(V0, 1 << 20), { records: expected(false), codec: 0, magic: 0 });
    assert.deepEqual(flattenMessageSet(V1, 1 << 20), { records: expected(true), codec: 0, magic: 1 });
    // A producer's v1 wrapper has offset 0 (the broker assigns them), so the inner relative
    // offsets 0..2 resolve to -2..0; the v2 batch they become renumbers them anyway.
    const v1Gzip = expected(true).map((r) => ({ ...r, offset: r.offset - 2n }));
    assert.deepEqual(flattenMessageSet(V1_GZIP, 1 << 20), { records: v1Gzip, codec: 1, magic: 1 });
    assert.deepEqual(flattenMessageSet(V0_GZIP, 1 << 20), { records: expected(false), codec: 1, magic: 0 });
  });

  it('encodes messages byte for byte as kafka-python does', () => {
    const v0 = expected(false).map((r) => encodeLegacyMessage(0, r.offset, 0, -1n, r.key, r.value));
    const v1 = expected(true).map((r) => encodeLegacyMessage(1, r.offset, 0, r.timestamp, r.key, r.value));
    assert.deepEqual(Buffer.concat(v0), V0);
    assert.deepEqual(Buffer.concat(v1), V1);
  });

  it('converts an old producer message set to one v2 batch with the producer codec', () => {
    const batch = upConvertMessageSet(V1_GZIP);
    const view = new RecordBatchView(batch, 0);
    assert.ok(view.isValid());
    assert.equal(view.compression, CompressionCodec.Gzip);
    assert.equal(view.recordCount, 3);
    const records = decodeBatchRecords(batch).map((r) => ({ ...r, headers: undefined }));
    assert.deepEqual(
      records,
      expected(true).map((r) => ({ ...r, headers: undefined })),
    );
    assert.equal(new RecordBatchView(upConvertMessageSet(V0), 0).compression, CompressionCodec.None);
  });

  it('converts stored v2 batches down to what kafka-python writes', () => {
    assert.deepEqual(downConvertRecords(v2Batch(CompressionCodec.None), 1, 0n), V1);
    assert.deepEqual(downConvertRecords(v2Batch(CompressionCodec.None), 0, 0n), V0);
    // From offset 1: the record below the fetch offset is left out.
    assert.deepEqual(downConvertRecords(v2Batch(CompressionCodec.None), 1, 1n), V1.subarray(38));
  });

  for (const codec of [CompressionCodec.Gzip, CompressionCodec.Snappy, CompressionCodec.Lz4]) {
    for (const magic of [0, 1] as const) {
      it(`converts a codec ${codec} batch to one v${magic} wrapper with its last offset`, () => {
        const set = downConvertRecords(v2Batch(codec, 100n), magic, 0n);
        const [wrapper, ...rest] = decodeLegacyEntries(set);
        assert.equal(rest.length, 0);
        assert.equal(wrapper!.offset, 102n);
        assert.equal(wrapper!.attributes & 7, codec);
        assert.equal(wrapper!.timestamp, magic === 1 ? 1_600_000_000_002n : -1n);
        const flat = flattenMessageSet(set, 1 << 20);
        assert.deepEqual(
          flat.records.map((r) => r.offset),
          [100n, 101n, 102n],
        );
        assert.deepEqual(
          flat.records.map((r) => r.value?.toString()),
          ['v0', 'v1', 'v2'],
        );
      });
    }
  }

  it('refuses to express zstd in an old format', () => {
    assert.throws(() => downConvertRecords(v2Batch(CompressionCodec.Zstd), 1, 0n), /zstd/);
  });

  it('answers within the size of the read, cutting the last message as Kafka does', () => {
    const stored = Buffer.concat([0n, 3n, 6n, 9n].map((base) => v2Batch(CompressionCodec.None, base)));
    const whole = Buffer.concat(
      [0n, 3n, 6n, 9n].map((base) => downConvertRecords(v2Batch(CompressionCodec.None, base), 1, 0n)),
    );
    assert.ok(whole.length > stored.length, 'v1 messages take more room than the v2 batches');
    const answer = downConvertRecords(stored, 1, 0n);
    assert.equal(answer.length, stored.length);
    assert.deepEqual(answer, whole.subarray(0, stored.length));
    assert.deepEqual(answer.subarray(0, V1.length), V1, 'the first batch is whole');
  });

  it('always sends the whole first converted batch, even beyond the size of the read', () => {
    const stored = v2Batch(CompressionCodec.None);
    const answer = downConvertRecords(stored, 1, 0n);
    assert.ok(answer.length > stored.length);
    assert.deepEqual(answer, V1);
  });

  it('stops before a zstd batch that follows convertible ones', () => {
    const stored = Buffer.concat([v2Batch(CompressionCodec.None), v2Batch(CompressionCodec.Zstd, 3n)]);
    assert.deepEqual(downConvertRecords(stored, 1, 0n), V1);
  });

  it('keeps every record of a compressed batch fetched from its middle, in one wrapper', () => {
    const set = downConvertRecords(v2Batch(CompressionCodec.Gzip), 1, 1n);
    assert.deepEqual(
      flattenMessageSet(set, 1 << 20).records.map((r) => r.offset),
      [0n, 1n, 2n],
    );
  });

  it('rejects a truncated wrapper, a bad CRC, nested compression and unknown codecs', () => {
    assert.throws(
      () => flattenMessageSet(V1_GZIP.subarray(0, V1_GZIP.length - 10), 1 << 20),
      CorruptRecordError,
    );
    const badCrc = Buffer.from(V1);
    badCrc[30] ^= 1;
    assert.throws(() => flattenMessageSet(badCrc, 1 << 20), /crc/);
    const nested = encodeLegacyMessage(
      1,
      0n,
      1,
      0n,
      null,
      encodeLegacyMessage(1, 0n, 1, 0n, null, Buffer.alloc(1)),
    );
    const wrapped = encodeLegacyMessage(1, 0n, 1, 0n, null, gzip(nested));
    assert.throws(() => flattenMessageSet(wrapped, 1 << 20), InvalidRecordError);
    const unknown = encodeLegacyMessage(1, 0n, 4, 0n, null, Buffer.alloc(8));
    assert.throws(() => flattenMessageSet(unknown, 1 << 20), CorruptRecordError);
  });

  it('refuses a wrapper that inflates past the limit', () => {
    const wrapper = encodeLegacyMessage(0, 0n, 1, -1n, null, gzip(Buffer.alloc(10_000_000)));
    assert.throws(() => flattenMessageSet(wrapper, 1_000_000), /inflates beyond/);
  });
});
