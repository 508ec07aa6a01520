import { CorruptRecordError, InvalidRecordError } from '../../util/errors.js';
import {
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_CODEC_MASK,
  CompressionCodec,
  CRC_OFFSET,
  computeBatchChecksum,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  RecordBatchView,
} from '../records/record-batch.js';
import {
  type DecodedRecord,
  decodeRecordsBody,
  type EncodeBatchOptions,
  encodeRecordBatch,
  type RecordData,
} from '../records/records.js';
import { compress, decompress } from './codecs.js';

/**
 * v2 batches whose records section is compressed (attributes bits 0-2): the 61-byte header stays
 * plain, the records after it are one compressed stream (`DefaultRecordBatch.compressedIterator`).
 */

/** No batch is inflated past this, whatever the topic allows. */
export const MAX_INFLATED_BATCH_BYTES = 256 * 1024 * 1024;
/** Beyond max.message.bytes, a batch may inflate at most this many times its compressed size. */
export const MAX_COMPRESSION_RATIO = 250;

/**
 * How far the records of a compressed batch of `compressedBytes` may inflate: always up to
 * max.message.bytes, further only at a ratio real data reaches, never past an absolute bound. A
 * batch past it is treated as a decompression bomb.
 */
export function inflationLimit(compressedBytes: number, maxMessageBytes: number): number {
  const limit = Math.max(maxMessageBytes, compressedBytes * MAX_COMPRESSION_RATIO);
  return Math.min(MAX_INFLATED_BATCH_BYTES, limit);
}

/** The batch's records section, inflated (a slice of the batch itself when uncompressed). */
export function inflateRecords(batch: RecordBatchView, maxBytes: number): Buffer {
  const body = batch.buffer.subarray(
    batch.position + RECORD_BATCH_OVERHEAD,
    batch.position + batch.sizeInBytes,
  );
  return decompress(batch.compression, body, maxBytes);
}

/**
 * Walks `count` records in an inflated records section without decoding them: each record's
 * length must stay inside the section, its offsetDelta must be its index (Kafka's LogValidator
 * checks inner offsets the same way), and nothing may follow the last record.
 */
export function checkRecordsBody(body: Buffer, count: number): void {
  let position = 0;
  for (let i = 0; i < count; i++) {
    const length = readVarint(body, position);
    position = length.next;
    const end = position + length.value;
    if (length.value < 2 || end > body.length) {
      throw new CorruptRecordError(`record ${i} of length ${length.value} runs past the end of its batch`);
    }
    position++; // attributes
    position = skipVarint(body, position, end); // timestampDelta (varlong)
    const offsetDelta = readVarint(body, position);
    if (offsetDelta.next > end) throw new CorruptRecordError(`record ${i} is truncated`);
    if (offsetDelta.value !== i) {
      throw new InvalidRecordError(`record ${i} of a compressed batch has offset delta ${offsetDelta.value}`);
    }
    position = end;
  }
  if (position !== body.length) {
    throw new InvalidRecordError(
      `compressed batch declares ${count} records but ${body.length - position} bytes follow them`,
    );
  }
}

/** Records of the v2 batch at `position`, compressed or not. */
export function decodeBatchRecords(
  buffer: Buffer,
  position = 0,
  maxBytes = MAX_INFLATED_BATCH_BYTES,
): DecodedRecord[] {
  const batch = new RecordBatchView(buffer, position);
  if (batch.isLegacy) throw new InvalidRecordError(`record batch magic ${batch.magic} is not v2`);
  if (position + batch.sizeInBytes > buffer.length) {
    throw new CorruptRecordError('record batch runs past the end of the buffer');
  }
  const logAppendTime = batch.timestampType === 'LogAppendTime' ? batch.maxTimestamp : undefined;
  return decodeRecordsBody(
    inflateRecords(batch, maxBytes),
    batch.recordCount,
    batch.baseOffset,
    batch.baseTimestamp,
    logAppendTime,
  );
}

/** Encodes a v2 batch with its records compressed by `codec` (uncompressed for None). */
export function encodeCompressedBatch(
  records: readonly RecordData[],
  codec: CompressionCodec,
  options: EncodeBatchOptions = {},
): Buffer {
  const attributes = (options.attributes ?? 0) & ~COMPRESSION_CODEC_MASK;
  const plain = encodeRecordBatch(records, { ...options, attributes });
  if (codec === CompressionCodec.None) return plain;
  const body = compress(codec, plain.subarray(RECORD_BATCH_OVERHEAD));
  const batch = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + body.length);
  plain.copy(batch, 0, 0, RECORD_BATCH_OVERHEAD);
  body.copy(batch, RECORD_BATCH_OVERHEAD);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  batch.writeInt16BE(attributes | codec, ATTRIBUTES_OFFSET);
  batch.writeUInt32BE(computeBatchChecksum(batch, 0, batch.length), CRC_OFFSET);
  return batch;
}

/**
 * The batch re-encoded with `codec`, keeping its producer id, epoch, base sequence, leader epoch,
 * timestamp type, transactional flag and every record (Kafka's broker-side recompression).
 */
export function recompressBatch(batch: RecordBatchView, codec: CompressionCodec, maxBytes: number): Buffer {
  return reencodeBatch(batch, inflateRecords(batch, maxBytes), codec);
}

/** As `recompressBatch`, from the batch's records section already inflated. */
export function reencodeBatch(batch: RecordBatchView, inflated: Buffer, codec: CompressionCodec): Buffer {
  // Record timestamps as written (not the LogAppendTime view); the header keeps the type bit.
  const records = decodeRecordsBody(inflated, batch.recordCount, 0n, batch.baseTimestamp);
  return encodeCompressedBatch(
    records.map((r, i) => ({
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestamp: r.timestamp,
      offsetDelta: i,
    })),
    codec,
    {
      baseOffset: batch.baseOffset,
      partitionLeaderEpoch: batch.partitionLeaderEpoch,
      attributes: batch.attributes & ~COMPRESSION_CODEC_MASK,
      producerId: batch.producerId,
      producerEpoch: batch.producerEpoch,
      baseSequence: batch.baseSequence,
    },
  );
}

function readVarint(buffer: Buffer, position: number): { value: number; next: number } {
  let raw = 0;
  let shift = 0;
  for (;;) {
    if (position >= buffer.length) throw new CorruptRecordError('varint runs past the end of the batch');
    const b = buffer[position++]!;
    raw |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
    if (shift > 28) throw new CorruptRecordError('varint is longer than 5 bytes');
  }
  return { value: (raw >>> 1) ^ -(raw & 1), next: position };
}

function skipVarint(buffer: Buffer, position: number, end: number): number {
  for (let n = 0; n < 10; n++) {
    if (position >= end) throw new CorruptRecordError('varint runs past the end of its record');
    if ((buffer[position++]! & 0x80) === 0) return position;
  }
  throw new CorruptRecordError('varlong is longer than 10 bytes');
}
