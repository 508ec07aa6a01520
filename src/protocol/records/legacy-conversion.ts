import { compress } from '../compression/codecs.js';
import {
  decodeBatchRecords,
  encodeCompressedBatch,
  MAX_INFLATED_BATCH_BYTES,
} from '../compression/compressed-batch.js';
import { UnsupportedCompressionTypeError } from '../compression/unsupported-compression.js';
import { encodeLegacyMessage, flattenMessageSet, type LegacyMagic } from './legacy-message-set.js';
import { batchesIn, CompressionCodec, type RecordBatchView, TIMESTAMP_TYPE_MASK } from './record-batch.js';

const EMPTY = Buffer.alloc(0);

/**
 * Conversion between legacy message sets (magic v0/v1) and v2 batches, as Kafka 3.x does with
 * message format v2 on disk: old producers' message sets are stored as v2 batches
 * (`LogValidator.convertAndAssignOffsetsNonCompressed` and the compressed path), and old fetchers
 * get v2 batches converted down (`RecordsUtil.downConvert`).
 */

/**
 * A produce request's message set as one v2 batch: every record (wrappers opened) in order, with
 * its v1 timestamp (v0 has none: -1), compressed with the codec the producer used.
 */
export function upConvertMessageSet(messageSet: Buffer, maxInflatedBytes = MAX_INFLATED_BATCH_BYTES): Buffer {
  const { records, codec } = flattenMessageSet(messageSet, maxInflatedBytes);
  return encodeCompressedBatch(
    records.map((r, i) => ({
      key: r.key,
      value: r.value,
      headers: [],
      timestamp: r.timestamp,
      offsetDelta: i,
    })),
    codec,
  );
}

/**
 * Stored v2 batches, as read for a Fetch v0-v3, converted to a message set of `toMagic` the way
 * Kafka's lazy down-conversion sends them (KIP-283, `LazyDownConversionRecords`): the answer for
 * the partition is as large as the stored read (which the request's byte limits bounded), or as
 * the first converted batch when that alone is larger, so a consumer always gets one whole batch
 * and never more than the read it asked for. Conversion stops once that size is reached; the last
 * message may then be cut short, which old clients take as the end of the fetch (Kafka sends the
 * same partial message). Control batches and headers are dropped (old formats cannot carry them),
 * as are the records of an uncompressed batch below `fetchOffset`. zstd cannot be expressed: as
 * the first batch it is UNSUPPORTED_COMPRESSION_TYPE; later, conversion ends before it, so the
 * consumer's next fetch starts at it and gets that error (Kafka's `LazyDownConversionRecordsSend`).
 */
export function downConvertRecords(records: Buffer, toMagic: LegacyMagic, fetchOffset: bigint): Buffer {
  const out: Buffer[] = [];
  let budget = records.length;
  let size = 0;
  for (const batch of batchesIn(records)) {
    if (batch.isLegacy || batch.isControl) continue;
    if (batch.compression === CompressionCodec.Zstd) {
      if (out.length > 0) break;
      throw new UnsupportedCompressionTypeError(
        `batch at offset ${batch.baseOffset} is zstd-compressed, which message format v${toMagic} cannot carry`,
      );
    }
    const converted = convertBatch(batch, toMagic, fetchOffset);
    if (converted.length === 0) continue;
    if (out.length === 0 && converted.length > budget) budget = converted.length;
    out.push(converted);
    size += converted.length;
    if (size >= budget) break;
  }
  const all = out.length === 1 ? out[0]! : Buffer.concat(out);
  return all.length > budget ? all.subarray(0, budget) : all;
}

/**
 * One v2 batch as messages of `toMagic` (Kafka's `RecordsUtil.downConvert`). An uncompressed
 * batch becomes plain messages from `fetchOffset` on; a compressed one becomes one wrapper message
 * of the same codec holding all its records, whose offset is the batch's last record.
 */
function convertBatch(batch: RecordBatchView, toMagic: LegacyMagic, fetchOffset: bigint): Buffer {
  const codec = batch.compression;
  const records = decodeBatchRecords(batch.buffer, batch.position);
  const kept = codec === CompressionCodec.None ? records.filter((r) => r.offset >= fetchOffset) : records;
  if (kept.length === 0) return EMPTY;
  const logAppendTime = toMagic === 1 && batch.timestampType === 'LogAppendTime';
  const timestampAttribute = logAppendTime ? TIMESTAMP_TYPE_MASK : 0;
  const timestampOf = (t: bigint) => (toMagic === 0 ? -1n : t);
  if (codec === CompressionCodec.None) {
    return Buffer.concat(
      kept.map((r) =>
        encodeLegacyMessage(toMagic, r.offset, timestampAttribute, timestampOf(r.timestamp), r.key, r.value),
      ),
    );
  }
  // Kafka's MemoryRecordsBuilder: inner offsets relative to the batch's base offset in v1
  // (absolute in v0); the wrapper takes the last offset and, in v1, the max timestamp.
  const inner = kept.map((r) =>
    encodeLegacyMessage(
      toMagic,
      toMagic === 1 ? r.offset - batch.baseOffset : r.offset,
      0,
      timestampOf(r.timestamp),
      r.key,
      r.value,
    ),
  );
  const value = compress(codec, Buffer.concat(inner), { legacyLz4: toMagic === 0 });
  const last = kept[kept.length - 1]!;
  return encodeLegacyMessage(
    toMagic,
    last.offset,
    codec | timestampAttribute,
    timestampOf(batch.maxTimestamp),
    null,
    value,
  );
}
