import { compress } from '../../protocol/compression/codecs.js';
import { inflateRecords, inflationLimit } from '../../protocol/compression/compressed-batch.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_CODEC_MASK,
  CompressionCodec,
  CRC_OFFSET,
  computeBatchChecksum,
  DELETE_HORIZON_FLAG_MASK,
  hasDeleteHorizon,
  LOG_OVERHEAD,
  MAX_TIMESTAMP_OFFSET,
  NO_TIMESTAMP,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  type RecordBatchView,
} from '../../protocol/records/record-batch.js';
import {
  readVarint,
  readVarlong,
  varintSize,
  varlongSize,
  writeVarint,
  writeVarlong,
} from '../../protocol/records/records.js';
import { CorruptRecordError } from '../../util/errors.js';

/**
 * Rewriting one v2 batch with only the records the cleaner keeps (Kafka's `MemoryRecords.filterTo`
 * and `buildRetainedRecordsInto`). Offsets never change: the batch keeps its baseOffset, its
 * lastOffsetDelta (so the producer's last sequence survives), producer id/epoch, base sequence,
 * leader epoch, flags and compression codec; retained records are copied byte for byte. A batch
 * that keeps a tombstone or an empty transaction's marker for the first time gets the KIP-534
 * delete horizon (now + delete.retention.ms) in its baseTimestamp, with the records' timestamp
 * deltas rewritten against it.
 */

/** One record inside a batch's (inflated) records section, located without decoding it. */
export interface RecordRef {
  /** Where the record (its length varint included) starts and ends in the section. */
  readonly start: number;
  readonly end: number;
  readonly offset: bigint;
  /** Absolute timestamp as written (baseTimestamp + delta). */
  readonly timestamp: bigint;
  /** Where the fields after timestampDelta start (offsetDelta onwards). */
  readonly afterTimestamp: number;
  readonly key: Buffer | null;
  readonly hasValue: boolean;
}

/** The records of `body` (a batch's records section, inflated), in order. */
export function* recordsIn(
  body: Buffer,
  count: number,
  baseOffset: bigint,
  baseTimestamp: bigint,
): Generator<RecordRef> {
  const cursor = { buffer: body, position: 0 };
  for (let i = 0; i < count; i++) {
    const start = cursor.position;
    const length = readVarint(cursor);
    const bodyStart = cursor.position;
    const end = bodyStart + length;
    if (length < 1 || end > body.length)
      throw new CorruptRecordError(`record ${i} runs past the end of its batch`);
    cursor.position++; // attributes
    const timestampDelta = readVarlong(cursor);
    const afterTimestamp = cursor.position;
    const offsetDelta = readVarint(cursor);
    const keyLength = readVarint(cursor);
    const key = keyLength < 0 ? null : body.subarray(cursor.position, cursor.position + keyLength);
    if (keyLength > 0) cursor.position += keyLength;
    const valueLength = readVarint(cursor);
    if (cursor.position > end) throw new CorruptRecordError(`record ${i} is longer than it declares`);
    cursor.position = end;
    yield {
      start,
      end,
      offset: baseOffset + BigInt(offsetDelta),
      timestamp: baseTimestamp + timestampDelta,
      afterTimestamp,
      key,
      hasValue: valueLength >= 0,
    };
  }
}

/** The inflated records section of a batch (a slice of it when uncompressed). */
export function batchBody(batch: RecordBatchView, maxMessageBytes: number): Buffer {
  return inflateRecords(batch, inflationLimit(batch.sizeInBytes, maxMessageBytes));
}

/** The control record type of a control batch (ABORT 0, COMMIT 1), null when it holds no record. */
export function controlTypeOf(batch: RecordBatchView, maxMessageBytes: number): number | null {
  if (batch.recordCount === 0) return null;
  for (const record of recordsIn(batchBody(batch, maxMessageBytes), 1, batch.baseOffset, 0n)) {
    if (record.key === null || record.key.length < 4) return -1;
    return record.key.readInt16BE(2);
  }
  return null;
}

/** Kafka's `BatchRetention`. */
export type BatchRetention = 'delete' | 'retain-empty' | 'delete-empty';

export interface BatchDecision {
  retention: BatchRetention;
  /** A marker whose transaction left no data: it gets a delete horizon like a tombstone. */
  containsMarkerForEmptyTxn: boolean;
}

export interface BatchFilter {
  checkBatchRetention(batch: RecordBatchView): BatchDecision;
  shouldRetainRecord(batch: RecordBatchView, record: RecordRef): boolean;
}

export interface FilteredBatch {
  /** The batch to write (the original bytes when unchanged); null when it is dropped. */
  bytes: Buffer | null;
  recordsRead: number;
  recordsRetained: number;
}

/** Kafka's `filterTo` for one batch. */
export function filterBatch(
  batch: RecordBatchView,
  filter: BatchFilter,
  options: { currentTimeMs: number; deleteRetentionMs: number; maxMessageBytes: number },
): FilteredBatch {
  const decision = filter.checkBatchRetention(batch);
  if (decision.retention === 'delete') return { bytes: null, recordsRead: 0, recordsRetained: 0 };
  const body = batchBody(batch, options.maxMessageBytes);
  const retained: RecordRef[] = [];
  let containsTombstones = false;
  let recordsRead = 0;
  for (const record of recordsIn(body, batch.recordCount, batch.baseOffset, batch.baseTimestamp)) {
    recordsRead++;
    if (!filter.shouldRetainRecord(batch, record)) continue;
    retained.push(record);
    if (!record.hasValue) containsTombstones = true;
  }
  if (retained.length === 0) {
    const bytes = decision.retention === 'retain-empty' ? emptyBatchLike(batch) : null;
    return { bytes, recordsRead, recordsRetained: 0 };
  }
  const needsDeleteHorizon =
    (containsTombstones || decision.containsMarkerForEmptyTxn) && !hasDeleteHorizon(batch.attributes);
  if (retained.length === recordsRead && !needsDeleteHorizon) {
    return { bytes: batch.bytes(), recordsRead, recordsRetained: retained.length };
  }
  const horizon = needsDeleteHorizon
    ? BigInt(options.currentTimeMs) + BigInt(options.deleteRetentionMs)
    : undefined;
  return {
    bytes: rebuildBatch(batch, body, retained, horizon),
    recordsRead,
    recordsRetained: retained.length,
  };
}

/** The batch with only `records` (from `body`), and the delete horizon when one is given. */
function rebuildBatch(
  batch: RecordBatchView,
  body: Buffer,
  records: readonly RecordRef[],
  horizon?: bigint,
): Buffer {
  const baseTimestamp = horizon ?? batch.baseTimestamp;
  const parts: Buffer[] = [];
  let maxTimestamp = NO_TIMESTAMP;
  for (const record of records) {
    if (record.timestamp > maxTimestamp) maxTimestamp = record.timestamp;
    if (horizon === undefined) {
      parts.push(body.subarray(record.start, record.end));
      continue;
    }
    // New timestamp delta against the horizon; everything after it is copied as it was.
    const delta = record.timestamp - baseTimestamp;
    const tail = body.subarray(record.afterTimestamp, record.end);
    const length = 1 + varlongSize(delta) + tail.length;
    const out = Buffer.allocUnsafe(varintSize(length) + length);
    let position = writeVarint(out, 0, length);
    out[position++] = 0; // attributes
    position = writeVarlong(out, position, delta);
    tail.copy(out, position);
    parts.push(out);
  }
  const codec: CompressionCodec = batch.attributes & COMPRESSION_CODEC_MASK;
  const plain = Buffer.concat(parts);
  const recordsSection = codec === CompressionCodec.None ? plain : compress(codec, plain);
  const out = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + recordsSection.length);
  batch.buffer.copy(out, 0, batch.position, batch.position + RECORD_BATCH_OVERHEAD);
  recordsSection.copy(out, RECORD_BATCH_OVERHEAD);
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  let attributes = batch.attributes;
  if (horizon !== undefined) attributes |= DELETE_HORIZON_FLAG_MASK;
  out.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
  out.writeBigInt64BE(baseTimestamp, BASE_TIMESTAMP_OFFSET);
  // Under LogAppendTime the batch's maxTimestamp is the append time of every record: keep it.
  if (batch.timestampType === 'CreateTime') out.writeBigInt64BE(maxTimestamp, MAX_TIMESTAMP_OFFSET);
  out.writeInt32BE(records.length, RECORDS_COUNT_OFFSET);
  out.writeUInt32BE(computeBatchChecksum(out, 0, out.length), CRC_OFFSET);
  return out;
}

/**
 * A header-only batch with no records (Kafka's `DefaultRecordBatch.writeEmptyHeader`): kept so the
 * producer's last sequence and epoch, or the round's last offset, survive cleaning.
 */
function emptyBatchLike(batch: RecordBatchView): Buffer {
  const out = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD);
  batch.buffer.copy(out, 0, batch.position, batch.position + RECORD_BATCH_OVERHEAD);
  out.writeInt32BE(RECORD_BATCH_OVERHEAD - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  const flags = batch.attributes & ~(COMPRESSION_CODEC_MASK | DELETE_HORIZON_FLAG_MASK);
  out.writeInt16BE(flags, ATTRIBUTES_OFFSET);
  out.writeBigInt64BE(NO_TIMESTAMP, BASE_TIMESTAMP_OFFSET);
  out.writeInt32BE(0, RECORDS_COUNT_OFFSET);
  out.writeUInt32BE(computeBatchChecksum(out, 0, out.length), CRC_OFFSET);
  return out;
}

/** The delete horizon a batch carries (KIP-534), undefined when none. */
export function deleteHorizonOf(batch: RecordBatchView): bigint | undefined {
  return hasDeleteHorizon(batch.attributes) ? batch.baseTimestamp : undefined;
}
