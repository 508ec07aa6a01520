import {
  decodeBatchRecords,
  encodeCompressedBatch,
} from '../../../src/protocol/compression/compressed-batch.js';
import { CompressionCodec, computeAttributes } from '../../../src/protocol/records/record-batch.js';
import { Cleaner, type CleanerStats } from '../../../src/storage/cleaner/cleaner.js';
import { cleanableOffsets, logToClean } from '../../../src/storage/cleaner/cleaner-manager.js';
import { OffsetMap } from '../../../src/storage/cleaner/offset-map.js';
import { Throttler } from '../../../src/storage/cleaner/throttler.js';
import type { Log } from '../../../src/storage/log.js';
import type { Clock } from '../../../src/util/clock.js';
import { logger } from '../helpers.js';

export const TS = 1_700_000_000_000n;

/** One batch of keyed records (`null` value = tombstone, `null` key = unkeyed). */
export function keyedBatch(
  entries: readonly (readonly [string | null, string | null])[],
  options: {
    codec?: CompressionCodec;
    timestamp?: bigint;
    producerId?: bigint;
    producerEpoch?: number;
    baseSequence?: number;
    transactional?: boolean;
  } = {},
): Buffer {
  return encodeCompressedBatch(
    entries.map(([key, value]) => ({
      key: key === null ? null : Buffer.from(key),
      value: value === null ? null : Buffer.from(value),
      headers: [],
      timestamp: options.timestamp ?? TS,
    })),
    options.codec ?? CompressionCodec.None,
    {
      producerId: options.producerId,
      producerEpoch: options.producerEpoch,
      baseSequence: options.baseSequence,
      attributes: computeAttributes({ transactional: options.transactional }),
    },
  );
}

export interface StoredRecord {
  offset: bigint;
  key: string | null;
  value: string | null;
}

/** Every data record of the log from its start, as stored (control batches skipped). */
export function readAll(log: Log): StoredRecord[] {
  const out: StoredRecord[] = [];
  for (const batch of log.batchesFrom(log.logStartOffset)) {
    if (batch.isControl) continue;
    if (!batch.isValid()) throw new Error(`invalid batch at offset ${batch.baseOffset}`);
    for (const record of decodeBatchRecords(batch.buffer, batch.position)) {
      out.push({
        offset: record.offset,
        key: record.key?.toString() ?? null,
        value: record.value?.toString() ?? null,
      });
    }
  }
  return out;
}

/** The latest record of each key (what a compacted log must keep), by key. */
export function latestPerKey(records: readonly StoredRecord[]): Map<string | null, StoredRecord> {
  const latest = new Map<string | null, StoredRecord>();
  for (const record of records) latest.set(record.key, record);
  return latest;
}

/** Runs one clean of `log` from `firstDirty` (its log start when undefined); returns the next dirty offset. */
export async function cleanOnce(
  log: Log,
  clock: Clock,
  firstDirty?: bigint,
  options: { ioBufferSize?: number; mapMemory?: number; checkDone?: (log: Log) => void } = {},
): Promise<{ endOffset: bigint; stats: CleanerStats }> {
  const now = clock.nowMs();
  const offsets = cleanableOffsets(log, firstDirty, now);
  const cleanable = logToClean(log, offsets.firstDirtyOffset, offsets.firstUncleanableDirtyOffset, false);
  const cleaner = new Cleaner(new OffsetMap(options.mapMemory ?? 1 << 20, 1), {
    ioBufferSize: options.ioBufferSize ?? 4096,
    dupBufferLoadFactor: 0.9,
    throttler: new Throttler(Number.POSITIVE_INFINITY, clock),
    clock,
    logger,
    checkDone: options.checkDone ?? (() => {}),
  });
  return cleaner.clean(cleanable);
}

/** Appends as the leader and moves the high watermark (single node). */
export function append(log: Log, records: Buffer, origin: 'client' | 'coordinator' = 'client'): void {
  log.appendAsLeader(records, 0, origin);
  log.setHighWatermark(log.logEndOffset);
}
