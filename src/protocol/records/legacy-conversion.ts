import { compress } from '../compression/codecs.js';
import {
  decodeBatchRecords,
  encodeCompressedBatch,
  MAX_INFLATED_BATCH_BYTES,
} from '../compression/compressed-batch.js';
import { UnsupportedCompressionTypeError } from '../compression/unsupported-compression.js';
import { encodeLegacyMessage, flattenMessageSet, type LegacyMagic } from './legacy-message-set.js';
import { batchesIn, CompressionCodec, TIMESTAMP_TYPE_MASK } from './record-batch.js';

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
 * Stored v2 batches as a message set of `toMagic`, dropping records below `fetchOffset`, control
 * batches and headers (which old formats cannot carry). An uncompressed batch becomes plain
 * messages; a compressed one becomes one wrapper message of the same codec, whose offset is the
 * batch's last record. zstd cannot be expressed (UNSUPPORTED_COMPRESSION_TYPE, as Kafka answers).
 */
export function downConvertRecords(records: Buffer, toMagic: LegacyMagic, fetchOffset: bigint): Buffer {
  const out: Buffer[] = [];
  for (const batch of batchesIn(records)) {
    if (batch.isLegacy || batch.isControl) continue;
    const codec = batch.compression;
    if (codec === CompressionCodec.Zstd) {
      throw new UnsupportedCompressionTypeError(
        `batch at offset ${batch.baseOffset} is zstd-compressed, which message format v${toMagic} cannot carry`,
      );
    }
    const kept = decodeBatchRecords(batch.buffer, batch.position).filter((r) => r.offset >= fetchOffset);
    if (kept.length === 0) continue;
    const logAppendTime = toMagic === 1 && batch.timestampType === 'LogAppendTime';
    const timestampAttribute = logAppendTime ? TIMESTAMP_TYPE_MASK : 0;
    const timestampOf = (t: bigint) => (toMagic === 0 ? -1n : t);
    if (codec === CompressionCodec.None) {
      for (const r of kept) {
        out.push(
          encodeLegacyMessage(
            toMagic,
            r.offset,
            timestampAttribute,
            timestampOf(r.timestamp),
            r.key,
            r.value,
          ),
        );
      }
      continue;
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
    out.push(
      encodeLegacyMessage(
        toMagic,
        last.offset,
        codec | timestampAttribute,
        timestampOf(batch.maxTimestamp),
        null,
        value,
      ),
    );
  }
  return Buffer.concat(out);
}
