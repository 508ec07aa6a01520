import type { LogConfig } from './log-config.js';
import type { Segment } from './segment.js';

/** Decides, for one segment and the one after it, whether retention may delete it. */
export type SegmentPredicate = (segment: Segment, next: Segment | undefined) => boolean;

/**
 * The oldest segments, in order, that `predicate` allows to delete (Kafka's
 * `UnifiedLog.deletableSegments`). Stops at the first segment it keeps. A segment is only
 * deletable when all of its offsets are below the high watermark, so the log start offset never
 * passes it; the empty active segment is never deleted (a full log is rolled first instead).
 */
export function deletableSegments(
  segments: readonly Segment[],
  highWatermark: bigint,
  logEndOffset: bigint,
  predicate: SegmentPredicate,
): Segment[] {
  const deletable: Segment[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const next = segments[i + 1];
    const isLastAndEmpty = next === undefined && segment.size === 0;
    const upperBoundOffset = next === undefined ? logEndOffset : next.baseOffset;
    if (isLastAndEmpty || highWatermark < upperBoundOffset || !predicate(segment, next)) break;
    deletable.push(segment);
  }
  return deletable;
}

/** retention.ms: the segment's newest record is older than the limit (-1 keeps forever). */
export function retentionMsBreached(config: LogConfig, nowMs: number): SegmentPredicate {
  return (segment) =>
    config.retentionMs >= 0 && BigInt(nowMs) - segment.largestTimestamp() > BigInt(config.retentionMs);
}

/**
 * retention.bytes: delete the oldest segments while the log stays at or above the limit without
 * them (-1 keeps everything). Stateful: build one per retention pass.
 */
export function retentionSizeBreached(config: LogConfig, logSizeBytes: number): SegmentPredicate {
  let excess = config.retentionBytes < 0 ? -1 : logSizeBytes - config.retentionBytes;
  return (segment) => {
    if (excess - segment.size < 0) return false;
    excess -= segment.size;
    return true;
  };
}

/** Segments wholly below the log start offset (after DeleteRecords). */
export function logStartOffsetBreached(logStartOffset: bigint): SegmentPredicate {
  return (_segment, next) => next !== undefined && next.baseOffset <= logStartOffset;
}

export function hasDeletePolicy(config: LogConfig): boolean {
  return config.cleanupPolicy.split(',').includes('delete');
}
