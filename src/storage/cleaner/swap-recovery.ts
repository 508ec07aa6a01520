import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../../util/logger.js';
import { CLEANED_FILE_SUFFIX, LOG_FILE_SUFFIX, Segment, SWAP_FILE_SUFFIX } from '../segment.js';

const OFFSET_PREFIX = /^(\d{20})\./;
/** The files that make up a segment (a `.snapshot` belongs to the log, not to a segment). */
const SEGMENT_FILE = /^\d{20}\.(log|index|timeindex|txnindex)$/;

/**
 * Finishes or rolls back a swap of cleaned segments that a crash interrupted, before the
 * segments are loaded (Kafka's `LogLoader.removeTempFilesAndCollectSwapFiles` and the swap
 * passes of `LogLoader.load`):
 *
 * - `.cleaned` files are an unfinished clean: deleted; so is any `.swap` file at or above the
 *   lowest `.cleaned` offset (a swap whose renames had not all happened);
 * - the remaining `.swap` files are a swap that got past its point of no return: the segment files
 *   their offsets cover (the old segments, not yet renamed `.deleted`) are deleted and the `.swap`
 *   files renamed to their final names.
 */
export function completeInterruptedSwaps(
  dir: string,
  options: { maxIndexSize: number; indexIntervalBytes: number; logger: Logger },
): void {
  const names = fs.readdirSync(dir);
  const cleaned = names.filter((name) => name.endsWith(CLEANED_FILE_SUFFIX));
  const swaps = names.filter((name) => name.endsWith(SWAP_FILE_SUFFIX));
  if (cleaned.length === 0 && swaps.length === 0) return;
  const remove = (name: string) => fs.rmSync(path.join(dir, name), { force: true });
  let minCleaned: bigint | undefined;
  for (const name of cleaned) {
    const offset = offsetOf(name);
    if (offset !== undefined && (minCleaned === undefined || offset < minCleaned)) minCleaned = offset;
  }
  const valid: string[] = [];
  for (const name of swaps) {
    const offset = offsetOf(name);
    if (offset === undefined || (minCleaned !== undefined && offset >= minCleaned)) remove(name);
    else valid.push(name);
  }
  for (const name of cleaned) remove(name);

  // The offsets the swapped-in segments cover: the old files there were replaced by them.
  let min: bigint | undefined;
  let max: bigint | undefined;
  for (const name of valid) {
    if (!name.endsWith(LOG_FILE_SUFFIX + SWAP_FILE_SUFFIX)) continue;
    const base = offsetOf(name)!;
    const segment = Segment.open(dir, base, options.maxIndexSize, SWAP_FILE_SUFFIX);
    try {
      segment.recover(options.indexIntervalBytes);
      if (min === undefined || base < min) min = base;
      if (max === undefined || segment.nextOffset > max) max = segment.nextOffset;
    } finally {
      segment.close();
    }
    options.logger.info(
      { file: path.join(dir, name) },
      'completing a log cleaner swap interrupted by a crash',
    );
  }
  if (min !== undefined && max !== undefined) {
    for (const name of fs.readdirSync(dir)) {
      const offset = SEGMENT_FILE.test(name) ? offsetOf(name) : undefined;
      if (offset !== undefined && offset >= min && offset < max) remove(name);
    }
  }
  for (const name of valid) {
    fs.renameSync(path.join(dir, name), path.join(dir, name.slice(0, -SWAP_FILE_SUFFIX.length)));
  }
}

function offsetOf(name: string): bigint | undefined {
  const match = OFFSET_PREFIX.exec(name);
  return match === null ? undefined : BigInt(match[1]!);
}
