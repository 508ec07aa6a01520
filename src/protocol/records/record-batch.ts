import { crc32c } from './crc32c.js';

/**
 * Zero-copy access to v2 (magic 2) RecordBatch headers inside a Buffer, as laid out in Kafka's
 * `DefaultRecordBatch.java`:
 *
 * ```
 * RecordBatch =>
 *   baseOffset           int64   0
 *   batchLength          int32   8   bytes after this field
 *   partitionLeaderEpoch int32  12
 *   magic                int8   16   (at byte 16 in every format, legacy v0/v1 included)
 *   crc                  uint32 17   CRC-32C over attributes..end of batch
 *   attributes           int16  21
 *   lastOffsetDelta      int32  23
 *   baseTimestamp        int64  27
 *   maxTimestamp         int64  35
 *   producerId           int64  43
 *   producerEpoch        int16  51
 *   baseSequence         int32  53
 *   recordCount          int32  57
 *   records              ...    61
 * ```
 *
 * baseOffset and partitionLeaderEpoch sit before the CRC'd range so the broker can assign them
 * without recomputing the checksum; changing maxTimestamp or attributes (LogAppendTime) needs a
 * new CRC.
 */

export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORDS_COUNT_OFFSET = 57;
export const RECORD_BATCH_OVERHEAD = 61;

/** baseOffset + batchLength: the bytes that precede the length-counted part of every batch (Kafka's LOG_OVERHEAD). */
export const LOG_OVERHEAD = 12;
/** Smallest batchLength that still reaches the magic byte; anything shorter cannot be a batch. */
export const MIN_BATCH_LENGTH = MAGIC_OFFSET + 1 - LOG_OVERHEAD;

export const CURRENT_MAGIC = 2;
export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;
export const NO_TIMESTAMP = -1n;

/** Attribute bits (`DefaultRecordBatch.java`). */
export const COMPRESSION_CODEC_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_FLAG_MASK = 0x10;
export const CONTROL_FLAG_MASK = 0x20;
/** KIP-534: baseTimestamp holds the delete horizon of a compacted batch with tombstones. */
export const DELETE_HORIZON_FLAG_MASK = 0x40;

export enum CompressionCodec {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
}

export type TimestampType = 'CreateTime' | 'LogAppendTime';

export function compressionCodecOf(attributes: number): CompressionCodec {
  return attributes & COMPRESSION_CODEC_MASK;
}

export function timestampTypeOf(attributes: number): TimestampType {
  return attributes & TIMESTAMP_TYPE_MASK ? 'LogAppendTime' : 'CreateTime';
}

export function isTransactional(attributes: number): boolean {
  return (attributes & TRANSACTIONAL_FLAG_MASK) !== 0;
}

export function isControl(attributes: number): boolean {
  return (attributes & CONTROL_FLAG_MASK) !== 0;
}

export function hasDeleteHorizon(attributes: number): boolean {
  return (attributes & DELETE_HORIZON_FLAG_MASK) !== 0;
}

/** Attributes word from its parts (Kafka's `DefaultRecordBatch.computeAttributes`). */
export function computeAttributes(options: {
  compression?: CompressionCodec;
  timestampType?: TimestampType;
  transactional?: boolean;
  control?: boolean;
}): number {
  let attributes = (options.compression ?? CompressionCodec.None) & COMPRESSION_CODEC_MASK;
  if (options.timestampType === 'LogAppendTime') attributes |= TIMESTAMP_TYPE_MASK;
  if (options.transactional) attributes |= TRANSACTIONAL_FLAG_MASK;
  if (options.control) attributes |= CONTROL_FLAG_MASK;
  return attributes;
}

/**
 * A view of one batch's header at `position` in `buffer`. Reading a field reads the buffer; the
 * view copies nothing. Fields past `magic` are meaningful only when `magic === 2`: for a legacy
 * (v0/v1) message the view still reports `position`, `sizeInBytes` and `magic`, so callers can
 * reject or convert it.
 */
export class RecordBatchView {
  constructor(
    readonly buffer: Buffer,
    readonly position: number,
  ) {}

  /** Whole batch, LOG_OVERHEAD included. */
  get sizeInBytes(): number {
    return this.batchLength + LOG_OVERHEAD;
  }
  get baseOffset(): bigint {
    return this.buffer.readBigInt64BE(this.position + BASE_OFFSET_OFFSET);
  }
  get batchLength(): number {
    return this.buffer.readInt32BE(this.position + BATCH_LENGTH_OFFSET);
  }
  get partitionLeaderEpoch(): number {
    return this.buffer.readInt32BE(this.position + PARTITION_LEADER_EPOCH_OFFSET);
  }
  get magic(): number {
    return this.buffer.readInt8(this.position + MAGIC_OFFSET);
  }
  get crc(): number {
    return this.buffer.readUInt32BE(this.position + CRC_OFFSET);
  }
  get attributes(): number {
    return this.buffer.readInt16BE(this.position + ATTRIBUTES_OFFSET);
  }
  get lastOffsetDelta(): number {
    return this.buffer.readInt32BE(this.position + LAST_OFFSET_DELTA_OFFSET);
  }
  get lastOffset(): bigint {
    return this.baseOffset + BigInt(this.lastOffsetDelta);
  }
  get nextOffset(): bigint {
    return this.lastOffset + 1n;
  }
  get baseTimestamp(): bigint {
    return this.buffer.readBigInt64BE(this.position + BASE_TIMESTAMP_OFFSET);
  }
  get maxTimestamp(): bigint {
    return this.buffer.readBigInt64BE(this.position + MAX_TIMESTAMP_OFFSET);
  }
  get producerId(): bigint {
    return this.buffer.readBigInt64BE(this.position + PRODUCER_ID_OFFSET);
  }
  get producerEpoch(): number {
    return this.buffer.readInt16BE(this.position + PRODUCER_EPOCH_OFFSET);
  }
  get baseSequence(): number {
    return this.buffer.readInt32BE(this.position + BASE_SEQUENCE_OFFSET);
  }
  get recordCount(): number {
    return this.buffer.readInt32BE(this.position + RECORDS_COUNT_OFFSET);
  }
  get compression(): CompressionCodec {
    return compressionCodecOf(this.attributes);
  }
  get timestampType(): TimestampType {
    return timestampTypeOf(this.attributes);
  }
  get isTransactional(): boolean {
    return isTransactional(this.attributes);
  }
  get isControl(): boolean {
    return isControl(this.attributes);
  }
  get isLegacy(): boolean {
    return this.magic < CURRENT_MAGIC;
  }

  /** The whole batch as a slice of the underlying buffer (no copy). */
  bytes(): Buffer {
    return this.buffer.subarray(this.position, this.position + this.sizeInBytes);
  }

  /** CRC-32C of attributes..end, as it should be stored in the crc field. */
  computeChecksum(): number {
    return computeBatchChecksum(this.buffer, this.position, this.sizeInBytes);
  }

  /** True when this is a complete v2 batch whose stored CRC matches its contents. */
  isValid(): boolean {
    return (
      this.magic === CURRENT_MAGIC &&
      this.batchLength >= RECORD_BATCH_OVERHEAD - LOG_OVERHEAD &&
      this.computeChecksum() === this.crc
    );
  }
}

/**
 * Complete batches in `buffer[start, end)`, in order. Iteration stops (without error) at trailing
 * bytes that do not hold a whole batch, or at a length that cannot be a batch; compare the last
 * yielded batch's end with `end` (or use `validBytes`) to tell whether anything was left over, as
 * Kafka's `ByteBufferLogInputStream` does for fetch responses that end in a partial batch.
 */
export function* batchesIn(buffer: Buffer, start = 0, end = buffer.length): Generator<RecordBatchView> {
  let position = start;
  for (;;) {
    const size = batchSizeAt(buffer, position, end);
    if (size < 0) return;
    yield new RecordBatchView(buffer, position);
    position += size;
  }
}

/**
 * Size of the batch at `position` when it is complete within `end`; -1 when fewer than
 * LOG_OVERHEAD bytes remain, the batch runs past `end`, or its length is impossible.
 */
export function batchSizeAt(buffer: Buffer, position: number, end = buffer.length): number {
  if (end - position < LOG_OVERHEAD) return -1;
  const batchLength = buffer.readInt32BE(position + BATCH_LENGTH_OFFSET);
  if (batchLength < MIN_BATCH_LENGTH) return -1;
  const size = batchLength + LOG_OVERHEAD;
  return size <= end - position ? size : -1;
}

/** Bytes at the start of `buffer[start, end)` taken by complete batches. */
export function validBytes(buffer: Buffer, start = 0, end = buffer.length): number {
  let position = start;
  for (;;) {
    const size = batchSizeAt(buffer, position, end);
    if (size < 0) return position - start;
    position += size;
  }
}

export function computeBatchChecksum(buffer: Buffer, position: number, sizeInBytes: number): number {
  return crc32c(buffer.subarray(position + ATTRIBUTES_OFFSET, position + sizeInBytes));
}

/** Assigns the batch's base offset in place; outside the CRC, so nothing else changes. */
export function setBaseOffset(buffer: Buffer, position: number, baseOffset: bigint): void {
  buffer.writeBigInt64BE(baseOffset, position + BASE_OFFSET_OFFSET);
}

/** Stamps the leader epoch in place; outside the CRC, so nothing else changes. */
export function setPartitionLeaderEpoch(buffer: Buffer, position: number, epoch: number): void {
  buffer.writeInt32BE(epoch, position + PARTITION_LEADER_EPOCH_OFFSET);
}

/**
 * Sets maxTimestamp and the timestamp-type bit, then recomputes the CRC; a no-op when both already
 * hold (Kafka's `DefaultRecordBatch.setMaxTimestamp`). With LogAppendTime, every record of the
 * batch reads its timestamp from maxTimestamp.
 */
export function setMaxTimestamp(
  buffer: Buffer,
  position: number,
  timestampType: TimestampType,
  maxTimestamp: bigint,
): void {
  const view = new RecordBatchView(buffer, position);
  if (view.timestampType === timestampType && view.maxTimestamp === maxTimestamp) return;
  const attributes =
    timestampType === 'LogAppendTime'
      ? view.attributes | TIMESTAMP_TYPE_MASK
      : view.attributes & ~TIMESTAMP_TYPE_MASK;
  buffer.writeInt16BE(attributes, position + ATTRIBUTES_OFFSET);
  buffer.writeBigInt64BE(maxTimestamp, position + MAX_TIMESTAMP_OFFSET);
  buffer.writeUInt32BE(view.computeChecksum(), position + CRC_OFFSET);
}
