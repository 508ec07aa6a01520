import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { encodeCompressedBatch } from '../../src/protocol/compression/compressed-batch.js';
import { CompressionCodec, RecordBatchView } from '../../src/protocol/records/record-batch.js';
import { decodeRecordsBody, encodeRecordBatch } from '../../src/protocol/records/records.js';
import { validateRecordsForAppend } from '../../src/storage/log-validator.js';
import { needsOffloadedValidation, RecordWorkerPool } from '../../src/storage/record-worker-pool.js';
import { InvalidRecordError } from '../../src/util/errors.js';

const records = (count: number, opts: { badDeltaAt?: number; keyless?: boolean } = {}) =>
  Array.from({ length: count }, (_, i) => ({
    key: opts.keyless ? null : Buffer.from(`k${i}`),
    value: Buffer.from(`value-${i}-${'v'.repeat(200)}`),
    headers: [],
    timestamp: 1000n + BigInt(i),
    offsetDelta: i === opts.badDeltaAt ? i + 1 : i,
  }));

const config = { maxMessageBytes: 1 << 20, compressionType: 'producer' };

describe('RecordWorkerPool', () => {
  const pool = new RecordWorkerPool(1);
  after(() => pool.close());

  it('picks only records that hold a compressed batch of the threshold size', () => {
    const compressed = encodeCompressedBatch(records(2000), CompressionCodec.Gzip);
    const plain = encodeRecordBatch(records(2000));
    assert.equal(needsOffloadedValidation(compressed, compressed.length), true);
    assert.equal(needsOffloadedValidation(compressed, compressed.length + 1), false);
    assert.equal(needsOffloadedValidation(plain, 1024), false, 'uncompressed batches inflate nothing');
    assert.equal(needsOffloadedValidation(Buffer.alloc(10, 0xff), 1), false);
  });

  it('validates on a worker what the event loop would: good, bad, recompressed', async () => {
    const good = encodeCompressedBatch(records(2000), CompressionCodec.Zstd);
    const ok = await pool.validate(good, config, 't-0');
    assert.equal(ok.error, undefined);
    assert.equal(ok.rewritten, undefined);
    const accepted = validateRecordsForAppend(good, config, 't-0', ok);
    assert.equal(accepted.records, good);
    assert.equal(accepted.batches.length, 1);

    const bad = encodeCompressedBatch(records(2000, { badDeltaAt: 7 }), CompressionCodec.Lz4);
    const refused = await pool.validate(bad, config, 't-0');
    assert.ok(refused.error instanceof InvalidRecordError);
    assert.match(refused.error.message, /record 7 of a compressed batch has offset delta 8/);
    assert.throws(() => validateRecordsForAppend(bad, config, 't-0', refused), InvalidRecordError);

    const keyless = encodeCompressedBatch(records(100, { keyless: true }), CompressionCodec.Gzip);
    const compacted = await pool.validate(keyless, { ...config, cleanupPolicy: 'compact' }, 't-0');
    assert.equal(compacted.error?.kafkaError, 'INVALID_RECORD');

    const lz4 = { ...config, compressionType: 'lz4' };
    const recompressed = await pool.validate(good, lz4, 't-0');
    const stored = validateRecordsForAppend(good, lz4, 't-0', recompressed);
    assert.ok(recompressed.rewritten);
    const batch = new RecordBatchView(stored.records, 0);
    assert.equal(batch.compression, CompressionCodec.Lz4);
    assert.equal(batch.recordCount, 2000);
    assert.ok(pool.completed >= 4);
  });

  it('is validated again on the loop when the config changed meanwhile', async () => {
    const keyless = encodeCompressedBatch(records(100, { keyless: true }), CompressionCodec.Gzip);
    const offloaded = await pool.validate(keyless, config, 't-0');
    assert.equal(offloaded.error, undefined);
    assert.throws(
      () => validateRecordsForAppend(keyless, { ...config, cleanupPolicy: 'compact' }, 't-0', offloaded),
      /without key/,
    );
  });

  it('keeps the records a worker recompressed decodable, record for record', async () => {
    const good = encodeCompressedBatch(records(500), CompressionCodec.Snappy);
    const gzip = { ...config, compressionType: 'uncompressed' };
    const result = await pool.validate(good, gzip, 't-0');
    const stored = validateRecordsForAppend(good, gzip, 't-0', result);
    const batch = new RecordBatchView(stored.records, 0);
    assert.equal(batch.compression, CompressionCodec.None);
    const decoded = decodeRecordsBody(
      stored.records.subarray(61, batch.sizeInBytes),
      batch.recordCount,
      0n,
      batch.baseTimestamp,
    );
    assert.deepEqual(
      decoded.map((r) => r.key?.toString()),
      records(500).map((r) => r.key?.toString()),
    );
  });

  it('refuses work once closed', async () => {
    const closed = new RecordWorkerPool(1);
    await closed.close();
    await assert.rejects(closed.validate(Buffer.alloc(0), config, 't-0'));
  });
});
