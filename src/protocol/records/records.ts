import { CorruptRecordError, InvalidRecordError } from '../../util/errors.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_CODEC_MASK,
  CRC_OFFSET,
  CURRENT_MAGIC,
  computeBatchChecksum,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  RecordBatchView,
} from './record-batch.js';

/**
 * Records inside an uncompressed v2 batch (Kafka's `DefaultRecord.java`):
 *
 * ```
 * Record =>
 *   length          varint   bytes after this field
 *   attributes      int8     unused, 0
 *   timestampDelta  varlong  from the batch's baseTimestamp
 *   offsetDelta     varint   from the batch's baseOffset
 *   keyLength       varint   -1 for null
 *   key             bytes
 *   valueLength     varint   -1 for null
 *   value           bytes
 *   headerCount     varint
 *   Header => headerKeyLength varint, headerKey utf-8, headerValueLength varint (-1 null), headerValue
 * ```
 * Varints are zig-zag encoded (protobuf style).
 */

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** A record to encode. offsetDelta defaults to the record's index in the batch. */
export interface RecordData {
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  timestamp: bigint;
  offsetDelta?: number;
}

export interface DecodedRecord {
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export interface EncodeBatchOptions {
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
  /** Batch attributes (timestamp type, transactional, control). Compression bits must be 0. */
  attributes?: number;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
}

/** Encodes an uncompressed v2 batch with its CRC filled in. */
export function encodeRecordBatch(records: readonly RecordData[], options: EncodeBatchOptions = {}): Buffer {
  if (records.length === 0) throw new InvalidRecordError('a record batch needs at least one record');
  const attributes = options.attributes ?? 0;
  if ((attributes & COMPRESSION_CODEC_MASK) !== 0) {
    throw new InvalidRecordError('encodeRecordBatch writes uncompressed batches only');
  }
  // Kafka's MemoryRecordsBuilder takes the first record's timestamp as the base timestamp.
  const baseTimestamp = records[0]!.timestamp;
  let maxTimestamp = baseTimestamp;
  let lastOffsetDelta = 0;
  let size = RECORD_BATCH_OVERHEAD;
  const bodySizes = new Array<number>(records.length);
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    if (record.timestamp > maxTimestamp) maxTimestamp = record.timestamp;
    const offsetDelta = record.offsetDelta ?? i;
    lastOffsetDelta = offsetDelta;
    const bodySize = recordBodySize(record, record.timestamp - baseTimestamp, offsetDelta);
    bodySizes[i] = bodySize;
    size += varintSize(bodySize) + bodySize;
  }

  const buffer = Buffer.allocUnsafe(size);
  buffer.writeBigInt64BE(options.baseOffset ?? 0n, BASE_OFFSET_OFFSET);
  buffer.writeInt32BE(size - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  buffer.writeInt32BE(
    options.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH,
    PARTITION_LEADER_EPOCH_OFFSET,
  );
  buffer.writeInt8(CURRENT_MAGIC, MAGIC_OFFSET);
  buffer.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
  buffer.writeInt32BE(lastOffsetDelta, LAST_OFFSET_DELTA_OFFSET);
  buffer.writeBigInt64BE(baseTimestamp, BASE_TIMESTAMP_OFFSET);
  buffer.writeBigInt64BE(maxTimestamp, MAX_TIMESTAMP_OFFSET);
  buffer.writeBigInt64BE(options.producerId ?? NO_PRODUCER_ID, PRODUCER_ID_OFFSET);
  buffer.writeInt16BE(options.producerEpoch ?? NO_PRODUCER_EPOCH, PRODUCER_EPOCH_OFFSET);
  buffer.writeInt32BE(options.baseSequence ?? NO_SEQUENCE, BASE_SEQUENCE_OFFSET);
  buffer.writeInt32BE(records.length, RECORDS_COUNT_OFFSET);

  let position = RECORD_BATCH_OVERHEAD;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    position = writeVarint(buffer, position, bodySizes[i]!);
    buffer.writeInt8(0, position++);
    position = writeVarlong(buffer, position, record.timestamp - baseTimestamp);
    position = writeVarint(buffer, position, record.offsetDelta ?? i);
    position = writeNullableBytes(buffer, position, record.key);
    position = writeNullableBytes(buffer, position, record.value);
    position = writeVarint(buffer, position, record.headers.length);
    for (const header of record.headers) {
      const keyLength = Buffer.byteLength(header.key, 'utf8');
      position = writeVarint(buffer, position, keyLength);
      position += buffer.write(header.key, position, 'utf8');
      position = writeNullableBytes(buffer, position, header.value);
    }
  }
  buffer.writeUInt32BE(computeBatchChecksum(buffer, 0, size), CRC_OFFSET);
  return buffer;
}

/**
 * Decodes the records of the uncompressed v2 batch at `position`. Compressed batches must be
 * decompressed first and their record bytes passed to `decodeRecordsBody`.
 */
export function decodeRecords(buffer: Buffer, position = 0): DecodedRecord[] {
  const batch = new RecordBatchView(buffer, position);
  if (batch.magic !== CURRENT_MAGIC) {
    throw new InvalidRecordError(`record batch magic ${batch.magic} is not v2`);
  }
  if (batch.compression !== 0) {
    throw new InvalidRecordError(
      `record batch is compressed (codec ${batch.compression}); decompress it first`,
    );
  }
  const end = position + batch.sizeInBytes;
  if (end > buffer.length) throw new CorruptRecordError('record batch runs past the end of the buffer');
  const logAppendTime = batch.timestampType === 'LogAppendTime' ? batch.maxTimestamp : undefined;
  return decodeRecordsBody(
    buffer.subarray(position + RECORD_BATCH_OVERHEAD, end),
    batch.recordCount,
    batch.baseOffset,
    batch.baseTimestamp,
    logAppendTime,
  );
}

/**
 * Decodes `count` records from `body` (the bytes after the 61-byte header, decompressed if the
 * batch was). With LogAppendTime every record's timestamp is the batch's maxTimestamp
 * (`DefaultRecordBatch.java`), passed as `logAppendTime`.
 */
export function decodeRecordsBody(
  body: Buffer,
  count: number,
  baseOffset: bigint,
  baseTimestamp: bigint,
  logAppendTime?: bigint,
): DecodedRecord[] {
  const reader = { buffer: body, position: 0 };
  const records: DecodedRecord[] = [];
  for (let i = 0; i < count; i++) {
    const length = readVarint(reader);
    const start = reader.position;
    if (length < 0 || start + length > body.length) {
      throw new CorruptRecordError(`record ${i} of length ${length} runs past the end of its batch`);
    }
    reader.position++; // attributes: unused
    const timestampDelta = readVarlong(reader);
    const offsetDelta = readVarint(reader);
    const key = readNullableBytes(reader);
    const value = readNullableBytes(reader);
    const headerCount = readVarint(reader);
    if (headerCount < 0) throw new CorruptRecordError(`record ${i} has a negative header count`);
    const headers: RecordHeader[] = [];
    for (let h = 0; h < headerCount; h++) {
      const keyLength = readVarint(reader);
      if (keyLength < 0) throw new CorruptRecordError(`record ${i} has a header with a null key`);
      const headerKey = body.toString('utf8', reader.position, reader.position + keyLength);
      reader.position += keyLength;
      headers.push({ key: headerKey, value: readNullableBytes(reader) });
    }
    if (reader.position !== start + length) {
      throw new CorruptRecordError(
        `record ${i} declares ${length} bytes but holds ${reader.position - start}`,
      );
    }
    records.push({
      offset: baseOffset + BigInt(offsetDelta),
      timestamp: logAppendTime ?? baseTimestamp + timestampDelta,
      key,
      value,
      headers,
    });
  }
  if (reader.position !== body.length) {
    throw new CorruptRecordError(
      `${body.length - reader.position} bytes follow the last record of the batch`,
    );
  }
  return records;
}

function recordBodySize(record: RecordData, timestampDelta: bigint, offsetDelta: number): number {
  let size = 1 + varlongSize(timestampDelta) + varintSize(offsetDelta);
  size += nullableBytesSize(record.key) + nullableBytesSize(record.value);
  size += varintSize(record.headers.length);
  for (const header of record.headers) {
    const keyLength = Buffer.byteLength(header.key, 'utf8');
    size += varintSize(keyLength) + keyLength + nullableBytesSize(header.value);
  }
  return size;
}

function nullableBytesSize(bytes: Buffer | null): number {
  return bytes === null ? 1 : varintSize(bytes.length) + bytes.length;
}

function writeNullableBytes(buffer: Buffer, position: number, bytes: Buffer | null): number {
  if (bytes === null) return writeVarint(buffer, position, -1);
  position = writeVarint(buffer, position, bytes.length);
  return position + bytes.copy(buffer, position);
}

// Zig-zag varints. int32 values fit in JS numbers; varlongs use bigint only past 2^52.

function zigzag32(value: number): number {
  return ((value << 1) ^ (value >> 31)) >>> 0;
}

export function varintSize(value: number): number {
  let v = zigzag32(value);
  let size = 1;
  while (v >= 0x80) {
    v >>>= 7;
    size++;
  }
  return size;
}

export function writeVarint(buffer: Buffer, position: number, value: number): number {
  let v = zigzag32(value);
  while (v >= 0x80) {
    buffer[position++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buffer[position++] = v;
  return position;
}

function zigzag64(value: bigint): bigint {
  return BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
}

export function varlongSize(value: bigint): number {
  let v = zigzag64(value);
  let size = 1;
  while (v >= 0x80n) {
    v >>= 7n;
    size++;
  }
  return size;
}

export function writeVarlong(buffer: Buffer, position: number, value: bigint): number {
  if (value >= -0x8000000000000n && value < 0x8000000000000n) {
    // Fast path: the zig-zag value stays below 2^53, so plain number arithmetic is exact.
    const n = Number(value);
    let v = n >= 0 ? n * 2 : -n * 2 - 1;
    while (v >= 0x80) {
      buffer[position++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    buffer[position++] = v;
    return position;
  }
  let v = zigzag64(value);
  while (v >= 0x80n) {
    buffer[position++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  buffer[position++] = Number(v);
  return position;
}

/** A read position in a buffer (the varint readers move it). */
export interface Reader {
  buffer: Buffer;
  position: number;
}

function readByte(reader: Reader): number {
  if (reader.position >= reader.buffer.length)
    throw new CorruptRecordError('varint runs past the end of the batch');
  return reader.buffer[reader.position++]!;
}

export function readVarint(reader: Reader): number {
  let raw = 0;
  let shift = 0;
  for (;;) {
    const b = readByte(reader);
    raw |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
    if (shift > 28) throw new CorruptRecordError('varint is longer than 5 bytes');
  }
  return (raw >>> 1) ^ -(raw & 1);
}

export function readVarlong(reader: Reader): bigint {
  let raw = 0n;
  let shift = 0n;
  for (;;) {
    const b = readByte(reader);
    raw |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
    shift += 7n;
    if (shift > 63n) throw new CorruptRecordError('varlong is longer than 10 bytes');
  }
  return (raw >> 1n) ^ -(raw & 1n);
}

function readNullableBytes(reader: Reader): Buffer | null {
  const length = readVarint(reader);
  if (length < 0) return null;
  if (reader.position + length > reader.buffer.length) {
    throw new CorruptRecordError('record field runs past the end of the batch');
  }
  const bytes = reader.buffer.subarray(reader.position, reader.position + length);
  reader.position += length;
  return bytes;
}
