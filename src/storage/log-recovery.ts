import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../util/logger.js';
import { completeInterruptedSwaps } from './cleaner/swap-recovery.js';
import {
  DELETED_FILE_SUFFIX,
  INDEX_FILE_SUFFIX,
  LOG_FILE_SUFFIX,
  Segment,
  TIME_INDEX_FILE_SUFFIX,
} from './segment.js';

/** Files a crash can leave behind that never hold live data (Kafka's `LogLoader.removeTempFilesAndCollectSwapFiles`). */
const LEFTOVER_SUFFIXES = [DELETED_FILE_SUFFIX, '.tmp'];
const SEGMENT_FILE = /^(\d{20})\.(log|index|timeindex)$/;

export interface LoadedSegments {
  segments: Segment[];
  /** Bytes cut from torn or corrupt tails (0 after a clean shutdown). */
  truncatedBytes: number;
}

/**
 * Opens a partition directory's segments (Kafka's `LogLoader`). After a clean shutdown each
 * segment's state comes from its indexes and a short tail scan. Otherwise every segment from the
 * one holding `recoveryPoint` onwards is recovered: batches walked and checked, indexes rebuilt,
 * a torn or corrupt tail truncated, and any later segments deleted (nothing after a bad batch can
 * be trusted to follow on). Segments whose index files are missing or malformed are rebuilt either
 * way. `indexIntervalBytes`/`maxIndexSize` shape rebuilt indexes.
 */
export function loadSegments(options: {
  dir: string;
  recoveryPoint: bigint;
  needsRecovery: boolean;
  indexIntervalBytes: number;
  maxIndexSize: number;
  logger: Logger;
}): LoadedSegments {
  const { dir, logger } = options;
  // A clean's swap interrupted by a crash is rolled back (`.cleaned`) or finished (`.swap`) first.
  completeInterruptedSwaps(dir, options);
  const baseOffsets = new Set<bigint>();
  const indexFiles: { name: string; baseOffset: bigint }[] = [];
  for (const name of fs.readdirSync(dir)) {
    if (LEFTOVER_SUFFIXES.some((suffix) => name.endsWith(suffix))) {
      fs.rmSync(path.join(dir, name), { force: true });
      continue;
    }
    const match = SEGMENT_FILE.exec(name);
    if (match === null) continue;
    const baseOffset = BigInt(match[1]!);
    if (match[2] === 'log') baseOffsets.add(baseOffset);
    else indexFiles.push({ name, baseOffset });
  }
  for (const { name, baseOffset } of indexFiles) {
    if (!baseOffsets.has(baseOffset)) fs.rmSync(path.join(dir, name), { force: true }); // orphaned index
  }

  const sorted = [...baseOffsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const segments: Segment[] = [];
  let truncatedBytes = 0;
  for (let i = 0; i < sorted.length; i++) {
    const baseOffset = sorted[i]!;
    const segment = Segment.open(dir, baseOffset, options.maxIndexSize);
    const nextBase = sorted[i + 1];
    const unflushed = options.needsRecovery && (nextBase === undefined || nextBase > options.recoveryPoint);
    const isLast = i === sorted.length - 1;
    let recover = unflushed || !indexesLookSane(segment, isLast);
    if (!recover && !segment.loadState()) {
      logger.warn({ file: segment.file }, 'segment tail does not parse; recovering it');
      recover = true;
    }
    if (recover) {
      const truncated = segment.recover(options.indexIntervalBytes);
      if (truncated > 0) {
        truncatedBytes += truncated;
        logger.warn(
          { file: segment.file, truncatedBytes: truncated, nextOffset: String(segment.nextOffset) },
          'truncated an invalid tail of the log during recovery',
        );
        segments.push(segment);
        for (const later of sorted.slice(i + 1)) deleteSegmentFiles(dir, later, logger);
        break;
      }
    }
    segments.push(segment);
  }
  return { segments, truncatedBytes };
}

function indexesLookSane(segment: Segment, isLast: boolean): boolean {
  for (const index of [segment.offsetIndex, segment.timeIndex]) {
    if (!fs.existsSync(index.file) && segment.size > 0) return false;
    try {
      index.sanityCheck(isLast);
    } catch {
      return false;
    }
  }
  return true;
}

function deleteSegmentFiles(dir: string, baseOffset: bigint, logger: Logger): void {
  const prefix = path.join(dir, baseOffset.toString().padStart(20, '0'));
  logger.warn({ file: prefix + LOG_FILE_SUFFIX }, 'deleting a segment that follows a truncated one');
  for (const suffix of [LOG_FILE_SUFFIX, INDEX_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX]) {
    fs.rmSync(prefix + suffix, { force: true });
  }
}
