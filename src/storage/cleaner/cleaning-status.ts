import * as fs from 'node:fs';
import * as path from 'node:path';
import { LOG_START_OFFSET_CHECKPOINT, readCheckpointFile } from '../checkpoint.js';
import {
  CLEANER_LAST_CLEAN_CHECKPOINT,
  CLEANER_OFFSET_CHECKPOINT,
  type CleaningStatus,
  type SegmentExtent,
  sectionSizes,
} from './cleaner-manager.js';

const LOG_FILE = /^(\d{20})\.log$/;

/**
 * A partition's cleaning status read from a data directory's files alone, without opening the log
 * (safe beside a running broker): the first dirty offset from `cleaner-offset-checkpoint`, the
 * dirty ratio from the `.log` sizes (the cleanable section ends at the active segment here; the
 * broker also stops at the last stable offset and min.compaction.lag.ms), and the last clean time.
 * undefined when the partition has no directory.
 */
export function readCleaningStatus(
  dataDir: string,
  topic: string,
  partition: number,
): CleaningStatus | undefined {
  const dir = path.join(dataDir, `${topic}-${partition}`);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return undefined;
  }
  const segments: SegmentExtent[] = [];
  for (const name of names.sort()) {
    const match = LOG_FILE.exec(name);
    if (match !== null)
      segments.push({ baseOffset: BigInt(match[1]!), size: fs.statSync(path.join(dir, name)).size });
  }
  if (segments.length === 0) return undefined;
  const offsetIn = (file: string) => {
    try {
      return readCheckpointFile(path.join(dataDir, file)).find(
        (e) => e.topic === topic && e.partition === partition,
      )?.offset;
    } catch {
      return undefined;
    }
  };
  const logStart = offsetIn(LOG_START_OFFSET_CHECKPOINT) ?? segments[0]!.baseOffset;
  const checkpointed = offsetIn(CLEANER_OFFSET_CHECKPOINT);
  const firstDirtyOffset = checkpointed !== undefined && checkpointed >= logStart ? checkpointed : logStart;
  const active = segments[segments.length - 1]!.baseOffset;
  // The cleanable section ends at the active segment (sectionSizes takes the later of it and firstDirty).
  const sizes = sectionSizes(segments, firstDirtyOffset, active);
  const lastClean = offsetIn(CLEANER_LAST_CLEAN_CHECKPOINT);
  return {
    firstDirtyOffset,
    dirtyRatio: sizes.totalBytes > 0 ? sizes.cleanableRatio : 0,
    lastCleanTimeMs: lastClean === undefined ? undefined : Number(lastClean),
  };
}
