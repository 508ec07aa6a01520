import {
  batchSizeAt,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  RecordBatchView,
} from '../protocol/records/record-batch.js';
import { CorruptRecordError, InvalidRecordError, RecordTooLargeError } from '../util/errors.js';

/**
 * Checks a produce request's record batches before anything is written (the header-only part of
 * Kafka's `LogValidator` / `UnifiedLog.analyzeAndValidateRecords`): every batch is a complete v2
 * batch, within max.message.bytes, with a matching CRC-32C and a record count that agrees with its
 * offset range. Records inside are not decoded, so compressed batches pass as they are.
 * Throws on the first bad batch; returns views of all batches when every one is good.
 */
export function validateBatches(records: Buffer, maxMessageBytes: number, where: string): RecordBatchView[] {
  const batches: RecordBatchView[] = [];
  let position = 0;
  while (position < records.length) {
    const size = batchSizeAt(records, position);
    if (size < 0) {
      const remaining = records.length - position;
      throw new CorruptRecordError(
        remaining < LOG_OVERHEAD
          ? `${remaining} trailing bytes at position ${position} in append to ${where} are not a record batch`
          : `record batch at position ${position} in append to ${where} is truncated or has an invalid length`,
      );
    }
    const batch = new RecordBatchView(records, position);
    if (batch.magic !== CURRENT_MAGIC) {
      if (batch.magic >= 0 && batch.magic < CURRENT_MAGIC) {
        throw new InvalidRecordError(
          `legacy message format v${batch.magic} in append to ${where} must be converted to v2 first`,
        );
      }
      throw new CorruptRecordError(`invalid magic ${batch.magic} in append to ${where}`);
    }
    if (size < RECORD_BATCH_OVERHEAD) {
      throw new CorruptRecordError(
        `record batch at position ${position} in append to ${where} is only ${size} bytes`,
      );
    }
    if (size > maxMessageBytes) {
      throw new RecordTooLargeError(
        `the record batch is ${size} bytes, larger than max.message.bytes ${maxMessageBytes} of ${where}`,
      );
    }
    const computed = batch.computeChecksum();
    if (computed !== batch.crc) {
      throw new CorruptRecordError(
        `Record is corrupt (stored crc = ${batch.crc}, computed crc = ${computed}) in append to ${where}`,
      );
    }
    const count = batch.recordCount;
    if (batch.lastOffsetDelta < 0) {
      throw new InvalidRecordError(
        `Batch has an invalid offset range: lastOffsetDelta ${batch.lastOffsetDelta}`,
      );
    }
    if (count <= 0) throw new InvalidRecordError(`Invalid reported count for record batch: ${count}`);
    if (count !== batch.lastOffsetDelta + 1) {
      throw new InvalidRecordError(
        `Inconsistent batch offset range [0, ${batch.lastOffsetDelta}] and count of records ${count}`,
      );
    }
    if (batch.producerId >= 0n && batch.baseSequence < 0) {
      throw new InvalidRecordError(
        `Invalid sequence number ${batch.baseSequence} for producer ${batch.producerId}`,
      );
    }
    batches.push(batch);
    position += size;
  }
  if (batches.length === 0) throw new InvalidRecordError(`no record batches in append to ${where}`);
  return batches;
}

/** Replicated batches keep their offsets; only their framing and CRCs are checked. */
export function validateBatchesAsFollower(records: Buffer, where: string): RecordBatchView[] {
  const batches: RecordBatchView[] = [];
  let position = 0;
  while (position < records.length) {
    const size = batchSizeAt(records, position);
    const batch = new RecordBatchView(records, position);
    if (size < 0 || !batch.isValid()) {
      throw new CorruptRecordError(
        `invalid record batch at position ${position} in replicated data for ${where}`,
      );
    }
    batches.push(batch);
    position += size;
  }
  if (batches.length === 0) throw new InvalidRecordError(`no record batches in append to ${where}`);
  return batches;
}
