import {
  checkRecordsBody,
  inflateRecords,
  inflationLimit,
  reencodeBatch,
} from '../protocol/compression/compressed-batch.js';
import { codecName, targetCodecOf } from '../protocol/compression/compression-type.js';
import {
  batchSizeAt,
  CompressionCodec,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  RecordBatchView,
} from '../protocol/records/record-batch.js';
import { CorruptRecordError, InvalidRecordError, RecordTooLargeError, SamsaError } from '../util/errors.js';
import { recordsIn } from './cleaner/batch-filter.js';
import type { OffloadedValidation } from './record-worker-pool.js';

/**
 * Checks a produce request's record batches before anything is written (the header-only part of
 * Kafka's `LogValidator` / `UnifiedLog.analyzeAndValidateRecords`): every batch is a complete v2
 * batch, within max.message.bytes, with a matching CRC-32C and a record count that agrees with its
 * offset range. Records inside are not decoded here; `validateRecordsForAppend` adds that for
 * compressed batches.
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
    // Markers (control batches, appended by the coordinator only) carry no sequence.
    if (batch.producerId >= 0n && batch.baseSequence < 0 && !batch.isControl) {
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

/** What the leader's append path checks against: the topic's max.message.bytes, compression.type and cleanup.policy. */
export interface AppendValidationConfig {
  maxMessageBytes: number;
  compressionType: string;
  /** A compacted topic (`compact` in the list) refuses records without a key. */
  cleanupPolicy?: string;
}

export interface ValidatedRecords {
  /** The records to write: the request's own buffer, or a new one when batches were recompressed. */
  records: Buffer;
  batches: RecordBatchView[];
}

/**
 * The leader's validation of a produce request (Kafka's `LogValidator.validateMessagesAndAssignOffsets`
 * minus offset assignment): header checks of every batch, then the records of compressed batches,
 * then recompression when the topic's compression.type names a codec other than the batch's.
 * Throws, and nothing is to be written, on the first bad batch.
 * `offloaded` is this same validation done on a worker (`RecordWorkerPool`): when it ran
 * against the current config, only the cheap header checks run again here.
 */
export function validateRecordsForAppend(
  records: Buffer,
  config: AppendValidationConfig,
  where: string,
  offloaded?: OffloadedValidation,
): ValidatedRecords {
  if (offloaded !== undefined && sameValidationConfig(offloaded.config, config)) {
    if (offloaded.error) throw offloaded.error;
    const stored = offloaded.rewritten ?? records;
    return { records: stored, batches: validateBatches(stored, config.maxMessageBytes, where) };
  }
  const batches = validateBatches(records, config.maxMessageBytes, where);
  const target = targetCodecOf(config.compressionType);
  const compacted = config.cleanupPolicy?.split(',').includes('compact') === true;
  let rewritten: Buffer[] | undefined;
  for (let i = 0; i < batches.length; i++) {
    const batch = batches[i]!;
    const needsRecompression = target !== undefined && batch.compression !== target;
    if (batch.compression === CompressionCodec.None && !needsRecompression) {
      if (compacted) validateKeys(batch, batch.bytes().subarray(RECORD_BATCH_OVERHEAD), where);
      continue;
    }
    const inflated = validateCompressedRecords(batch, config.maxMessageBytes, where);
    if (compacted) validateKeys(batch, inflated, where);
    if (!needsRecompression) continue;
    rewritten ??= batches.map((b) => b.bytes());
    rewritten[i] = reencodeBatch(batch, inflated, target);
  }
  if (rewritten === undefined) return { records, batches };
  const recompressed = Buffer.concat(rewritten);
  return { records: recompressed, batches: validateBatches(recompressed, config.maxMessageBytes, where) };
}

function sameValidationConfig(a: AppendValidationConfig, b: AppendValidationConfig): boolean {
  return (
    a.maxMessageBytes === b.maxMessageBytes &&
    a.compressionType === b.compressionType &&
    (a.cleanupPolicy ?? '') === (b.cleanupPolicy ?? '')
  );
}

/** Kafka's `LogValidator.validateKey`: every record of a compacted topic needs a key (markers aside). */
function validateKeys(batch: RecordBatchView, body: Buffer, where: string): void {
  if (batch.isControl) return;
  for (const record of recordsIn(body, batch.recordCount, batch.baseOffset, batch.baseTimestamp)) {
    if (record.key === null) {
      throw new InvalidRecordError(
        `Compacted topic cannot accept message without key in topic partition ${where}.`,
      );
    }
  }
}

/**
 * Inflates a batch's records (bounded by `inflationLimit`, so a decompression bomb is refused
 * early) and walks them: count and offset deltas must agree with the header. Returns the inflated
 * records for a caller that re-encodes them; nobody keeps them past the append.
 */
export function validateCompressedRecords(
  batch: RecordBatchView,
  maxMessageBytes: number,
  where: string,
): Buffer {
  const codec = batch.compression;
  if (codec > CompressionCodec.Zstd) {
    throw new CorruptRecordError(
      `unknown compression codec id ${codec} in batch at position ${batch.position} of append to ${where}`,
    );
  }
  try {
    const inflated = inflateRecords(batch, inflationLimit(batch.sizeInBytes, maxMessageBytes));
    checkRecordsBody(inflated, batch.recordCount);
    return inflated;
  } catch (error) {
    if (error instanceof SamsaError) {
      const context = `${codecName(codec)} batch at position ${batch.position} of append to ${where}`;
      throw error instanceof CorruptRecordError
        ? new CorruptRecordError(`${error.message} (${context})`, { cause: error })
        : new InvalidRecordError(`${error.message} (${context})`, { cause: error });
    }
    throw error;
  }
}
